import {
  APIException,
  AppStoreServerAPIClient,
  AutoRenewStatus,
  Environment,
  ReceiptUtility,
  SignedDataVerifier,
  Status,
  Type,
  VerificationException,
  VerificationStatus,
  type JWSRenewalInfoDecodedPayload,
  type JWSTransactionDecodedPayload,
  type ResponseBodyV2DecodedPayload,
} from '@apple/app-store-server-library';
import type { ProductCatalog } from '../../domain/billing/catalog.js';
import type { StoreEnvironment, StoreSubscriptionStatus, VerifiedPurchase } from '../../domain/billing/purchase.js';
import { AppError, ErrorCode } from '../../domain/errors.js';

export interface AppleStoreOptions {
  bundleId: string;
  appAppleId?: number;
  environments: StoreEnvironment[];
  rootCertificates: Buffer[];
  /** App Store Connect API key; without it only StoreKit 2 signed transactions of one-time products verify. */
  apiKey?: { keyId: string; issuerId: string; privateKey: string };
  baseUrls: Record<ServerEnvironment, string>;
}

/** Environments the App Store Server API serves (Xcode's local testing has no server). */
type ServerEnvironment = Exclude<StoreEnvironment, 'xcode'>;

const APPLE_ENVIRONMENT: Record<StoreEnvironment, Environment> = {
  production: Environment.PRODUCTION,
  sandbox: Environment.SANDBOX,
  // Signed on the developer's machine by Xcode, not by Apple: the verifier checks app and environment only.
  xcode: Environment.XCODE,
};

const STATUS: Record<number, StoreSubscriptionStatus> = {
  [Status.ACTIVE]: 'active',
  [Status.EXPIRED]: 'expired',
  [Status.BILLING_RETRY]: 'billing_retry',
  [Status.BILLING_GRACE_PERIOD]: 'grace_period',
  [Status.REVOKED]: 'revoked',
};

/** The App Store Server API client with its base URL taken from config (the library hard-codes Apple's). */
class ConfigurableApiClient extends AppStoreServerAPIClient {
  constructor(
    options: NonNullable<AppleStoreOptions['apiKey']> & { bundleId: string },
    environment: Environment,
    private readonly baseUrl: string,
  ) {
    super(options.privateKey, options.keyId, options.issuerId, options.bundleId, environment);
  }

  protected override async makeFetchRequest(
    path: string,
    query: URLSearchParams,
    method: string,
    body: string | Buffer | undefined,
    headers: Record<string, string>,
  ): ReturnType<AppStoreServerAPIClient['makeFetchRequest']> {
    const response = await fetch(`${this.baseUrl.replace(/\/$/, '')}${path}?${query.toString()}`, { method, body, headers });
    // The library reads only ok, status and json() from the response, which the built-in fetch provides.
    return response as unknown as Awaited<ReturnType<AppStoreServerAPIClient['makeFetchRequest']>>;
  }
}

/**
 * App Store verification: StoreKit 2 signed data through Apple's SignedDataVerifier (one per accepted
 * environment, bundle id and app id checked), and the App Store Server API for legacy receipts and
 * subscription status. Every result is a VerifiedPurchase; every refusal an AppError with a stable code.
 */
export class AppleStore {
  private readonly verifiers = new Map<StoreEnvironment, SignedDataVerifier>();
  private readonly clients = new Map<ServerEnvironment, ConfigurableApiClient>();
  private readonly receipts = new ReceiptUtility();

  constructor(
    private readonly options: AppleStoreOptions,
    private readonly catalog: ProductCatalog,
  ) {
    for (const environment of options.environments) {
      // Offline checks: chain and OIDs are verified against the configured roots at the data's signing date.
      this.verifiers.set(
        environment,
        new SignedDataVerifier(options.rootCertificates, false, APPLE_ENVIRONMENT[environment], options.bundleId, options.appAppleId),
      );
      if (options.apiKey && environment !== 'xcode') {
        const client = new ConfigurableApiClient(
          { ...options.apiKey, bundleId: options.bundleId },
          APPLE_ENVIRONMENT[environment],
          options.baseUrls[environment],
        );
        this.clients.set(environment, client);
      }
    }
  }

  /** A StoreKit 2 signed transaction (JWS) from the device. */
  async purchaseFromSignedTransaction(jws: string): Promise<VerifiedPurchase> {
    const environment = this.claimedEnvironment(peekPayload(jws)?.environment);
    const transaction = await this.verify(() => this.verifier(environment).verifyAndDecodeTransaction(jws));
    return this.toPurchase(transaction, environment);
  }

