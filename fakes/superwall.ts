import { randomBytes, randomUUID } from 'node:crypto';
import { Webhook } from 'svix';

/** A Superwall endpoint signing secret, in the `whsec_<base64>` form Svix issues. */
export function superwallSecret(): string {
  return `whsec_${randomBytes(24).toString('base64')}`;
}

export interface SuperwallEventInput {
  type: string;
  transactionId: string;
  productId: string;
  appUserId?: string;
  originalTransactionId?: string;
  store?: 'APP_STORE' | 'PLAY_STORE' | 'STRIPE';
  environment?: 'PRODUCTION' | 'SANDBOX';
  bundleId?: string;
  cancelReason?: string | null;
  price?: number;
  /** When the store event happened (`ts`); now by default. */
  at?: number;
  /** When the transaction was bought; `at` by default. */
  purchasedAt?: number;
}

/** A Superwall webhook event (the published payload shape: store facts in `data`, the app user id alias). */
export function superwallEvent(input: SuperwallEventInput): { type: string; data: { id: string } & Record<string, unknown> } & Record<string, unknown> {
  const now = input.at ?? Date.now();
  return {
    object: 'event',
    type: input.type,
    projectId: 1,
    applicationId: 1,
    timestamp: now,
    data: {
      id: `${randomUUID()}:${input.type}`,
      name: input.type,
      cancelReason: input.cancelReason ?? null,
      price: input.price ?? 4.99,
      transactionId: input.transactionId,
      originalTransactionId: input.originalTransactionId ?? input.transactionId,
      originalAppUserId: input.appUserId ?? `$SuperwallAlias:${randomUUID().toUpperCase()}`,
      store: input.store ?? 'APP_STORE',
      purchasedAt: input.purchasedAt ?? now,
      productId: input.productId,
      environment: input.environment ?? 'PRODUCTION',
      bundleId: input.bundleId ?? null,
      ts: now,
    },
  };
}

/** Signs a delivery with svix's own signer, as Superwall's Svix endpoint does: the headers and the exact body. */
export function signSuperwallDelivery(
  secret: string,
  event: object,
  options: { messageId?: string; at?: Date } = {},
): { body: string; headers: Record<string, string> } {
  const body = JSON.stringify(event);
  const messageId = options.messageId ?? `msg_${randomBytes(12).toString('hex')}`;
  const at = options.at ?? new Date();
  return {
    body,
    headers: {
      'content-type': 'application/json',
      'svix-id': messageId,
      'svix-timestamp': String(Math.floor(at.getTime() / 1000)),
      'svix-signature': new Webhook(secret).sign(messageId, at, body),
    },
  };
}
