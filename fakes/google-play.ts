import { generateKeyPairSync, randomBytes, randomUUID, webcrypto } from 'node:crypto';
import * as x509 from '@peculiar/x509';
import jwt from 'jsonwebtoken';
import './apple-ca.js';
import { grantServiceAccountToken } from './google-oauth.js';
import { json, listen } from './http.js';

export type SubscriptionState =
  | 'SUBSCRIPTION_STATE_ACTIVE'
  | 'SUBSCRIPTION_STATE_CANCELED'
  | 'SUBSCRIPTION_STATE_IN_GRACE_PERIOD'
  | 'SUBSCRIPTION_STATE_ON_HOLD'
  | 'SUBSCRIPTION_STATE_PAUSED'
  | 'SUBSCRIPTION_STATE_EXPIRED'
  | 'SUBSCRIPTION_STATE_PENDING';

export interface FakeSubscription {
  packageName: string;
  productId: string;
  state: SubscriptionState;
  expiryTime: number;
  orderId: string;
  renewals: number;
  autoRenew: boolean;
  acknowledged: boolean;
  test: boolean;
  linkedPurchaseToken?: string;
  /** The account the app bound the purchase to (`obfuscatedAccountId`). */
  obfuscatedExternalAccountId?: string;
}

export interface FakeProductPurchase {
  packageName: string;
  productId: string;
  orderId: string;
  purchaseState: 0 | 1 | 2;
  consumptionState: 0 | 1;
  acknowledgementState: 0 | 1;
  test: boolean;
  obfuscatedExternalAccountId?: string;
}

const SCOPE = 'https://www.googleapis.com/auth/androidpublisher';

/**
 * A local Google: the OAuth token endpoint (JWT-bearer grant, assertion checked against the service account's
 * key), the androidpublisher purchases endpoints (bearer token required), and the OIDC certificates endpoint
 * that Pub/Sub push tokens verify against.
 */
export class FakeGooglePlay {
  readonly subscriptions = new Map<string, FakeSubscription>();
  readonly products = new Map<string, FakeProductPurchase>();
  readonly serviceAccount: { client_email: string; private_key: string };
  readonly pushServiceAccount = 'pubsub-push@oneshot-test.iam.gserviceaccount.com';
  /** Purchase tokens whose lookups answer 500, to test failure handling. */
  readonly failing = new Set<string>();
  /** Purchase token → how many more acknowledge / consume calls answer 503 (Infinity: all of them). */
  readonly failingAcknowledgements = new Map<string, number>();
  /** Acknowledge / consume calls received, per purchase token. */
  readonly acknowledgeCalls = new Map<string, number>();
  requests = 0;
  private readonly serviceAccountPublicKey: string;
  private readonly accessTokens = new Set<string>();
  private readonly oidc = { kid: randomUUID(), privateKey: '', certPem: '' };
  private server?: { url: string; close: () => Promise<void> };

  constructor(readonly packageName: string) {
    const keys = generateKeyPairSync('rsa', { modulusLength: 2048 });
    this.serviceAccount = {
      client_email: 'play-api@oneshot-test.iam.gserviceaccount.com',
      private_key: keys.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
    };
    this.serviceAccountPublicKey = keys.publicKey.export({ type: 'spki', format: 'pem' }).toString();
  }

  async start(): Promise<this> {
    await this.createOidcKey();
    this.server = await listen((request, body, response) => {
      this.requests++;
      const url = new URL(request.url ?? '/', 'http://fake');
      if (request.method === 'POST' && url.pathname === '/token') return this.token(body, response);
      if (request.method === 'GET' && url.pathname === '/oauth2/v1/certs') return json(response, 200, { [this.oidc.kid]: this.oidc.certPem });
      const match = /^\/androidpublisher\/v3\/applications\/([^/]+)\/purchases\/(subscriptionsv2|subscriptions|products)\/(?:([^/]+)\/)?tokens\/([^/:]+)(?::(\w+))?$/.exec(
        url.pathname,
      );
      if (!match) return json(response, 404, googleError(404, 'Not found'));
      const token = /^Bearer (.+)$/.exec(request.headers.authorization ?? '')?.[1];
      if (!token || !this.accessTokens.has(token)) return json(response, 401, googleError(401, 'Request had invalid authentication credentials.'));
      const [, packageName, resource, productId, purchaseToken, action] = match.map((part) => (part ? decodeURIComponent(part) : part));
      if (this.failing.has(purchaseToken!)) return json(response, 500, googleError(500, 'Internal error.'));
      if (action && this.acknowledgementFails(purchaseToken!)) return json(response, 503, googleError(503, 'The service is currently unavailable.'));
      if (resource === 'products') return this.product(response, packageName!, productId!, purchaseToken!, action);
      return this.subscription(response, packageName!, purchaseToken!, action);
    });
    return this;
  }

