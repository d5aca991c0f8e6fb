import type { Middleware } from 'koa';
import type { z } from 'zod';
import { AppError, ErrorCode } from '../../domain/errors.js';
import type { AppState } from '../state.js';

/** The zod schemas a route validates; the same objects generate its OpenAPI description. */
export interface RequestSchemas {
  body?: z.ZodType;
  query?: z.ZodObject;
  params?: z.ZodObject;
}

type Parsed<T> = T extends z.ZodType ? z.output<T> : undefined;

/** What `validate` puts on `ctx.state.input`: each part parsed (defaults applied, unknown keys dropped). */
export interface ValidatedInput<S extends RequestSchemas> {
  body: Parsed<S['body']>;
  query: Parsed<S['query']>;
  params: Parsed<S['params']>;
}

export interface InputState<S extends RequestSchemas> {
  input: ValidatedInput<S>;
}

export interface ValidationIssue {
  location: 'body' | 'query' | 'params';
  path: string;
  message: string;
}

/**
 * Parses body, query and path parameters with the route's schemas; on success the typed result is on
 * `ctx.state.input`, otherwise every issue is reported at once as 400 VALIDATION_FAILED.
 */
export function validate<S extends RequestSchemas>(schemas: S): Middleware<AppState & InputState<S>> {
  return async (ctx, next) => {
    const issues: ValidationIssue[] = [];
    const parse = (location: ValidationIssue['location'], schema: z.ZodType | undefined, value: unknown): unknown => {
      if (!schema) return undefined;
      const result = schema.safeParse(value);
      if (result.success) return result.data;
      for (const issue of result.error.issues) issues.push({ location, path: issue.path.join('.'), message: issue.message });
      return undefined;
    };
    const routeParams = (ctx as { params?: Record<string, string> }).params ?? {};
    const input = {
      body: parse('body', schemas.body, ctx.request.body),
      query: parse('query', schemas.query, ctx.query),
      params: parse('params', schemas.params, routeParams),
    };
    if (issues.length) throw invalidRequest(issues);
    ctx.state.input = input as ValidatedInput<S>;
    await next();
  };
}

/** 400 VALIDATION_FAILED listing every issue: also for checks a schema cannot express. */
export function invalidRequest(issues: ValidationIssue[], message = 'The request is not valid.'): AppError {
  return new AppError(400, ErrorCode.VALIDATION_FAILED, message, { issues });
}
