import type { MikroORM } from '@mikro-orm/postgresql';
import type { Client } from '@temporalio/client';
import { z } from 'zod';
import type { ApiConfig } from '../../domain/config/index.js';
import { ErrorCode } from '../../domain/errors.js';
import { subscriptionManagementUrl } from '../../domain/lifecycle/account-deletion.js';
import { describePeriod } from '../../domain/lifecycle/retention.js';
import type { TaskQueues } from '../../domain/task-queues.js';
import type { RateLimiters } from '../middleware/rate-limit.js';
import type { ApiRoutes } from '../routing.js';
import { deleteAccount } from '../services/account-deletion.js';
import { LoginThrottle } from '../services/login-throttle.js';
import { reauthenticationGuards, requireReauthentication } from '../services/reauthentication.js';

export interface AccountRouteDeps {
  config: Pick<
    ApiConfig,
    'ACCOUNT_DELETION_REAUTH_WINDOW' | 'GOOGLE_PACKAGE_NAME' | 'PASSWORD_HASH_QUEUE' | 'PASSWORD_HASH_WAIT_MS' | 'UPLOAD_RETENTION' | 'RESULT_RETENTION'
  >;
  orm: MikroORM;
  temporal: Client;
  taskQueues: TaskQueues;
  rateLimiters: Pick<RateLimiters, 'loginByIp' | 'loginFailuresByAccount'>;
}

const deleteRequestSchema = z
  .object({
    password: z.string().min(1).max(256).optional().meta({ description: 'Required unless the access token comes from a recent login.' }),
  })
  .meta({ id: 'DeleteAccountRequest' });

const deletionSchema = z
  .object({
    status: z.literal('deleting').meta({ description: 'The account is closed; its data is being deleted.' }),
    subscription: z
      .object({
        store: z.enum(['apple', 'google']),
        manage_url: z.url().meta({ description: "Open it: the store's own page, where the user cancels the subscription." }),
      })
      .nullable()
      .meta({ description: 'An App Store or Google Play subscription that still renews: deleting the account does not cancel it.' }),
  })
  .meta({ id: 'AccountDeletion' });

/** DELETE /auth/me: closes the account at once and deletes its data in a workflow (docs/privacy.md). */
export function accountRoutes(routes: ApiRoutes, deps: AccountRouteDeps): void {
  const { ACCOUNT_DELETION_REAUTH_WINDOW: windowMs, PASSWORD_HASH_QUEUE: queue, PASSWORD_HASH_WAIT_MS: waitMs } = deps.config;
  const guards = reauthenticationGuards(new LoginThrottle(deps.rateLimiters), { queue, waitMs });

  routes.authenticated({
    method: 'delete',
    path: '/auth/me',
    summary: 'Delete the account and its photos',
    description:
      `Needs the password, or an access token from a login (not a refresh) less than ${describePeriod(windowMs)} old ` +
      '(403 REAUTHENTICATION_REQUIRED otherwise; wrong passwords count against the login throttle). From the response on, ' +
      'the account is closed: sign-in, refresh and its access tokens are refused. A workflow then cancels its running jobs ' +
      '(refunded as usual), deletes every upload and result, its devices and personal data; the credit ledger and store ' +
      'purchase records are kept, detached from the person, for accounting and store refunds. Store subscriptions are not ' +
      'cancelled: when one is active, `subscription.manage_url` is the store page the app must open. ' +
      `Photos are kept anyway only for a limited time: uploads ${describePeriod(deps.config.UPLOAD_RETENTION)} after their last job, ` +
      `results ${describePeriod(deps.config.RESULT_RETENTION)} after completion.`,
    tags: ['auth'],
    request: { body: deleteRequestSchema },
    responses: { 202: { description: 'Closed; deletion under way.', schema: deletionSchema } },
    errors: { 403: [ErrorCode.REAUTHENTICATION_REQUIRED], 429: [ErrorCode.RATE_LIMITED], 503: [ErrorCode.SERVICE_UNAVAILABLE] },
    handler: async (ctx) => {
      const user = ctx.state.user;
      await requireReauthentication(deps.orm.em, guards, user, { password: ctx.state.input.body.password, clientIp: ctx.ip, windowMs }, 403);
      const { subscriptionStore } = await deleteAccount(
        deps.orm.em,
        { temporal: deps.temporal, taskQueue: deps.taskQueues.orchestrator, logger: ctx.state.logger },
        user.id,
      );
      ctx.status = 202;
      ctx.body = {
        status: 'deleting',
        subscription: subscriptionStore
          ? { store: subscriptionStore, manage_url: subscriptionManagementUrl(subscriptionStore, deps.config.GOOGLE_PACKAGE_NAME) }
          : null,
      } satisfies z.infer<typeof deletionSchema>;
    },
  });
}