  get url(): string {
    return this.server!.url;
  }

  async stop(): Promise<void> {
    await this.server?.close();
  }

  subscribe(productId: string, expiryTime: number, overrides: Partial<FakeSubscription> = {}): string {
    const token = `sub-${randomBytes(12).toString('hex')}`;
    this.subscriptions.set(token, {
      packageName: this.packageName,
      productId,
      state: 'SUBSCRIPTION_STATE_ACTIVE',
      expiryTime,
      orderId: `GPA.${randomBytes(8).toString('hex')}`,
      renewals: 0,
      autoRenew: true,
      acknowledged: false,
      test: false,
      ...overrides,
    });
    return token;
  }

  renew(token: string, expiryTime: number): void {
    const subscription = this.subscriptions.get(token)!;
    subscription.renewals++;
    subscription.expiryTime = expiryTime;
    subscription.state = 'SUBSCRIPTION_STATE_ACTIVE';
  }

  buy(productId: string, overrides: Partial<FakeProductPurchase> = {}): string {
    const token = `iap-${randomBytes(12).toString('hex')}`;
    this.products.set(token, {
      packageName: this.packageName,
      productId,
      orderId: `GPA.${randomBytes(8).toString('hex')}`,
      purchaseState: 0,
      consumptionState: 0,
      acknowledgementState: 0,
      test: false,
      ...overrides,
    });
    return token;
  }

  /** The order id of the subscription's current period (GPA.x, then GPA.x..0, GPA.x..1, … on renewals). */
  orderId(token: string): string {
    const subscription = this.subscriptions.get(token)!;
    return subscription.renewals === 0 ? subscription.orderId : `${subscription.orderId}..${subscription.renewals - 1}`;
  }

  /** A Pub/Sub push request carrying a DeveloperNotification, with the OIDC token Google would attach. */
  push(audience: string, notification: object, options: { messageId?: string; email?: string } = {}) {
    const idToken = jwt.sign(
      { iss: 'https://accounts.google.com', aud: audience, email: options.email ?? this.pushServiceAccount, email_verified: true, sub: '1234' },
      this.oidc.privateKey,
      { algorithm: 'RS256', keyid: this.oidc.kid, expiresIn: '1h' },
    );
    const body = {
      message: {
        data: Buffer.from(JSON.stringify({ version: '1.0', packageName: this.packageName, eventTimeMillis: String(Date.now()), ...notification })).toString('base64'),
        messageId: options.messageId ?? randomBytes(8).toString('hex'),
        publishTime: new Date().toISOString(),
      },
      subscription: 'projects/oneshot-test/subscriptions/play-rtdn',
    };
    return { authorization: `Bearer ${idToken}`, body };
  }

  private acknowledgementFails(token: string): boolean {
    this.acknowledgeCalls.set(token, (this.acknowledgeCalls.get(token) ?? 0) + 1);
    const remaining = this.failingAcknowledgements.get(token) ?? 0;
    if (remaining <= 0) return false;
    this.failingAcknowledgements.set(token, remaining - 1);
    return true;
  }

  private token(body: Buffer, response: Parameters<Parameters<typeof listen>[0]>[2]): void {
    const account = { publicKey: this.serviceAccountPublicKey, clientEmail: this.serviceAccount.client_email, scope: SCOPE };
    grantServiceAccountToken(body, response, account, this.accessTokens);
  }


