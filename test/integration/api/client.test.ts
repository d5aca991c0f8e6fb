import { readFile, readdir, writeFile } from 'node:fs/promises';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { generateClientTypes, SCHEMA_FILE } from '../../../clients/typescript/scripts/generate.js';
import { startApi, type TestApi } from '../../helpers/api.js';

let api: TestApi;
beforeAll(async () => {
  api = await startApi();
});
afterAll(() => api?.close());

it('the committed client (clients/typescript/src/schema.ts) matches /openapi.json', async () => {
  const generated = await generateClientTypes((await api.request('GET', '/openapi.json')).body as object);
  if (process.env.ONESHOT_UPDATE_CLIENT) await writeFile(SCHEMA_FILE, generated);
  expect(await readFile(SCHEMA_FILE, 'utf8'), 'regenerate it: see clients/typescript/README.md').toBe(generated);
});

it('the client imports nothing but fetch-based openapi-fetch and its own modules (Expo has no Node built-ins)', async () => {
  const dir = new URL('../../../clients/typescript/src/', import.meta.url);
  for (const file of await readdir(dir)) {
    const imports = [...(await readFile(new URL(file, dir), 'utf8')).matchAll(/from '([^']+)'/g)].map((match) => match[1]);
    expect(imports.filter((name) => name !== 'openapi-fetch' && !name!.startsWith('./')), file).toEqual([]);
  }
});
