import type { MikroORM } from '@mikro-orm/postgresql';
import { z } from 'zod';
import { Devices, type DeviceRow } from '../../db/devices.js';
import type { ApiConfig } from '../../domain/config/index.js';
import { AppError, ErrorCode } from '../../domain/errors.js';
import type { ApiRoutes } from '../routing.js';
import { isUuid } from '../services/ids.js';

export interface DeviceRouteDeps {
  config: Pick<ApiConfig, 'DEVICES_PER_USER'>;
  orm: MikroORM;
}

/** APNs tokens are hex, FCM tokens base64url with `:`; both stay well under this. */
const pushToken = z.string().min(8).max(4096).regex(/^[A-Za-z0-9:_.-]+$/).meta({ description: 'The push token as the OS gave it.' });

const registerSchema = z
  .discriminatedUnion('platform', [
    z.object({
      platform: z.literal('ios'),
      token: pushToken,
      apns_environment: z.enum(['sandbox', 'production']).meta({ description: 'Where the app was built for: development builds get sandbox tokens.' }),
    }),
    z.object({ platform: z.literal('android'), token: pushToken }),
  ])
  .meta({ id: 'RegisterDeviceRequest' });

const deviceSchema = z
  .object({
    device_id: z.uuid(),
    platform: z.enum(['ios', 'android']),
    apns_environment: z.enum(['sandbox', 'production']).nullable(),
    registered_at: z.iso.datetime(),
  })
  .meta({ id: 'Device' });

/** Push tokens: the app registers one per install to hear when a job completes or fails. */
export function deviceRoutes(routes: ApiRoutes, deps: DeviceRouteDeps): void {
  const tags = ['devices'];

  routes.authenticated({
    method: 'post',
    path: '/devices',
    summary: 'Register a push token',
    description:
      'Pushes tell the app a job completed or failed (payload: `job_id`, `status`). Registering a token again refreshes it and ' +
      'keeps its `device_id`; a token another account registered moves to the caller (one install, one account). ' +
      `At most ${deps.config.DEVICES_PER_USER} devices per account: registering another forgets the least recently registered. ` +
      'Tokens the push service reports as no longer valid are forgotten.',
    tags,
    request: { body: registerSchema },
    responses: { 200: { description: 'Registered.', schema: deviceSchema } },
    handler: async (ctx) => {
      const body = ctx.state.input.body;
      const device = await new Devices(deps.orm.em).register(
        ctx.state.user.id,
        { platform: body.platform, token: body.token, apnsEnvironment: body.platform === 'ios' ? body.apns_environment : null },
        deps.config.DEVICES_PER_USER,
      );
      ctx.body = deviceView(device);
    },
  });

  routes.authenticated({
    method: 'delete',
    path: '/devices/:id',
    summary: 'Stop pushes to a device (e.g. at sign-out)',
    tags,
    request: { params: z.object({ id: z.string() }) },
    responses: { 204: { description: 'Removed.' } },
    errors: { 404: [ErrorCode.NOT_FOUND] },
    handler: async (ctx) => {
      const { id } = ctx.state.input.params;
      if (!isUuid(id) || !(await new Devices(deps.orm.em).removeOwn(ctx.state.user.id, id))) throw new AppError(404, ErrorCode.NOT_FOUND, 'No such device.');
      ctx.status = 204;
    },
  });
}

function deviceView(device: DeviceRow): z.infer<typeof deviceSchema> {
  return { device_id: device.id, platform: device.platform, apns_environment: device.apnsEnvironment, registered_at: device.registeredAt.toISOString() };
}
