import type { EntityManager } from '@mikro-orm/postgresql';

export type WebhookSource = 'superwall' | 'stripe';

/** `webhook_events`: every verified provider event, recorded once per (source, event id) after it was handled. */
export class WebhookEvents {
  constructor(private readonly em: EntityManager) {}

  async seen(source: WebhookSource, eventId: string): Promise<boolean> {
    const rows = await this.em.execute(`select 1 from webhook_events where source = ? and event_id = ?`, [source, eventId]);
    return rows.length > 0;
  }

  async record(source: WebhookSource, eventId: string, eventType: string, outcome: string): Promise<void> {
    await this.em.execute(
      `insert into webhook_events (source, event_id, event_type, outcome) values (?, ?, ?, ?) on conflict do nothing`,
      [source, eventId, eventType, outcome],
    );
  }

  /** The first of these ids that names an existing account (providers carry app user ids we cannot vouch for). */
  async firstExistingUser(ids: string[]): Promise<string | null> {
    if (ids.length === 0) return null;
    const rows = await this.em.execute<{ id: string }[]>(`select id from users where id in (?)`, [ids]);
    const existing = new Set(rows.map((row) => row.id));
    return ids.map((id) => id.toLowerCase()).find((id) => existing.has(id)) ?? null;
  }
}
