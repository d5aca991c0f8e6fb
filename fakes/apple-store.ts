import { generateKeyPairSync, randomInt, randomUUID, type KeyObject } from 'node:crypto';
import jwt from 'jsonwebtoken';
import { signJws, type SigningChain } from './apple-ca.js';
import { json, listen } from './http.js';

type AppleEnvironment = 'Production' | 'Sandbox' | 'Xcode';
/** App Store Server API subscription status: 1 active, 2 expired, 3 billing retry, 4 grace period, 5 revoked. */
export type AppleStatus = 1 | 2 | 3 | 4 | 5;

export interface FakeTransaction {
  transactionId: string;
  originalTransactionId: string;
  productId: string;
  type: 'Consumable' | 'Auto-Renewable Subscription';
  environment: AppleEnvironment;
  bundleId: string;
  purchaseDate: number;
  expiresDate?: number;
  revocationDate?: number;
  /** The account the app bound the purchase to (StoreKit 2 `appAccountToken`). */
  appAccountToken?: string;
}

interface FakeSubscription {
  latestTransactionId: string;
  status: AppleStatus;
  autoRenew: boolean;
}

export interface FakeAppleOptions {
  chain: SigningChain;
  bundleId: string;
  appAppleId: number;
}

// Random per process: test files run in parallel processes against one database.
let sequence = 2_000_000_000_000 + randomInt(1_000_000) * 1_000_000;
const nextId = () => String(sequence++);

/**
 * A local App Store Server API: `/{production|sandbox}/inApps/v1/transactions/{id}` and
 * `/{production|sandbox}/inApps/v1/subscriptions/{id}`, answering with data signed by a self-made chain, and
 * refusing requests whose bearer token is not an ES256 JWT from the configured API key.
 */
export class FakeAppleStore {
  readonly apiKey: { keyId: string; issuerId: string; privateKeyPem: string };
  readonly transactions = new Map<string, FakeTransaction>();
  readonly subscriptions = new Map<string, FakeSubscription>();
  /** Transaction ids (any of a subscription's) whose lookups answer 500, to test failure handling. */
  readonly failing = new Set<string>();
  requests = 0;
  private publicKey: KeyObject;
  private server?: { url: string; close: () => Promise<void> };

  constructor(readonly options: FakeAppleOptions) {
    const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    this.publicKey = publicKey;
    this.apiKey = {
      keyId: 'FAKEKEY123',
      issuerId: randomUUID(),
      privateKeyPem: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
    };
  }

  async start(): Promise<this> {
    this.server = await listen((request, _body, response) => {
      this.requests++;
      const match = /^\/(production|sandbox)\/inApps\/v1\/(transactions|subscriptions)\/([^/?]+)/.exec(request.url ?? '');
      if (!match) return json(response, 404, { errorCode: 4040000, errorMessage: 'Not found' });
      if (!this.authorized(request.headers.authorization)) return json(response, 401, {});
      const [, env, resource, id] = match;
      if (this.failing.has(decodeURIComponent(id!))) return json(response, 500, { errorCode: 5000000, errorMessage: 'An unknown error occurred.' });
      const environment: AppleEnvironment = env === 'production' ? 'Production' : 'Sandbox';
      const transaction = this.transactions.get(decodeURIComponent(id!));
      if (!transaction || transaction.environment !== environment || transaction.bundleId !== this.options.bundleId) {
        return json(response, 404, { errorCode: 4040010, errorMessage: 'Transaction id not found.' });
      }
      if (resource === 'transactions') return json(response, 200, { signedTransactionInfo: this.signTransaction(transaction) });
      return json(response, 200, this.statusResponse(transaction));
    });
    return this;
  }

  baseUrl(environment: 'production' | 'sandbox'): string {
    return `${this.server!.url}/${environment}`;
  }

  async stop(): Promise<void> {
    await this.server?.close();
  }

  /** A one-time purchase. */
  buy(productId: string, overrides: Partial<FakeTransaction> = {}): FakeTransaction {
    const id = nextId();
    return this.put({
      transactionId: id,
      originalTransactionId: id,
      productId,
      type: 'Consumable',
      environment: 'Production',
      bundleId: this.options.bundleId,
      purchaseDate: Date.now(),
      ...overrides,
    });
  }

  /** A new subscription whose first period ends at `expiresDate`. */
  subscribe(productId: string, expiresDate: number, overrides: Partial<FakeTransaction> = {}): FakeTransaction {
    const transaction = this.buy(productId, { type: 'Auto-Renewable Subscription', expiresDate, ...overrides });
    this.subscriptions.set(transaction.originalTransactionId, { latestTransactionId: transaction.transactionId, status: 1, autoRenew: true });
    return transaction;
  }

  /** The next period: a new transaction of the same subscription, bought at `purchaseDate`. */
  renew(originalTransactionId: string, expiresDate: number, productId?: string, purchaseDate = Date.now()): FakeTransaction {
    const subscription = this.subscriptions.get(originalTransactionId)!;
    const previous = this.transactions.get(subscription.latestTransactionId)!;
    const renewal = this.put({ ...previous, transactionId: nextId(), productId: productId ?? previous.productId, purchaseDate, expiresDate });
    subscription.latestTransactionId = renewal.transactionId;
    subscription.status = 1;
    return renewal;
  }

  setStatus(originalTransactionId: string, status: AppleStatus, autoRenew?: boolean): void {
    const subscription = this.subscriptions.get(originalTransactionId)!;
    subscription.status = status;
    if (autoRenew !== undefined) subscription.autoRenew = autoRenew;
  }

