import type { MikroORM } from '@mikro-orm/postgresql';
import type { Client } from '@temporalio/client';
import type { ProductCatalog } from '../../domain/billing/catalog.js';
import type { BillingEnv } from '../../domain/config/billing.js';
import { temporalAcknowledgements } from '../../integrations/acknowledgement-workflow.js';
import { AppleStore } from '../../integrations/billing/apple.js';
import { pushAuthenticator } from '../../integrations/billing/google-auth.js';
import { GooglePlayStore } from '../../integrations/billing/google.js';
import { StripeCheckout } from '../../integrations/billing/stripe.js';
import { SuperwallWebhooks } from '../../integrations/billing/superwall.js';
import type { Logger } from '../../integrations/logger.js';
import { BillingService, type BillingStores } from './billing-service.js';
import { ProviderWebhooks, type ProviderWebhooksDeps } from './provider-webhooks.js';

export type BillingServiceConfig = BillingEnv & { NODE_ENV: string; TEMPORAL_TASK_QUEUE_ORCHESTRATOR: string };

/**
 * The billing service of one process, built once by its main from the configuration: the store and provider
 * adapters it enables, and the acknowledgement workflow starter, handed in.
 */
export function createBillingService(config: BillingServiceConfig, deps: { orm: MikroORM; temporal: Client; logger: Logger }): BillingService {
  const logger = deps.logger.child({ module: 'billing' });
  return new BillingService({
    orm: deps.orm,
    stores: createBillingStores(config),
    catalog: config.BILLING_PRODUCTS,
    timing: config,
    ownershipPolicy: config.PURCHASE_OWNERSHIP_POLICY,
    acknowledgements: temporalAcknowledgements(deps.temporal, {
      taskQueue: config.TEMPORAL_TASK_QUEUE_ORCHESTRATOR,
      windowMs: config.GOOGLE_ACKNOWLEDGE_WINDOW,
      retry: { initialIntervalMs: config.GOOGLE_ACKNOWLEDGE_RETRY_INITIAL, maximumIntervalMs: config.GOOGLE_ACKNOWLEDGE_RETRY_MAX },
    }),
    providers: createProviderWebhooks(config, { orm: deps.orm, logger }),
    logger,
  });
}

/** The store clients the configuration enables (constructs only; nothing is fetched until used). */
export function createBillingStores(config: BillingEnv & { NODE_ENV: string }, catalog: ProductCatalog = config.BILLING_PRODUCTS): BillingStores {
  const stores: BillingStores = {};
  if (config.APPLE_BUNDLE_ID) {
    // Xcode signs local StoreKit transactions with its own certificate: anyone can make them.
    if (config.APPLE_ENVIRONMENTS.includes('xcode') && config.NODE_ENV === 'production') {
      throw new Error('APPLE_ENVIRONMENTS=xcode (local StoreKit testing) is refused with NODE_ENV=production');
    }
    const verifiedByApple = config.APPLE_ENVIRONMENTS.some((environment) => environment !== 'xcode');
    if (verifiedByApple && config.APPLE_ROOT_CERTS.length === 0) throw new Error('APPLE_ROOT_CERTS is required with APPLE_BUNDLE_ID');
    if (config.APPLE_ENVIRONMENTS.includes('production') && !config.APPLE_APP_APPLE_ID) {
      throw new Error('APPLE_APP_APPLE_ID is required to accept production App Store receipts');
    }
    const { APPLE_API_KEY_ID: keyId, APPLE_API_ISSUER_ID: issuerId, APPLE_API_PRIVATE_KEY: privateKey } = config;
    stores.apple = new AppleStore(
      {
        bundleId: config.APPLE_BUNDLE_ID,
        appAppleId: config.APPLE_APP_APPLE_ID,
        environments: config.APPLE_ENVIRONMENTS,
        rootCertificates: config.APPLE_ROOT_CERTS,
        apiKey: keyId && issuerId && privateKey ? { keyId, issuerId, privateKey } : undefined,
        baseUrls: { production: config.APPLE_API_BASE_URL_PRODUCTION, sandbox: config.APPLE_API_BASE_URL_SANDBOX },
      },
      catalog,
    );
  }
  if (config.GOOGLE_PACKAGE_NAME && config.GOOGLE_SERVICE_ACCOUNT_JSON) {
    stores.google = new GooglePlayStore(
      {
        packageName: config.GOOGLE_PACKAGE_NAME,
        serviceAccountJson: config.GOOGLE_SERVICE_ACCOUNT_JSON,
        acceptTestPurchases: config.GOOGLE_ACCEPT_TEST_PURCHASES,
        rootUrl: config.GOOGLE_API_ROOT_URL,
        tokenUrl: config.GOOGLE_OAUTH_TOKEN_URL,
      },
      catalog,
    );
  }
  if (config.GOOGLE_RTDN_AUDIENCE && config.GOOGLE_RTDN_SERVICE_ACCOUNT_EMAIL) {
    stores.googlePushAuth = pushAuthenticator({
      audience: config.GOOGLE_RTDN_AUDIENCE,
      serviceAccountEmail: config.GOOGLE_RTDN_SERVICE_ACCOUNT_EMAIL,
      certsUrl: config.GOOGLE_OIDC_CERTS_URL,
    });
  }
  return stores;
}

/** The billing providers the configuration enables (constructs only; nothing is fetched until used). */
export function createProviderWebhooks(config: BillingEnv, deps: { orm: MikroORM; logger: Logger }): ProviderWebhooks {
  const catalog = config.BILLING_PRODUCTS;
  const superwall: ProviderWebhooksDeps['superwall'] = config.SUPERWALL_WEBHOOK_SECRET
    ? {
        webhooks: new SuperwallWebhooks(config.SUPERWALL_WEBHOOK_SECRET, deps.logger),
        rules: {
          catalog,
          // The same environments /billing/validate accepts from each store.
          accepts: (store, environment) =>
            store === 'apple' ? config.APPLE_ENVIRONMENTS.includes(environment) : environment === 'production' || config.GOOGLE_ACCEPT_TEST_PURCHASES,
          appIds: { apple: config.APPLE_BUNDLE_ID, google: config.GOOGLE_PACKAGE_NAME },
        },
      }
    : undefined;
  const { STRIPE_SECRET_KEY: secretKey, STRIPE_WEBHOOK_SECRET: webhookSecret } = config;
  const { STRIPE_CHECKOUT_SUCCESS_URL: successUrl, STRIPE_CHECKOUT_CANCEL_URL: cancelUrl } = config;
  let stripe: StripeCheckout | undefined;
  if (secretKey || webhookSecret) {
    if (!secretKey || !webhookSecret || !successUrl || !cancelUrl) {
      throw new Error('Stripe needs STRIPE_SECRET_KEY, STRIPE_WEBHOOK_SECRET, STRIPE_CHECKOUT_SUCCESS_URL and STRIPE_CHECKOUT_CANCEL_URL together');
    }
    stripe = new StripeCheckout(
      { secretKey, webhookSecret, prices: config.STRIPE_PRICES, successUrl, cancelUrl, apiUrl: config.STRIPE_API_URL },
      catalog,
      deps.logger,
    );
  }
  return new ProviderWebhooks({ orm: deps.orm, catalog, timing: config, logger: deps.logger, superwall, stripe });
}
