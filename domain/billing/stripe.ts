import type Stripe from 'stripe';
import type { VerifiedPurchase } from './purchase.js';

/** Metadata the checkout endpoint puts on every session (and its payment), read back by the webhook. */
export interface CheckoutMetadata {
  user_id: string;
  product_id: string;
}

export type StripeDecision =
  | { action: 'grant'; userId: string; purchase: VerifiedPurchase }
  | { action: 'revoke'; paymentIntentId: string; partial: boolean; reason: string; revokedAt: Date }
  | { action: 'ignore'; reason: string };

/**
 * What a verified Stripe event does to credits. A paid checkout session of ours grants its pack once (the
 * payment intent is the transaction, like a store's transaction id); a full refund or a lost dispute takes it
 * back through the same clawback rules as a store refund. A partial refund is recorded for an operator and takes
 * nothing back by itself.
 */
export function decideStripeEvent(event: Stripe.Event): StripeDecision {
  switch (event.type) {
    case 'checkout.session.completed':
    case 'checkout.session.async_payment_succeeded':
      return decideSession(event.data.object, event);
    case 'charge.refunded': {
      const charge = event.data.object;
      const paymentIntentId = idOf(charge.payment_intent);
      if (!paymentIntentId) return { action: 'ignore', reason: 'charge without a payment intent' };
      const reason = charge.refunded ? 'refund' : `partial refund (${charge.amount_refunded} of ${charge.amount} ${charge.currency})`;
      return { action: 'revoke', paymentIntentId, partial: !charge.refunded, reason, revokedAt: new Date(event.created * 1000) };
    }
    case 'charge.dispute.closed': {
      const dispute = event.data.object;
      if (dispute.status !== 'lost') return { action: 'ignore', reason: `dispute ${dispute.status}` };
      const paymentIntentId = idOf(dispute.payment_intent);
      if (!paymentIntentId) return { action: 'ignore', reason: 'dispute without a payment intent' };
      return { action: 'revoke', paymentIntentId, partial: false, reason: 'dispute lost', revokedAt: new Date(event.created * 1000) };
    }
    default:
      return { action: 'ignore', reason: 'event type not used' };
  }
}

function decideSession(session: Stripe.Checkout.Session, event: Stripe.Event): StripeDecision {
  // Asynchronous methods (bank debits) complete unpaid; `async_payment_succeeded` follows when the money arrives.
  if (session.mode !== 'payment' || session.payment_status !== 'paid') return { action: 'ignore', reason: `session ${session.payment_status}` };
  const userId = session.client_reference_id ?? session.metadata?.user_id;
  const productId = session.metadata?.product_id;
  const paymentIntentId = idOf(session.payment_intent);
  if (!userId || !productId || !paymentIntentId) return { action: 'ignore', reason: 'not a credit pack checkout' };
  return {
    action: 'grant',
    userId,
    purchase: {
      store: 'stripe',
      environment: event.livemode ? 'production' : 'sandbox',
      productId,
      kind: 'consumable',
      transactionId: paymentIntentId,
      originalReference: session.id,
      observedAt: new Date(event.created * 1000),
      purchasedAt: new Date(event.created * 1000),
      revokedAt: null,
      subscription: null,
      replacesReference: null,
      // Set by this server when it created the session: the buyer's account, as a store's account token.
      accountToken: userId,
    },
  };
}

function idOf(reference: string | { id: string } | null): string | null {
  return typeof reference === 'string' ? reference : (reference?.id ?? null);
}
