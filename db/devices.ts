import { randomUUID } from 'node:crypto';
import type { EntityManager } from '@mikro-orm/postgresql';

export type DevicePlatform = 'ios' | 'android';
export type ApnsEnvironment = 'sandbox' | 'production';

/** A push token of one app install; `apnsEnvironment` is set for iOS only. */
export interface DeviceRow {
  id: string;
  userId: string;
  platform: DevicePlatform;
  token: string;
  apnsEnvironment: ApnsEnvironment | null;
  registeredAt: Date;
}

const DEVICE_COLUMNS = `id, user_id as "userId", platform, token, apns_environment as "apnsEnvironment", registered_at as "registeredAt"`;

type RawDeviceRow = Omit<DeviceRow, 'registeredAt'> & { registeredAt: string };
/** The driver hands timestamps over as strings (MikroORM keeps time zones its own way). */
const toDeviceRow = (row: RawDeviceRow): DeviceRow => ({ ...row, registeredAt: new Date(row.registeredAt) });

/** The `devices` table: push tokens, each owned by the account that registered it last. */
export class Devices {
  constructor(private readonly em: EntityManager) {}

  /**
   * Registers a token for `userId`: the same token again refreshes it (same id); a token another account held
   * moves here under a new id (the install changed hands). Beyond `limit` devices the least recently registered go.
   */
  register(userId: string, device: Pick<DeviceRow, 'platform' | 'token' | 'apnsEnvironment'>, limit: number): Promise<DeviceRow> {
    return this.em.transactional(async (em) => {
      const [row] = await em.execute<RawDeviceRow[]>(
        `insert into devices (id, user_id, platform, token, apns_environment) values (?, ?, ?, ?, ?)
         on conflict (platform, token) do update
           set id = case when devices.user_id = excluded.user_id then devices.id else excluded.id end,
               user_id = excluded.user_id, apns_environment = excluded.apns_environment, registered_at = now()
         returning ${DEVICE_COLUMNS}`,
        [randomUUID(), userId, device.platform, device.token, device.apnsEnvironment],
      );
      await em.execute(
        `delete from devices where user_id = ? and id not in
           (select id from devices where user_id = ? order by registered_at desc, id desc limit ?)`,
        [userId, userId, limit],
      );
      return toDeviceRow(row!);
    });
  }

  async listOwn(userId: string): Promise<DeviceRow[]> {
    const rows = await this.em.execute<RawDeviceRow[]>(`select ${DEVICE_COLUMNS} from devices where user_id = ? order by registered_at desc`, [userId]);
    return rows.map(toDeviceRow);
  }

  /** False when the device is not the caller's (someone else's is indistinguishable from a missing one). */
  async removeOwn(userId: string, deviceId: string): Promise<boolean> {
    const removed = await this.em.execute(`delete from devices where id = ? and user_id = ? returning id`, [deviceId, userId]);
    return removed.length > 0;
  }

  /** Forgets a token the push service reported as no longer valid. */
  async removeToken(platform: DevicePlatform, token: string): Promise<void> {
    await this.em.execute(`delete from devices where platform = ? and token = ?`, [platform, token]);
  }
}