  private subscription(response: Parameters<Parameters<typeof listen>[0]>[2], packageName: string, token: string, action?: string): void {
    const subscription = this.subscriptions.get(token);
    if (!subscription || subscription.packageName !== packageName) return json(response, 404, googleError(404, 'The purchase token was not found.'));
    if (action === 'acknowledge') {
      subscription.acknowledged = true;
      return json(response, 200, {});
    }
    if (action) return json(response, 400, googleError(400, `Unsupported action ${action}`));
    json(response, 200, {
      kind: 'androidpublisher#subscriptionPurchaseV2',
      regionCode: 'US',
      startTime: new Date(subscription.expiryTime - 30 * 86_400_000).toISOString(),
      subscriptionState: subscription.state,
      acknowledgementState: subscription.acknowledged ? 'ACKNOWLEDGEMENT_STATE_ACKNOWLEDGED' : 'ACKNOWLEDGEMENT_STATE_PENDING',
      ...(subscription.linkedPurchaseToken ? { linkedPurchaseToken: subscription.linkedPurchaseToken } : {}),
      ...(subscription.obfuscatedExternalAccountId
        ? { externalAccountIdentifiers: { obfuscatedExternalAccountId: subscription.obfuscatedExternalAccountId } }
        : {}),
      ...(subscription.test ? { testPurchase: {} } : {}),
      lineItems: [
        {
          productId: subscription.productId,
          expiryTime: new Date(subscription.expiryTime).toISOString(),
          latestSuccessfulOrderId: this.orderId(token),
          autoRenewingPlan: { autoRenewEnabled: subscription.autoRenew },
        },
      ],
    });
  }

  private product(
    response: Parameters<Parameters<typeof listen>[0]>[2],
    packageName: string,
    productId: string,
    token: string,
    action?: string,
  ): void {
    const purchase = this.products.get(token);
    if (!purchase || purchase.packageName !== packageName || purchase.productId !== productId) {
      return json(response, 404, googleError(404, 'The purchase token was not found.'));
    }
    if (action === 'acknowledge') {
      purchase.acknowledgementState = 1;
      return json(response, 200, {});
    }
    if (action === 'consume') {
      purchase.consumptionState = 1;
      purchase.acknowledgementState = 1;
      return json(response, 200, {});
    }
    json(response, 200, {
      kind: 'androidpublisher#productPurchase',
      purchaseTimeMillis: String(Date.now()),
      purchaseState: purchase.purchaseState,
      consumptionState: purchase.consumptionState,
      orderId: purchase.orderId,
      acknowledgementState: purchase.acknowledgementState,
      ...(purchase.test ? { purchaseType: 0 } : {}),
      ...(purchase.obfuscatedExternalAccountId ? { obfuscatedExternalAccountId: purchase.obfuscatedExternalAccountId } : {}),
      regionCode: 'US',
    });
  }

  private async createOidcKey(): Promise<void> {
    const algorithm = { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256', publicExponent: new Uint8Array([1, 0, 1]), modulusLength: 2048 };
    const keys = (await webcrypto.subtle.generateKey(algorithm, true, ['sign', 'verify']));
    const cert = await x509.X509CertificateGenerator.createSelfSigned({
      serialNumber: '01',
      name: 'CN=fake-google-oidc',
      notBefore: new Date(Date.now() - 86_400_000),
      notAfter: new Date(Date.now() + 86_400_000),
      keys,
      signingAlgorithm: algorithm,
    });
    this.oidc.certPem = cert.toString('pem');
    const pkcs8 = Buffer.from(await webcrypto.subtle.exportKey('pkcs8', keys.privateKey)).toString('base64');
    this.oidc.privateKey = `-----BEGIN PRIVATE KEY-----\n${pkcs8.match(/.{1,64}/g)!.join('\n')}\n-----END PRIVATE KEY-----\n`;
  }
}

function googleError(code: number, message: string) {
  return { error: { code, message, errors: [{ message, domain: 'global', reason: code === 401 ? 'unauthorized' : 'notFound' }] } };
}
