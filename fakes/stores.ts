import { createSigningChain, type SigningChain } from './apple-ca.js';
import { FakeAppleStore } from './apple-store.js';
import { FakeGooglePlay } from './google-play.js';

export const DAY = 86_400_000;
export const BUNDLE_ID = 'com.oneshot.test';
export const APP_APPLE_ID = 1_234_567_890;
export const PACKAGE_NAME = 'com.oneshot.android';
export const RTDN_AUDIENCE = 'https://api.oneshot.test/billing/google/notifications';
export const CATALOG = {
  credits_10: { type: 'consumable', credits: 10 },
  credits_50: { type: 'consumable', credits: 50 },
  credits_200: { type: 'consumable', credits: 200 },
  pro_monthly: { type: 'subscription', credits_per_period: 100 },
  pro_plus_monthly: { type: 'subscription', credits_per_period: 250 },
} as const;

export interface FakeStores {
  apple: FakeAppleStore;
  google: FakeGooglePlay;
  chain: SigningChain;
  /** Billing settings that point the real store clients at the fakes. */
  env: Record<string, string>;
  stop(): Promise<void>;
}

/** Local fake App Store and Google Play servers plus the configuration that trusts them. */
export async function startFakeStores(overrides: Record<string, string> = {}): Promise<FakeStores> {
  const chain = await createSigningChain();
  const apple = await new FakeAppleStore({ chain, bundleId: BUNDLE_ID, appAppleId: APP_APPLE_ID }).start();
  const google = await new FakeGooglePlay(PACKAGE_NAME).start();
  const env = {
    BILLING_PRODUCTS: JSON.stringify(CATALOG),
    APPLE_BUNDLE_ID: BUNDLE_ID,
    APPLE_APP_APPLE_ID: String(APP_APPLE_ID),
    APPLE_ENVIRONMENTS: 'production',
    APPLE_ROOT_CERTS: chain.rootDer.toString('base64'),
    APPLE_API_KEY_ID: apple.apiKey.keyId,
    APPLE_API_ISSUER_ID: apple.apiKey.issuerId,
    APPLE_API_PRIVATE_KEY: apple.apiKey.privateKeyPem.replace(/\n/g, '\\n'),
    APPLE_API_BASE_URL_PRODUCTION: apple.baseUrl('production'),
    APPLE_API_BASE_URL_SANDBOX: apple.baseUrl('sandbox'),
    GOOGLE_PACKAGE_NAME: PACKAGE_NAME,
    GOOGLE_SERVICE_ACCOUNT_JSON: JSON.stringify(google.serviceAccount),
    GOOGLE_API_ROOT_URL: `${google.url}/`,
    GOOGLE_OAUTH_TOKEN_URL: `${google.url}/token`,
    GOOGLE_RTDN_AUDIENCE: RTDN_AUDIENCE,
    GOOGLE_RTDN_SERVICE_ACCOUNT_EMAIL: google.pushServiceAccount,
    GOOGLE_OIDC_CERTS_URL: `${google.url}/oauth2/v1/certs`,
    ...overrides,
  };
  return {
    apple,
    google,
    chain,
    env,
    stop: async () => {
      await Promise.all([apple.stop(), google.stop()]);
    },
  };
}
