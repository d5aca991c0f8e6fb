import type { Middleware } from 'koa';
import { AppError, ErrorCode } from '../../domain/errors.js';
import type { AppState } from '../state.js';

/**
 * Renders every failure as `{ error: { code, message, request_id, details? } }` with a matching status.
 * Unexpected errors are logged with the request id and shown as a generic INTERNAL error.
 */
export function errorHandler(): Middleware<AppState> {
  return async (ctx, next) => {
    try {
      await next();
      if (ctx.body === undefined) throwForUnservedRequest(ctx.status, ctx.response.get('Allow'));
    } catch (error) {
      const appError = toAppError(error);
      if (appError.status >= 500) ctx.state.logger.error({ err: error }, 'request failed');
      ctx.status = appError.status;
      for (const [name, value] of Object.entries(appError.headers ?? {})) ctx.set(name, value);
      ctx.body = {
        error: {
          code: appError.code,
          message: appError.message,
          request_id: ctx.state.requestId,
          ...(appError.details === undefined ? {} : { details: appError.details }),
        },
      };
    }
  };
}

/**
 * The router leaves a request no route served as a bare status: 404 for an unknown path, 405 (or 501 for a
 * method it knows nowhere, e.g. TRACE) with the path's `Allow` list. Both become an error body; an unknown
 * method on a known path is a 405 too.
 */
function throwForUnservedRequest(status: number, allow: string): void {
  if (status === 404 || ((status === 405 || status === 501) && !allow)) throw new AppError(404, ErrorCode.NOT_FOUND, 'No such resource.');
  if (status === 405 || status === 501) {
    throw new AppError(405, ErrorCode.METHOD_NOT_ALLOWED, `This resource answers ${allow}.`, undefined, { Allow: allow });
  }
}

function toAppError(error: unknown): AppError {
  if (error instanceof AppError) return error;
  const status = (error as { status?: unknown }).status;
  // Errors thrown by Koa middleware (body parser, koa-jwt) carry an HTTP status; keep 4xx ones, hide the rest.
  if (typeof status === 'number' && status >= 400 && status < 500) {
    return new AppError(status, codeForStatus(status), (error as Error).message || 'Bad request.');
  }
  return new AppError(500, ErrorCode.INTERNAL, 'Something went wrong on our side.');
}

function codeForStatus(status: number): ErrorCode {
  switch (status) {
    case 401: return ErrorCode.UNAUTHORIZED;
    case 403: return ErrorCode.FORBIDDEN;
    case 404: return ErrorCode.NOT_FOUND;
    case 405: return ErrorCode.METHOD_NOT_ALLOWED;
    case 413: return ErrorCode.PAYLOAD_TOO_LARGE;
    case 415: return ErrorCode.UNSUPPORTED_MEDIA_TYPE;
    case 429: return ErrorCode.RATE_LIMITED;
    default: return ErrorCode.BAD_REQUEST;
  }
}
