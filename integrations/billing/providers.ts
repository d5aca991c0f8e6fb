import type { MikroORM } from '@mikro-orm/postgresql';
import type { BillingEnv } from '../../domain/config/billing.js';
import type { Logger } from '../logger.js';
import { ProviderPurchases } from './provider-purchases.js';
import { StripeCheckout } from './stripe.js';
import { SuperwallWebhooks } from './superwall.js';

/** The billing providers the configuration enables (constructs only; nothing is fetched until used). */
export function createBillingProviders(
  config: BillingEnv,
  deps: { orm: MikroORM; logger: Logger },
): { superwall?: SuperwallWebhooks; stripe?: StripeCheckout } {
  const catalog = config.BILLING_PRODUCTS;
  const purchases = new ProviderPurchases({ orm: deps.orm, catalog, timing: config, logger: deps.logger });
  const providers: { superwall?: SuperwallWebhooks; stripe?: StripeCheckout } = {};
  if (config.SUPERWALL_WEBHOOK_SECRET) {
    providers.superwall = new SuperwallWebhooks(
      config.SUPERWALL_WEBHOOK_SECRET,
      {
        catalog,
        // The same environments /billing/validate accepts from each store.
        accepts: (store, environment) =>
          store === 'apple' ? config.APPLE_ENVIRONMENTS.includes(environment) : environment === 'production' || config.GOOGLE_ACCEPT_TEST_PURCHASES,
        appIds: { apple: config.APPLE_BUNDLE_ID, google: config.GOOGLE_PACKAGE_NAME },
      },
      purchases,
      deps.logger,
    );
  }
  const { STRIPE_SECRET_KEY: secretKey, STRIPE_WEBHOOK_SECRET: webhookSecret } = config;
  const { STRIPE_CHECKOUT_SUCCESS_URL: successUrl, STRIPE_CHECKOUT_CANCEL_URL: cancelUrl } = config;
  if (secretKey || webhookSecret) {
    if (!secretKey || !webhookSecret || !successUrl || !cancelUrl) {
      throw new Error('Stripe needs STRIPE_SECRET_KEY, STRIPE_WEBHOOK_SECRET, STRIPE_CHECKOUT_SUCCESS_URL and STRIPE_CHECKOUT_CANCEL_URL together');
    }
    providers.stripe = new StripeCheckout(
      { secretKey, webhookSecret, prices: config.STRIPE_PRICES, successUrl, cancelUrl, apiUrl: config.STRIPE_API_URL },
      catalog,
      purchases,
      deps.logger,
    );
  }
  return providers;
}
