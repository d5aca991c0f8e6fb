import { z } from 'zod';

const mediaSchema = z.record(z.string(), z.object({ schema: z.unknown().optional() }));
const operationSchema = z.object({
  summary: z.string().optional(),
  description: z.string().optional(),
  security: z.array(z.unknown()).optional(),
  parameters: z
    .array(z.object({ name: z.string(), in: z.string(), required: z.boolean().optional(), schema: z.unknown().optional() }))
    .optional(),
  requestBody: z.object({ content: mediaSchema.optional() }).optional(),
  responses: z.record(z.string(), z.object({ description: z.string().optional(), content: mediaSchema.optional() })).optional(),
});
type Operation = z.infer<typeof operationSchema>;

/** The parts of an OpenAPI document the page shows. */
const documentSchema = z.object({
  info: z.object({ title: z.string(), version: z.string(), description: z.string().optional() }),
  paths: z.record(z.string(), z.record(z.string(), z.unknown())).optional(),
  components: z.object({ schemas: z.record(z.string(), z.unknown()).optional() }).optional(),
});

/**
 * A self-contained HTML rendering of the OpenAPI document: no scripts and nothing fetched from elsewhere, so
 * it works offline and under the API's strict Content-Security-Policy. Tools should read /openapi.json.
 */
export function renderDocsPage(openApiDocument: unknown): string {
  const document = documentSchema.parse(openApiDocument);
  const operations = Object.entries(document.paths ?? {}).flatMap(([path, item]) =>
    Object.entries(item).flatMap(([method, value]) => {
      const operation = operationSchema.safeParse(value);
      return operation.success ? [renderOperation(method, path, operation.data)] : [];
    }),
  );
  const schemas = Object.entries(document.components?.schemas ?? {}).map(
    ([name, schema]) => `<section id="schema-${escape(name)}"><h3>${escape(name)}</h3>${json(schema)}</section>`,
  );
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${escape(document.info.title)}</title>
<style>
body{font:15px/1.5 system-ui,sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem;color:#222}
h2{font-size:1.1rem;margin:2rem 0 .25rem}.method{display:inline-block;min-width:4rem;font-family:monospace;color:#06c}
pre{background:#f5f5f5;padding:.5rem;overflow:auto;font-size:13px}td,th{text-align:left;vertical-align:top;padding:.25rem .5rem}
.auth{font-size:.8rem;background:#fe9;padding:0 .3rem}
</style></head><body>
<h1>${escape(document.info.title)} <small>${escape(document.info.version)}</small></h1>
<p>${escape(document.info.description ?? '')}</p><p>Machine-readable: <a href="/openapi.json">/openapi.json</a> (OpenAPI 3.1).</p>
${operations.join('\n')}
<h2>Schemas</h2>
${schemas.join('\n')}
</body></html>`;
}

function renderOperation(method: string, path: string, operation: Operation): string {
  const parameters = (operation.parameters ?? []).map(
    (parameter) =>
      `<tr><td>${escape(parameter.name)}</td><td>${escape(parameter.in)}${parameter.required ? ', required' : ''}</td><td>${json(parameter.schema)}</td></tr>`,
  );
  const body = operation.requestBody?.content?.['application/json']?.schema;
  const responses = Object.entries(operation.responses ?? {}).map(([status, response]) => {
    const schema = Object.values(response.content ?? {})[0]?.schema;
    return `<tr><td>${escape(status)}</td><td>${escape(response.description ?? '')}</td><td>${schema ? json(schema) : ''}</td></tr>`;
  });
  return `<section>
<h2><span class="method">${escape(method.toUpperCase())}</span> ${escape(path)} ${operation.security ? '<span class="auth">bearer token</span>' : ''}</h2>
<p>${escape(operation.summary ?? '')}</p>${operation.description ? `<p>${escape(operation.description)}</p>` : ''}
${parameters.length ? `<table><tr><th>Parameter</th><th>In</th><th>Schema</th></tr>${parameters.join('')}</table>` : ''}
${body ? `<h4>Request body (application/json)</h4>${json(body)}` : ''}
<table><tr><th>Status</th><th>Meaning</th><th>Body</th></tr>${responses.join('')}</table>
</section>`;
}

/** Pretty JSON with `$ref`s turned into links to the schema section. */
function json(value: unknown): string {
  return `<pre>${escape(JSON.stringify(value, null, 2) ?? '').replace(
    /&#34;#\/components\/schemas\/([\w.-]+)&#34;/g,
    (_, name: string) => `<a href="#schema-${name}">${name}</a>`,
  )}</pre>`;
}

function escape(text: string): string {
  return text.replace(/[&<>"']/g, (char) => `&#${char.charCodeAt(0)};`);
}
