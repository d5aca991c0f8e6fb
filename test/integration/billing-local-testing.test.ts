import { describe, expect, it } from 'vitest';
import { billingEnvSchema } from '../../domain/config/billing.js';
import { createBillingStores } from '../../application/billing/wiring.js';
import { createSigningChain } from '../../fakes/apple-ca.js';
import { BUNDLE_ID, CATALOG, DAY, useBillingApi } from '../helpers/billing.js';
import { signUp } from '../helpers/client-flows.js';

// What `npm start` configures: development mode, Xcode's local StoreKit testing, no Apple root certificates.
const development = useBillingApi({ NODE_ENV: 'development', APPLE_ENVIRONMENTS: 'xcode', APPLE_ROOT_CERTS: '' });
const production = useBillingApi();

/** A transaction as Xcode signs it in the simulator: its own local certificate, environment "Xcode". */
async function xcodeTransaction(productId: string, overrides: Record<string, unknown> = {}) {
  const xcode = await createSigningChain('StoreKit Testing in Xcode');
  const transaction = development.stores.apple.buy(productId, { environment: 'Xcode', ...overrides });
  return development.stores.apple.signTransaction(transaction, xcode);
}

function validate(billing: typeof development, token: string, receipt: string, productId: string) {
  return billing.api.request('POST', '/billing/validate', { token, body: { platform: 'ios', receipt_data: receipt, product_id: productId } });
}

describe('local purchase testing with Xcode StoreKit transactions', () => {
  it('credits a pack and a subscription bought in the simulator, in development', async () => {
    const user = await signUp(development.api);
    const pack = await validate(development, user.token, await xcodeTransaction('credits_50'), 'credits_50');
    expect(pack.body).toEqual({ valid: true, credits_added: 50, subscription_status: 'inactive', expires_at: null });
    const expires = Date.now() + 30 * DAY;
    const subscription = await validate(
      development,
      user.token,
      await xcodeTransaction('pro_monthly', { type: 'Auto-Renewable Subscription', expiresDate: expires }),
      'pro_monthly',
    );
    expect(subscription.body).toEqual({ valid: true, credits_added: 100, subscription_status: 'active', expires_at: new Date(expires).toISOString() });
    const rows = await development.api.orm.em.fork().execute(`select distinct environment from store_transactions where user_id = ?`, [user.id]);
    expect(rows).toEqual([{ environment: 'xcode' }]);
  });

  it('still checks the app and the account binding', async () => {
    const [user, other] = [await signUp(development.api), await signUp(development.api)];
    const foreign = await validate(development, user.token, await xcodeTransaction('credits_50', { bundleId: 'com.other.app' }), 'credits_50');
    expect([foreign.status, foreign.body.error?.code]).toEqual([422, 'RECEIPT_WRONG_APP']);
    const bound = await validate(development, other.token, await xcodeTransaction('credits_50', { appAccountToken: user.id }), 'credits_50');
    expect([bound.status, bound.body.error?.code]).toEqual([409, 'PURCHASE_ACCOUNT_MISMATCH']);
  });

  it('refuses Xcode transactions where the environment is not enabled', async () => {
    const user = await signUp(production.api);
    const response = await validate(production, user.token, await xcodeTransaction('credits_50'), 'credits_50');
    expect([response.status, response.body.error?.code]).toEqual([422, 'RECEIPT_WRONG_ENVIRONMENT']);
  });

  it('refuses to start with Xcode transactions enabled in production', () => {
    const config = billingEnvSchema.parse({ BILLING_PRODUCTS: JSON.stringify(CATALOG), APPLE_BUNDLE_ID: BUNDLE_ID, APPLE_ENVIRONMENTS: 'xcode' });
    expect(() => createBillingStores({ ...config, NODE_ENV: 'production' })).toThrow(/xcode.*NODE_ENV=production/);
    expect(createBillingStores({ ...config, NODE_ENV: 'development' }).apple).toBeDefined();
  });
});
