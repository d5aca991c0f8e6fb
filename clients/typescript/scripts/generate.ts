import openapiTS, { astToString } from 'openapi-typescript';

export const SCHEMA_FILE = new URL('../src/schema.ts', import.meta.url);

/**
 * The client's types for an OpenAPI document, as openapi-typescript renders them. The integration test
 * test/integration/api/client.test.ts compares them with the committed src/schema.ts (and rewrites it with
 * ONESHOT_UPDATE_CLIENT=1), so the committed client cannot drift from the API.
 */
export async function generateClientTypes(document: object): Promise<string> {
  const header =
    "// Generated from the OneShot API's /openapi.json by openapi-typescript; do not edit (see clients/typescript/README.md).\n" +
    '/* eslint-disable */\n\n';
  return header + astToString(await openapiTS(document as Parameters<typeof openapiTS>[0]));
}