  /** A legacy app or transaction receipt: its transaction id, looked up with the App Store Server API. */
  async purchaseFromReceipt(receipt: string): Promise<VerifiedPurchase> {
    const transactionId = this.transactionIdOf(receipt);
    if (this.clients.size === 0) throw new AppError(503, ErrorCode.STORE_NOT_CONFIGURED, 'The App Store Server API is not configured.');
    let lastError: unknown;
    // Receipts do not say which environment issued them: ask production first, as Apple recommends.
    for (const environment of (['production', 'sandbox'] as const).filter((name) => this.clients.has(name))) {
      try {
        const { signedTransactionInfo } = await this.api(environment).getTransactionInfo(transactionId);
        if (!signedTransactionInfo) throw new AppError(422, ErrorCode.RECEIPT_INVALID, 'The App Store returned no transaction.');
        const transaction = await this.verify(() => this.verifier(environment).verifyAndDecodeTransaction(signedTransactionInfo));
        return await this.toPurchase(transaction, environment);
      } catch (error) {
        if (!(error instanceof APIException && error.httpStatusCode === 404)) throw this.apiError(error);
        lastError = error;
      }
    }
    throw this.apiError(lastError);
  }

  /** The subscription's current state and latest transaction, from Get All Subscription Statuses. */
  async subscriptionStatus(originalTransactionId: string, environment: StoreEnvironment): Promise<VerifiedPurchase> {
    let response;
    try {
      response = await this.api(environment).getAllSubscriptionStatuses(originalTransactionId);
    } catch (error) {
      throw this.apiError(error);
    }
    const item = response.data
      ?.flatMap((group) => group.lastTransactions ?? [])
      .find((last) => last.originalTransactionId === originalTransactionId);
    if (!item?.signedTransactionInfo) {
      throw new AppError(422, ErrorCode.RECEIPT_INVALID, 'The App Store knows no such subscription.');
    }
    const verifier = this.verifier(environment);
    const transaction = await this.verify(() => verifier.verifyAndDecodeTransaction(item.signedTransactionInfo!));
    const renewal = item.signedRenewalInfo
      ? await this.verify(() => verifier.verifyAndDecodeRenewalInfo(item.signedRenewalInfo!))
      : undefined;
    return this.describe(transaction, environment, { status: item.status, renewal, observedAt: new Date() });
  }

  /** An App Store Server Notification V2 `signedPayload`, verified, with its transaction when it has one. */
  async notification(signedPayload: string): Promise<{ payload: ResponseBodyV2DecodedPayload; purchase: VerifiedPurchase | null }> {
    const claimed = peekPayload(signedPayload) as { data?: { environment?: string }; summary?: { environment?: string } } | undefined;
    const environment = this.claimedEnvironment(claimed?.data?.environment ?? claimed?.summary?.environment);
    const verifier = this.verifier(environment);
    const payload = await this.verify(() => verifier.verifyAndDecodeNotification(signedPayload));
    const data = payload.data;
    if (!data?.signedTransactionInfo) return { payload, purchase: null };
    const transaction = await this.verify(() => verifier.verifyAndDecodeTransaction(data.signedTransactionInfo!));
    const renewal = data.signedRenewalInfo ? await this.verify(() => verifier.verifyAndDecodeRenewalInfo(data.signedRenewalInfo!)) : undefined;
    const observedAt = new Date(payload.signedDate ?? Date.now());
    return { payload, purchase: this.describe(transaction, environment, { status: data.status, renewal, observedAt }) };
  }

  private async toPurchase(transaction: JWSTransactionDecodedPayload, environment: StoreEnvironment): Promise<VerifiedPurchase> {
    if (transaction.type === Type.AUTO_RENEWABLE_SUBSCRIPTION && transaction.originalTransactionId && environment !== 'xcode' && this.clients.has(environment)) {
      return this.subscriptionStatus(transaction.originalTransactionId, environment);
    }
    return this.describe(transaction, environment, { observedAt: new Date(transaction.signedDate ?? Date.now()) });
  }

