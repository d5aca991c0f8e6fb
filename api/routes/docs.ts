import { z } from 'zod';
import { renderDocsPage } from '../docs-page.js';
import type { ApiRoutes } from '../routing.js';

/** `/openapi.json` and a readable `/docs` page, both built from the routes' own schemas. */
export function docsRoutes(routes: ApiRoutes): void {
  // Built on first request, after every module has registered its routes.
  let document: ReturnType<ApiRoutes['document']> | undefined;
  const spec = () => (document ??= routes.document());

  routes.public({
    method: 'get',
    path: '/openapi.json',
    summary: 'This API as an OpenAPI 3.1 document',
    tags: ['docs'],
    responses: { 200: { description: 'The document.', schema: z.looseObject({ openapi: z.string() }) } },
    handler: (ctx) => {
      ctx.body = spec();
    },
  });

  routes.public({
    method: 'get',
    path: '/docs',
    summary: 'Human-readable API reference',
    tags: ['docs'],
    responses: { 200: { description: 'An HTML page.', contentType: 'text/html' } },
    handler: (ctx) => {
      ctx.type = 'html';
      ctx.body = renderDocsPage(spec());
    },
  });
}
