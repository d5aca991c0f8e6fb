import { randomUUID, type webcrypto } from 'node:crypto';
import { exportJWK, exportSPKI, generateKeyPair, SignJWT, type JWTPayload } from 'jose';
import { json, listen } from './http.js';

interface SigningKey {
  kid: string;
  privateKey: webcrypto.CryptoKey;
  jwk: object;
  pem: string;
}

/**
 * A local stand-in for Apple's and Google's sign-in key endpoints: Apple's JWKS (`/auth/keys`) and Google's PEM
 * certificates (`/oauth2/v1/certs`) publish the same RSA keys. Keys rotate on demand; fetches are counted so
 * tests can see how often the API refetches.
 */
export class FakeIdentityKeys {
  fetches = 0;
  private published: SigningKey[] = [];
  private server?: { url: string; close: () => Promise<void> };

  async start(): Promise<this> {
    this.published.push(await newKey());
    this.server = await listen((request, _body, response) => {
      this.fetches += 1;
      if (request.url === '/auth/keys') return json(response, 200, { keys: this.published.map((key) => key.jwk) });
      if (request.url === '/oauth2/v1/certs') {
        // Google says how long its certificates may be cached; google-auth-library caches them that long.
        response.writeHead(200, { 'content-type': 'application/json', 'cache-control': 'public, max-age=21600' });
        return void response.end(JSON.stringify(Object.fromEntries(this.published.map((key) => [key.kid, key.pem]))));
      }
      return json(response, 404, {});
    });
    return this;
  }

  get jwksUrl(): string {
    return `${this.server!.url}/auth/keys`;
  }

  get certsUrl(): string {
    return `${this.server!.url}/oauth2/v1/certs`;
  }

  /** Publishes a new key (the old ones stay published, as providers overlap keys) and returns its id. */
  async rotate(): Promise<string> {
    const key = await newKey();
    this.published.push(key);
    return key.kid;
  }

  /** A signing key that is never published: its tokens carry an unknown `kid`. */
  unpublished(): Promise<SigningKey> {
    return newKey();
  }

  /** A token signed with the newest published key (or `key`), valid for ten minutes unless the claims say otherwise. */
  async sign(claims: JWTPayload, key: SigningKey = this.published.at(-1)!): Promise<string> {
    const now = Math.floor(Date.now() / 1000);
    return new SignJWT({ iat: now, exp: now + 600, ...claims }).setProtectedHeader({ alg: 'RS256', kid: key.kid }).sign(key.privateKey);
  }

  async stop(): Promise<void> {
    await this.server?.close();
  }
}

async function newKey(): Promise<SigningKey> {
  const kid = randomUUID();
  const { privateKey, publicKey } = await generateKeyPair('RS256', { extractable: true });
  return { kid, privateKey, jwk: { ...(await exportJWK(publicKey)), kid, alg: 'RS256', use: 'sig' }, pem: await exportSPKI(publicKey) };
}
