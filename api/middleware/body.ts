import { bodyParser } from '@koa/bodyparser';
import type { Middleware } from 'koa';
import { AppError, ErrorCode } from '../../domain/errors.js';
import type { AppState } from '../state.js';

/** What the JSON parser (@hapi/bourne, under co-body) throws for a `__proto__` key at any depth. */
const PROTOTYPE_POISONING = 'Object contains forbidden prototype property';

/** JSON bodies only, up to `limitKb` (after decompression); anything else is refused with a stable code. */
export function jsonBody(limitKb: number): Middleware<AppState> {
  const parse = bodyParser({
    enableTypes: ['json'],
    // DELETE too: DELETE /auth/me carries the password that confirms it.
    parsedMethods: ['POST', 'PUT', 'PATCH', 'DELETE'],
    jsonLimit: `${limitKb}kb`,
    onError(error, ctx) {
      // Valid JSON with a `__proto__` key (prototype poisoning): the key is dropped, not the request, so a body the
      // spec allows is one the API reads. The parser refused it after reading it whole; its text comes with the error.
      const raw = (error as { body?: unknown }).body;
      if (error instanceof SyntaxError && error.message === PROTOTYPE_POISONING && typeof raw === 'string') {
        ctx.request.body = JSON.parse(raw, (key, value: unknown) => (key === '__proto__' ? undefined : value));
        ctx.request.rawBody = raw;
        return;
      }
      throw bodyError(error);
    },
  });
  return async (ctx, next) => {
    // `is` answers false (not null) only when a body is announced and it is not JSON; an empty one is no body.
    if (ctx.request.length !== 0 && ctx.request.is('application/json') === false) {
      throw new AppError(415, ErrorCode.UNSUPPORTED_MEDIA_TYPE, 'Send the request body as application/json.');
    }
    await parse(ctx, next);
  };
}

function bodyError(error: Error): AppError {
  const status = (error as { status?: unknown }).status;
  if (status === 413) return new AppError(413, ErrorCode.PAYLOAD_TOO_LARGE, 'The request body is too large.');
  if (status === 415) return new AppError(415, ErrorCode.UNSUPPORTED_MEDIA_TYPE, 'Unsupported body encoding.');
  if (error instanceof SyntaxError) return new AppError(400, ErrorCode.MALFORMED_JSON, 'The request body is not valid JSON.');
  return new AppError(400, ErrorCode.BAD_REQUEST, 'The request body could not be read.');
}