  private describe(
    transaction: JWSTransactionDecodedPayload,
    environment: StoreEnvironment,
    context: { status?: number; renewal?: JWSRenewalInfoDecodedPayload; observedAt: Date },
  ): VerifiedPurchase {
    const { transactionId, originalTransactionId, productId } = transaction;
    if (!transactionId || !productId) throw new AppError(422, ErrorCode.RECEIPT_INVALID, 'The transaction is incomplete.');
    const product = this.catalog[productId];
    const kind = product?.type ?? (transaction.type === Type.AUTO_RENEWABLE_SUBSCRIPTION ? 'subscription' : 'consumable');
    const revokedAt = transaction.revocationDate ? new Date(transaction.revocationDate) : null;
    let subscription: VerifiedPurchase['subscription'] = null;
    if (kind === 'subscription') {
      const expiresAt = new Date(transaction.expiresDate ?? 0);
      const status = revokedAt
        ? 'revoked'
        : (context.status !== undefined ? STATUS[context.status] : undefined) ?? (expiresAt > new Date() ? 'active' : 'expired');
      const autoRenew = context.renewal ? context.renewal.autoRenewStatus === AutoRenewStatus.ON : status === 'active';
      subscription = { status, expiresAt, autoRenew };
    }
    return {
      store: 'apple',
      environment,
      productId,
      kind,
      transactionId,
      originalReference: originalTransactionId ?? transactionId,
      observedAt: context.observedAt,
      purchasedAt: new Date(transaction.purchaseDate ?? context.observedAt.getTime()),
      revokedAt,
      subscription,
      replacesReference: null,
      accountToken: transaction.appAccountToken ?? null,
    };
  }

  private transactionIdOf(receipt: string): string {
    let transactionId: string | null = null;
    try {
      transactionId = this.receipts.extractTransactionIdFromAppReceipt(receipt);
    } catch {
      transactionId = null;
    }
    transactionId ??= safely(() => this.receipts.extractTransactionIdFromTransactionReceipt(receipt));
    if (!transactionId) throw new AppError(422, ErrorCode.RECEIPT_INVALID, 'The receipt holds no in-app purchase.');
    return transactionId;
  }

  /** The environment the data claims (unverified, only to pick a verifier; the verifier checks it again). */
  private claimedEnvironment(claimed: unknown): StoreEnvironment {
    const environment = (Object.keys(APPLE_ENVIRONMENT) as StoreEnvironment[]).find((name) => APPLE_ENVIRONMENT[name] === claimed);
    if (!environment) throw new AppError(422, ErrorCode.RECEIPT_INVALID, 'The signed data is not an App Store transaction.');
    if (!this.verifiers.has(environment)) {
      throw new AppError(422, ErrorCode.RECEIPT_WRONG_ENVIRONMENT, `App Store ${environment} receipts are not accepted here.`);
    }
    return environment;
  }

  private verifier(environment: StoreEnvironment): SignedDataVerifier {
    const verifier = this.verifiers.get(environment);
    if (!verifier) throw new AppError(422, ErrorCode.RECEIPT_WRONG_ENVIRONMENT, `App Store ${environment} receipts are not accepted here.`);
    return verifier;
  }

  private api(environment: StoreEnvironment): ConfigurableApiClient {
    const client = environment === 'xcode' ? undefined : this.clients.get(environment);
    if (!client) throw new AppError(503, ErrorCode.STORE_NOT_CONFIGURED, 'The App Store Server API is not configured.');
    return client;
  }

  private async verify<T>(run: () => Promise<T>): Promise<T> {
    try {
      return await run();
    } catch (error) {
      if (!(error instanceof VerificationException)) throw error;
      switch (error.status) {
        case VerificationStatus.INVALID_APP_IDENTIFIER:
          throw new AppError(422, ErrorCode.RECEIPT_WRONG_APP, 'The receipt belongs to another app.');
        case VerificationStatus.INVALID_ENVIRONMENT:
          throw new AppError(422, ErrorCode.RECEIPT_WRONG_ENVIRONMENT, 'The receipt is from another App Store environment.');
        case VerificationStatus.RETRYABLE_VERIFICATION_FAILURE:
          throw new AppError(503, ErrorCode.STORE_UNAVAILABLE, 'The App Store could not be reached; try again.');
        default:
          throw new AppError(422, ErrorCode.RECEIPT_INVALID, 'The receipt signature is not valid.');
      }
    }
  }

  private apiError(error: unknown): unknown {
    if (!(error instanceof APIException)) return error;
    if (error.httpStatusCode === 404 || error.httpStatusCode === 400) {
      return new AppError(422, ErrorCode.RECEIPT_INVALID, 'The App Store knows no such transaction.');
    }
    return new AppError(503, ErrorCode.STORE_UNAVAILABLE, `The App Store answered ${error.httpStatusCode}; try again.`);
  }
}

function peekPayload(jws: string): Record<string, unknown> | undefined {
  return safely(() => JSON.parse(Buffer.from(jws.split('.')[1] ?? '', 'base64url').toString('utf8')) as Record<string, unknown>) ?? undefined;
}

function safely<T>(run: () => T): T | null {
  try {
    return run();
  } catch {
    return null;
  }
}