  refund(transactionId: string, at = Date.now()): FakeTransaction {
    const transaction = this.transactions.get(transactionId)!;
    transaction.revocationDate = at;
    const subscription = this.subscriptions.get(transaction.originalTransactionId);
    if (subscription?.latestTransactionId === transactionId) subscription.status = 5;
    return transaction;
  }

  latest(originalTransactionId: string): FakeTransaction {
    return this.transactions.get(this.subscriptions.get(originalTransactionId)!.latestTransactionId)!;
  }

  signTransaction(transaction: FakeTransaction, chain = this.options.chain): string {
    return signJws(chain, { ...transaction, quantity: 1, signedDate: Date.now(), inAppOwnershipType: 'PURCHASED' });
  }

  /** An App Store Server Notification V2 `signedPayload` about the transaction. */
  signNotification(
    notificationType: string,
    transaction: FakeTransaction,
    options: { subtype?: string; notificationUUID?: string; chain?: SigningChain } = {},
  ): string {
    const subscription = this.subscriptions.get(transaction.originalTransactionId);
    return signJws(options.chain ?? this.options.chain, {
      notificationType,
      ...(options.subtype ? { subtype: options.subtype } : {}),
      notificationUUID: options.notificationUUID ?? randomUUID(),
      version: '2.0',
      signedDate: Date.now(),
      data: {
        appAppleId: this.options.appAppleId,
        bundleId: transaction.bundleId,
        environment: transaction.environment,
        signedTransactionInfo: this.signTransaction(transaction, options.chain),
        ...(subscription
          ? { signedRenewalInfo: this.signRenewal(transaction, subscription, options.chain), status: subscription.status }
          : {}),
      },
    });
  }

  private put(transaction: FakeTransaction): FakeTransaction {
    this.transactions.set(transaction.transactionId, transaction);
    return transaction;
  }

  private statusResponse(transaction: FakeTransaction) {
    const subscription = this.subscriptions.get(transaction.originalTransactionId);
    const latest = subscription ? this.transactions.get(subscription.latestTransactionId)! : transaction;
    return {
      environment: transaction.environment,
      bundleId: this.options.bundleId,
      appAppleId: this.options.appAppleId,
      data: subscription
        ? [
            {
              subscriptionGroupIdentifier: '20000000',
              lastTransactions: [
                {
                  status: subscription.status,
                  originalTransactionId: transaction.originalTransactionId,
                  signedTransactionInfo: this.signTransaction(latest),
                  signedRenewalInfo: this.signRenewal(latest, subscription),
                },
              ],
            },
          ]
        : [],
    };
  }

  private signRenewal(transaction: FakeTransaction, subscription: FakeSubscription, chain = this.options.chain): string {
    return signJws(chain, {
      originalTransactionId: transaction.originalTransactionId,
      productId: transaction.productId,
      autoRenewProductId: transaction.productId,
      autoRenewStatus: subscription.autoRenew ? 1 : 0,
      isInBillingRetryPeriod: subscription.status === 3 || subscription.status === 4,
      environment: transaction.environment,
      signedDate: Date.now(),
      recentSubscriptionStartDate: transaction.purchaseDate,
      renewalDate: transaction.expiresDate,
    });
  }

  private authorized(header: string | undefined): boolean {
    const token = /^Bearer (.+)$/.exec(header ?? '')?.[1];
    if (!token) return false;
    try {
      const decoded = jwt.verify(token, this.publicKey, {
        algorithms: ['ES256'],
        audience: 'appstoreconnect-v1',
        issuer: this.apiKey.issuerId,
        complete: true,
      });
      const payload = decoded.payload as { bid?: string };
      return decoded.header.kid === this.apiKey.keyId && payload.bid === this.options.bundleId;
    } catch {
      return false;
    }
  }
}

/** A legacy (PKCS#7) app receipt holding one in-app purchase with the given transaction id. */
export function legacyReceipt(bundleId: string, transactionId: string): string {
  const der = (tag: number, content: Buffer): Buffer => {
    const length = content.length;
    const header =
      length < 0x80 ? Buffer.from([tag, length]) : length < 0x100 ? Buffer.from([tag, 0x81, length]) : Buffer.from([tag, 0x82, length >> 8, length & 0xff]);
    return Buffer.concat([header, content]);
  };
  const integer = (value: number) => {
    const bytes: number[] = [];
    for (let rest = value; rest > 0 || bytes.length === 0; rest = Math.floor(rest / 256)) bytes.unshift(rest % 256);
    if ((bytes[0] ?? 0) & 0x80) bytes.unshift(0);
    return der(0x02, Buffer.from(bytes));
  };
  const seq = (...items: Buffer[]) => der(0x30, Buffer.concat(items));
  const set = (...items: Buffer[]) => der(0x31, Buffer.concat(items));
  const octets = (content: Buffer) => der(0x04, content);
  const utf8 = (text: string) => der(0x0c, Buffer.from(text));
  const attribute = (type: number, value: Buffer) => seq(integer(type), integer(1), octets(value));
  const oid = (hex: string) => Buffer.from(hex, 'hex');

  const inApp = set(attribute(1703, utf8(transactionId)), attribute(1705, utf8(transactionId)));
  const payload = set(attribute(2, utf8(bundleId)), attribute(17, inApp));
  const signedData = seq(integer(1), set(), seq(oid('06092a864886f70d010701'), der(0xa0, octets(payload))));
  return seq(oid('06092a864886f70d010702'), der(0xa0, signedData)).toString('base64');
}
