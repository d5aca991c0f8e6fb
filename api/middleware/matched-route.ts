/** The route template koa-router matched for this request (e.g. `/v1/jobs/:id`), or undefined when none did. */
export function matchedRoute(ctx: object): string | undefined {
  const matched = (ctx as { _matchedRoute?: string | RegExp })._matchedRoute;
  return typeof matched === 'string' ? matched : undefined;
}
