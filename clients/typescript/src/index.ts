import createClient from 'openapi-fetch';
import type { paths } from './schema.js';

export type { components, paths } from './schema.js';

export interface OneShotClientOptions {
  /** The API's origin, e.g. `https://api.oneshot.example`. */
  baseUrl: string;
  /** The current access token, read on every request (absent: the request goes unauthenticated). */
  accessToken?: () => string | undefined;
  /** Another fetch (tests, instrumentation); the platform's own by default. */
  fetch?: typeof fetch;
}

/**
 * A typed client of the OneShot API: paths, bodies, parameters and responses are checked against the types
 * generated from the API's OpenAPI document. Uses only `fetch`, so it runs in Expo / React Native as in Node.
 */
export function createOneShotClient(options: OneShotClientOptions) {
  const client = createClient<paths>({ baseUrl: options.baseUrl, ...(options.fetch ? { fetch: options.fetch } : {}) });
  const { accessToken } = options;
  if (accessToken) {
    client.use({
      onRequest({ request }) {
        const token = accessToken();
        if (token) request.headers.set('Authorization', `Bearer ${token}`);
        return request;
      },
    });
  }
  return client;
}
