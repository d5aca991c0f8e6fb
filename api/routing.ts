import { OpenAPIRegistry, OpenApiGeneratorV31, type ResponseConfig, type RouteConfig } from '@asteasolutions/zod-to-openapi';
import Router, { type RouterContext, type RouterMiddleware } from '@koa/router';
import type { Middleware } from 'koa';
import { z } from 'zod';
import { ErrorCode } from '../domain/errors.js';
import { validate, type InputState, type RequestSchemas } from './middleware/validate.js';
import type { AppState, AuthedState } from './state.js';

export type HttpMethod = 'get' | 'post' | 'put' | 'patch' | 'delete';

export interface ResponseDoc {
  description: string;
  /** The JSON body; omit for empty responses. */
  schema?: z.ZodType;
  /** For non-JSON bodies (e.g. text/html), documented without a schema. */
  contentType?: string;
}

/** One route: its validation schemas double as its OpenAPI description, so the two cannot drift. */
export interface RouteDefinition<S extends RequestSchemas, State extends AppState> {
  method: HttpMethod;
  /** Koa syntax (`/jobs/:id`); rendered as `/jobs/{id}` in the spec. */
  path: string;
  summary: string;
  description?: string;
  tags: string[];
  request?: S;
  /** Success responses by status. */
  responses: Partial<Record<number, ResponseDoc>>;
  /** Error codes this route itself throws, by status (the common ones are added automatically). */
  errors?: Partial<Record<number, ErrorCode[]>>;
  /** Run after authentication and before validation, e.g. `limitPerUser(rateLimiters.jobSubmission)`. */
  middleware?: Middleware<State>[];
  handler: (ctx: RouterContext<State & InputState<S>>) => unknown;
}

type RouteDoc = Omit<RouteDefinition<RequestSchemas, AppState>, 'handler' | 'middleware'>;

export const errorEnvelopeSchema = z
  .object({
    error: z.object({
      code: z.enum(Object.values(ErrorCode)).meta({ description: 'Stable; clients switch on it.' }),
      message: z.string().meta({ description: 'Human-readable; safe to show.' }),
      request_id: z.string().meta({ description: 'Echoes X-Request-Id; quote it when reporting a problem.' }),
      details: z.unknown().optional(),
    }),
  })
  .meta({ id: 'Error', description: 'The body of every failed request.' });

const BEARER = 'bearerAuth';

/**
 * Requires at least one field of each group (e.g. an upload id or its URL): enforced by validation and declared
 * in the OpenAPI schema (`anyOf` of `required`), from this one place.
 */
