import type { Logger } from '../integrations/logger.js';

/** What middleware puts on `ctx.state` for every request. */
export interface AppState {
  requestId: string;
  logger: Logger;
}
