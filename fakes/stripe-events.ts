import { randomBytes } from 'node:crypto';
import Stripe from 'stripe';

const stripe = new Stripe('sk_test_fake');
const id = (prefix: string) => `${prefix}_${randomBytes(12).toString('hex')}`;

/** A Stripe event envelope around one object, as Stripe delivers it to a webhook endpoint. */
export function stripeEvent(type: string, object: object): object {
  return { id: id('evt'), object: 'event', api_version: '2025-01-01', created: Math.floor(Date.now() / 1000), livemode: false, type, data: { object } };
}

/** A completed Checkout Session as the checkout endpoint creates it (metadata and client reference = the buyer). */
export function checkoutSession(userId: string, productId: string, overrides: Record<string, unknown> = {}): { id: string; payment_intent: string } {
  return {
    id: id('cs_test'),
    object: 'checkout.session',
    mode: 'payment',
    status: 'complete',
    payment_status: 'paid',
    client_reference_id: userId,
    metadata: { user_id: userId, product_id: productId },
    payment_intent: id('pi'),
    ...overrides,
  } as { id: string; payment_intent: string };
}

export function refundedCharge(paymentIntent: string, refunded = true): object {
  return { id: id('ch'), object: 'charge', payment_intent: paymentIntent, refunded, amount: 499, currency: 'usd', amount_refunded: refunded ? 499 : 100 };
}

export function closedDispute(paymentIntent: string, status: 'lost' | 'won'): object {
  return { id: id('dp'), object: 'dispute', payment_intent: paymentIntent, status };
}

/** Signs a delivery with the library's own test helper, as Stripe signs webhook requests. */
export function signStripeDelivery(secret: string, event: object, options: { timestamp?: number } = {}): { body: string; headers: Record<string, string> } {
  const body = JSON.stringify(event);
  const signature = stripe.webhooks.generateTestHeaderString({ payload: body, secret, ...(options.timestamp ? { timestamp: options.timestamp } : {}) });
  return { body, headers: { 'content-type': 'application/json', 'stripe-signature': signature } };
}