export function requireOneOf<T extends z.ZodObject>(schema: T, ...groups: [string, string][]): T {
  const declared = groups.map((fields) => ({ anyOf: fields.map((field) => ({ required: [field] })) }));
  return schema
    .superRefine((value: Record<string, unknown>, ctx) => {
      for (const fields of groups) {
        if (fields.every((field) => value[field] === undefined)) {
          ctx.addIssue({ code: 'custom', path: [fields[0]], message: `One of ${fields.map((field) => `\`${field}\``).join(', ')} is required` });
        }
      }
    })
    .meta(declared.length === 1 ? declared[0]! : { allOf: declared });
}

/**
 * The API's single router and OpenAPI registry. Route modules export `xRoutes(routes, deps)` and register
 * with `routes.public(...)` or `routes.authenticated(...)`; app.ts calls each module once.
 */
export class ApiRoutes {
  readonly router = new Router<AppState>();
  private readonly registry = new OpenAPIRegistry();
  /** Methods of each path without parameters, for the paths templated routes also match. */
  private readonly concreteMethods = new Map<string, string[]>();

  /** @param authenticate verifies the bearer token and applies the per-user API budget. */
  constructor(private readonly authenticate: Middleware<AuthedState>[]) {
    this.registry.registerComponent('securitySchemes', BEARER, { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' });
  }

  public<S extends RequestSchemas>(route: RouteDefinition<S, AppState>): void {
    this.add(route, []);
  }

  /** A route for signed-in users: `ctx.state.user` is set; 401 without a valid token, 429 over the budget. */
  authenticated<S extends RequestSchemas>(route: RouteDefinition<S, AuthedState>): void {
    this.add(route, this.authenticate);
  }

  /**
   * Answers 405 / 501 / OPTIONS with `Allow` (the error handler renders them). As in OpenAPI, a concrete path shadows
   * the templated ones it also matches: `/uploads/presign` allows what it serves, not `/uploads/{upload_id}`'s methods.
   */
  allowedMethods(): Middleware<AppState> {
    const allowed = this.router.allowedMethods();
    return async (ctx, next) => {
      const routed = ctx as unknown as { matched?: { paramNames: unknown[] }[] };
      const concrete = routed.matched?.filter((layer) => layer.paramNames.length === 0) ?? [];
      if (concrete.length > 0) routed.matched = concrete;
      await allowed(ctx as unknown as Parameters<typeof allowed>[0], next);
    };
  }


  document(): ReturnType<OpenApiGeneratorV31['generateDocument']> {
    return new OpenApiGeneratorV31(this.registry.definitions).generateDocument({
      openapi: '3.1.0',
      info: {
        title: 'OneShot API',
        version: '1.0.0',
        description:
          'JSON in snake_case. Every failure has the `Error` body and a matching status; `X-Request-Id` is accepted or assigned on every request.',
      },
    });
  }

  private add<S extends RequestSchemas, State extends AppState>(route: RouteDefinition<S, State>, auth: Middleware<AuthedState>[]): void {
    const method = route.method.toUpperCase();
    const templated = route.path.includes(':');
    if (!templated) this.concreteMethods.set(route.path, [...(this.concreteMethods.get(route.path) ?? []), ...(method === 'GET' ? ['HEAD', method] : [method])]);
    const stack = [...(templated ? [this.unlessShadowed()] : []), ...auth, ...(route.middleware ?? []), validate(route.request ?? {}), route.handler];
    // The router is typed for the base state; each stack was type-checked against its own state above.
    this.router.register(route.path, [method], stack as unknown as RouterMiddleware<AppState>[]);
    this.registry.registerPath(this.describe(route, auth.length > 0));
  }

  /** A templated route never serves a concrete route's path (`GET /uploads/presign` is 405, not an upload id). */
  private unlessShadowed(): Middleware<AppState> {
    return async (ctx, next) => {
      const methods = this.concreteMethods.get(ctx.path);
      if (methods) {
        ctx.status = 405;
        ctx.set('Allow', methods.join(', '));
        return;
      }
      await next();
    };
  }

  private describe(route: RouteDoc, authenticated: boolean): RouteConfig {
    const { body, query, params } = route.request ?? {};
    const responses: Record<number, ResponseConfig> = {};
    for (const [status, doc] of Object.entries(route.responses)) {
      if (!doc) continue;
      const content = doc.schema
        ? { 'application/json': { schema: doc.schema } }
        : doc.contentType
          ? { [doc.contentType]: {} }
          : undefined;
      responses[Number(status)] = { description: doc.description, ...(content ? { content } : {}) };
    }
    for (const [status, codes] of Object.entries(commonErrors(route, authenticated))) {
      responses[Number(status)] = {
        description: `Error codes: ${codes.join(', ')}.`,
        content: { 'application/json': { schema: errorEnvelopeSchema } },
        ...(Number(status) === 429 ? { headers: { 'Retry-After': { description: 'Seconds to wait.', schema: { type: 'integer' } } } } : {}),
      };
    }
    return {
      method: route.method,
      path: route.path.replace(/:(\w+)/g, '{$1}'),
      summary: route.summary,
      ...(route.description ? { description: route.description } : {}),
      tags: route.tags,
      ...(authenticated ? { security: [{ [BEARER]: [] }] } : {}),
      request: {
        ...(body ? { body: { required: true, content: { 'application/json': { schema: body } } } } : {}),
        ...(query ? { query } : {}),
        ...(params ? { params } : {}),
      },
      responses,
    };
  }
}

/** The errors any route of this shape can produce, merged with the route's own. */
function commonErrors(route: RouteDoc, authenticated: boolean): Record<number, ErrorCode[]> {
  const errors: Record<number, Set<ErrorCode>> = {};
  const add = (status: number, ...codes: ErrorCode[]) => codes.forEach((code) => (errors[status] ??= new Set()).add(code));
  const request = route.request ?? {};
  if (request.body) {
    add(400, ErrorCode.MALFORMED_JSON, ErrorCode.BAD_REQUEST);
    add(413, ErrorCode.PAYLOAD_TOO_LARGE);
    add(415, ErrorCode.UNSUPPORTED_MEDIA_TYPE);
  }
  if (request.body || request.query || request.params) add(400, ErrorCode.VALIDATION_FAILED);
  if (authenticated) {
    add(401, ErrorCode.UNAUTHORIZED);
    add(429, ErrorCode.RATE_LIMITED);
  }
  for (const [status, codes] of Object.entries(route.errors ?? {})) add(Number(status), ...(codes ?? []));
  add(500, ErrorCode.INTERNAL);
  return Object.fromEntries(Object.entries(errors).map(([status, codes]) => [status, [...codes]]));
}
