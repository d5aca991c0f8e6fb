import type { ProductCatalog } from '../../domain/billing/catalog.js';
import type { BillingEnv } from '../../domain/config/billing.js';
import { AppleStore } from './apple.js';
import { GooglePlayStore } from './google.js';
import { pushAuthenticator } from './google-auth.js';

export interface BillingStores {
  apple?: AppleStore;
  google?: GooglePlayStore;
  /** Authenticates Google RTDN pushes; absent when the push audience is not configured. */
  googlePushAuth?: (authorization: string | undefined) => Promise<boolean>;
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
