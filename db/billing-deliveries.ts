import type { EntityManager } from '@mikro-orm/postgresql';
import type { DeliveryResult, DeliverySource } from '../domain/billing/delivery.js';

/**
 * `billing_deliveries`: every verified delivery (App Store and Google notifications, Superwall and Stripe webhooks),
 * once per (source, delivery id), with what it did. Redeliveries are counted on the same row.
 */
export class BillingDeliveries {
  constructor(private readonly em: EntityManager) {}

  /** Counts a redelivery of a delivery already handled: a cheap look before asking a store API about it again. */
  async redelivered(source: DeliverySource, deliveryId: string): Promise<boolean> {
    const rows = await this.em.execute(
      `update billing_deliveries set redeliveries = redeliveries + 1, last_delivered_at = now()
        where source = ? and delivery_id = ? returning delivery_id`,
      [source, deliveryId],
    );
    return rows.length > 0;
  }

  /**
   * Handles one delivery once. Its row is inserted first, in the transaction that runs `handle` and records the
   * outcome, so the same delivery arriving twice at once waits for the first and answers `duplicate`; a delivery
   * whose handling failed leaves no row and is handled again when the source retries it.
   */
  once(source: DeliverySource, deliveryId: string, eventType: string, handle: (em: EntityManager) => Promise<DeliveryResult>): Promise<DeliveryResult> {
    return this.em.transactional(async (em) => {
      const claimed = await em.execute(
        `insert into billing_deliveries (source, delivery_id, event_type, outcome) values (?, ?, ?, 'pending')
         on conflict do nothing returning delivery_id`,
        [source, deliveryId, eventType],
      );
      if (claimed.length === 0) {
        await em.execute(
          `update billing_deliveries set redeliveries = redeliveries + 1, last_delivered_at = now() where source = ? and delivery_id = ?`,
          [source, deliveryId],
        );
        return { outcome: 'duplicate' };
      }
      const result = await handle(em);
      await em.execute(
        `update billing_deliveries set outcome = ?, reason = ?, store = ?, transaction_id = ? where source = ? and delivery_id = ?`,
        [result.outcome, result.reason ?? null, result.store ?? null, result.transactionId ?? null, source, deliveryId],
      );
      return result;
    });
  }

  /** The first of these ids that names an existing account (providers carry app user ids we cannot vouch for). */
  async firstExistingUser(ids: string[]): Promise<string | null> {
    if (ids.length === 0) return null;
    const rows = await this.em.execute<{ id: string }[]>(`select id from users where id in (?)`, [ids]);
    const existing = new Set(rows.map((row) => row.id));
    return ids.map((id) => id.toLowerCase()).find((id) => existing.has(id)) ?? null;
  }
}
