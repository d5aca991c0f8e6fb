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
  /** When the user last proved who they are (login, registration); absent on refreshed tokens. */
  authenticatedAt?: Date;
}

/** State on routes that require a bearer token (see middleware/auth.ts). */
export interface AuthedState extends AppState {
  user: AuthUser;
}
