import { z } from 'zod';
import { durationMs } from './env-values.js';

/** Account deletion and push-device registration (API). */
export const accountEnvSchema = z.object({
  /** DELETE /auth/me and (un)linking a sign-in provider, without the password, are accepted this long after a sign-in (not a token refresh). */
  ACCOUNT_DELETION_REAUTH_WINDOW: durationMs.default(300_000),
  /** Push devices one account may register; registering one more forgets the least recently registered. */
  DEVICES_PER_USER: z.coerce.number().int().min(1).max(100).default(10),
});
