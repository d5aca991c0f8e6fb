import { z } from 'zod';
import { bool, csv, durationMs, pem } from './env-values.js';
import { productCatalogSchema } from '../billing/catalog.js';

/** A JSON object in one env value (`{}` when unset). */
function json(name: string) {
  return z
    .string()
    .default('{}')
    .transform((value, ctx) => {
      try {
        return JSON.parse(value) as unknown;
      } catch {
        ctx.addIssue({ code: 'custom', message: `${name} must be JSON` });
        return z.NEVER;
      }
    });
}

/**
 * Store billing: App Store and Google Play credentials, the product catalog, and the renewal sweep. Each
 * store is optional as a whole: without its settings the store's endpoints answer 503 STORE_NOT_CONFIGURED.
 */
export const billingEnvSchema = z.object({
  /** JSON: { "<product id>": { "type": "consumable", "credits": 50 } | { "type": "subscription", "credits_per_period": 100 } } */
  BILLING_PRODUCTS: json('BILLING_PRODUCTS').pipe(productCatalogSchema),

  APPLE_BUNDLE_ID: z.string().min(1).optional(),
  /** The app's numeric App Store id; Apple's library requires it to verify production data. */
  APPLE_APP_APPLE_ID: z.coerce.number().int().positive().optional(),
  /**
   * Environments whose receipts are accepted; `sandbox` is needed for TestFlight and App Review; `xcode` accepts
   * Xcode's local StoreKit testing (not signed by Apple: development only, refused when NODE_ENV=production).
   */
  APPLE_ENVIRONMENTS: csv.pipe(z.array(z.enum(['production', 'sandbox', 'xcode'])).min(1)).default(['production']),
  /** Trusted root certificates, base64 DER, comma-separated (e.g. Apple Root CA - G3); kept in env so nothing reads files. */
  APPLE_ROOT_CERTS: csv
    .pipe(z.array(z.string().regex(/^[A-Za-z0-9+/]+=*$/, 'base64 DER certificates, comma-separated')))
    .transform((certs) => certs.map((cert) => Buffer.from(cert, 'base64')))
    .default([]),
  APPLE_API_KEY_ID: z.string().min(1).optional(),
  APPLE_API_ISSUER_ID: z.string().min(1).optional(),
  /** The App Store Connect API private key (PKCS#8 PEM; `\n` escapes allowed). */
  APPLE_API_PRIVATE_KEY: pem.optional(),
  /** Overrides of the App Store Server API base URLs (tests point them at a local fake). */
  APPLE_API_BASE_URL_PRODUCTION: z.string().url().default('https://api.storekit.apple.com'),
  APPLE_API_BASE_URL_SANDBOX: z.string().url().default('https://api.storekit-sandbox.apple.com'),

  GOOGLE_PACKAGE_NAME: z.string().min(1).optional(),
  /** The service account's JSON key (as downloaded from Google Cloud), used for the Play Developer API. */
  GOOGLE_SERVICE_ACCOUNT_JSON: z.string().min(1).optional(),
  /** Accept Google license-tester (test) purchases. */
  GOOGLE_ACCEPT_TEST_PURCHASES: bool.default(false),
  GOOGLE_API_ROOT_URL: z.string().url().default('https://androidpublisher.googleapis.com/'),
  GOOGLE_OAUTH_TOKEN_URL: z.string().url().default('https://oauth2.googleapis.com/token'),
  /** RTDN push authentication: the audience and the service account set on the Pub/Sub push subscription. */
  GOOGLE_RTDN_AUDIENCE: z.string().min(1).optional(),
  GOOGLE_RTDN_SERVICE_ACCOUNT_EMAIL: z.string().email().optional(),
  GOOGLE_OIDC_CERTS_URL: z.string().url().default('https://www.googleapis.com/oauth2/v1/certs'),

  /**
   * A purchase made without an account token (appAccountToken / obfuscatedExternalAccountId) that another
   * account already holds: `keep` it with the first owner (409), or `transfer` it to the account presenting it
   * (recorded in purchase_transfers). A legacy receipt never transfers a purchase.
   */
  PURCHASE_OWNERSHIP_POLICY: z.enum(['keep', 'transfer']).default('keep'),
  /** How long after validation a failed Google acknowledgement is retried (Google refunds after 3 days). */
  GOOGLE_ACKNOWLEDGE_WINDOW: durationMs.default(3 * 86_400_000),
  /** Backoff between acknowledgement attempts: first interval, doubling up to the maximum. */
  GOOGLE_ACKNOWLEDGE_RETRY_INITIAL: durationMs.default(30_000),
  GOOGLE_ACKNOWLEDGE_RETRY_MAX: durationMs.default(3_600_000),

  /**
   * Superwall webhooks (Svix): the endpoint's signing secret (`whsec_…`). Without it the webhook answers 503
   * STORE_NOT_CONFIGURED.
   */
  SUPERWALL_WEBHOOK_SECRET: z.string().startsWith('whsec_').optional(),

  /** Stripe web checkout for credit packs: the secret API key (`sk_…` or a restricted `rk_…`). */
  STRIPE_SECRET_KEY: z.string().min(1).optional(),
  /** The signing secret of the Stripe webhook endpoint (`whsec_…`). */
  STRIPE_WEBHOOK_SECRET: z.string().startsWith('whsec_').optional(),
  /** JSON: { "<catalog product id>": "<Stripe price id>" }; only consumable packs listed here are sold on the web. */
  STRIPE_PRICES: json('STRIPE_PRICES').pipe(z.record(z.string().min(1), z.string().min(1))),
  /** Where Stripe sends the buyer after paying or giving up (e.g. a universal link back into the app). */
  STRIPE_CHECKOUT_SUCCESS_URL: z.string().url().optional(),
  STRIPE_CHECKOUT_CANCEL_URL: z.string().url().optional(),
  /** Overrides Stripe's API address (tests point it at stripe-mock). */
  STRIPE_API_URL: z.string().url().optional(),

  /** How often the Temporal Schedule starts a renewal sweep. */
  RENEWAL_SWEEP_INTERVAL: durationMs.default(3_600_000),
  RENEWAL_SWEEP_PAGE_SIZE: z.coerce.number().int().min(1).max(1_000).default(100),
  /** Pages one workflow run handles before continuing as new (keeps each run's history small). */
  RENEWAL_SWEEP_PAGES_PER_RUN: z.coerce.number().int().min(1).max(1_000).default(50),
  /** Store calls in flight at once, and per second, during a sweep. */
  RENEWAL_SWEEP_CONCURRENCY: z.coerce.number().int().min(1).max(100).default(8),
  RENEWAL_SWEEP_RATE_PER_SECOND: z.coerce.number().int().min(1).max(10_000).default(20),
  /** A subscription is re-checked this long after its period ends (the store has renewed or not by then). */
  RENEWAL_CHECK_DELAY: durationMs.default(600_000),
  /** Re-check interval while in grace period or billing retry, after a failed check, and once expired. */
  RENEWAL_RETRY_INTERVAL: durationMs.default(6 * 3_600_000),
  RENEWAL_FAILURE_BACKOFF: durationMs.default(900_000),
  RENEWAL_EXPIRED_RECHECK: durationMs.default(7 * 86_400_000),
});

export type BillingEnv = z.infer<typeof billingEnvSchema>;
