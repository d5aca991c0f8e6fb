import type { Logger } from '../integrations/logger.js';

/** What middleware puts on `ctx.state` for every request. */
export interface AppState {
  requestId: string;
  logger: Logger;
}

/** The caller, from a verified access token. */
export interface AuthUser {
  id: string;
  email: string;
}

/** State on routes that require a bearer token (see middleware/auth.ts). */
export interface AuthedState extends AppState {
  user: AuthUser;
}
