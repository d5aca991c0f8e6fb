import { generateKeyPairSync, randomUUID, type KeyObject } from 'node:crypto';
import http2 from 'node:http2';
import type { AddressInfo } from 'node:net';
import jwt from 'jsonwebtoken';
import { localhostCertificate } from './tls.js';

export interface ApnsDelivery {
  token: string;
  topic: string | undefined;
  pushType: string | undefined;
  collapseId: string | undefined;
  payload: { aps?: { alert?: { title?: string; body?: string } }; job_id?: string; status?: string };
}

/**
 * A local APNs: HTTP/2 over TLS (self-signed; trust `caPem`), `POST /3/device/<token>` with an ES256 provider
 * token that must verify against the key it hands out, and Apple's answers: 200, 410 Unregistered,
 * 400 BadDeviceToken, 429 TooManyRequests.
 */
export class FakeApns {
  readonly keyId = 'FAKEKEY123';
  readonly teamId = 'FAKETEAM12';
  /** The .p8 key the backend signs provider tokens with. */
  readonly privateKeyPem: string;
  readonly delivered: ApnsDelivery[] = [];
  /** Tokens answered 410 Unregistered. */
  readonly unregistered = new Set<string>();
  /** Token → how many more sends answer 429 TooManyRequests. */
  readonly throttled = new Map<string, number>();
  caPem = '';
  private readonly publicKey: KeyObject;
  private server?: http2.Http2SecureServer;
  private port = 0;

  constructor(readonly topic: string) {
    const keys = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    this.privateKeyPem = keys.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
    this.publicKey = keys.publicKey;
  }

  async start(): Promise<this> {
    const { certPem, keyPem } = await localhostCertificate();
    this.caPem = certPem;
    const server = http2.createSecureServer({ key: keyPem, cert: certPem });
    server.on('stream', (stream, headers) => {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('end', () => {
        const [status, reason] = this.answer(headers, Buffer.concat(chunks));
        stream.respond({ ':status': status, 'apns-id': randomUUID(), ...(reason ? { 'content-type': 'application/json' } : {}) });
        stream.end(reason ? JSON.stringify({ reason, ...(status === 410 ? { timestamp: Date.now() } : {}) }) : undefined);
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    this.server = server;
    this.port = (server.address() as AddressInfo).port;
    return this;
  }

  get url(): string {
    return `https://127.0.0.1:${this.port}`;
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }

  private answer(headers: http2.IncomingHttpHeaders, body: Buffer): [number, string?] {
    const token = /^\/3\/device\/([^/]+)$/.exec(headers[':path'] ?? '')?.[1];
    if (headers[':method'] !== 'POST' || !token) return [404, 'BadPath'];
    const bearer = /^bearer (.+)$/i.exec(headers.authorization ?? '')?.[1];
    if (!bearer) return [403, 'MissingProviderToken'];
    try {
      const decoded = jwt.verify(bearer, this.publicKey, { algorithms: ['ES256'], issuer: this.teamId, complete: true });
      if (decoded.header.kid !== this.keyId) throw new Error('kid');
    } catch {
      return [403, 'InvalidProviderToken'];
    }
    if (headers['apns-topic'] !== this.topic) return [400, 'BadTopic'];
    if (this.unregistered.has(token)) return [410, 'Unregistered'];
    if (!/^[0-9a-f]{64}$/i.test(token)) return [400, 'BadDeviceToken'];
    const throttles = this.throttled.get(token) ?? 0;
    if (throttles > 0) {
      this.throttled.set(token, throttles - 1);
      return [429, 'TooManyRequests'];
    }
    this.delivered.push({
      token,
      topic: headers['apns-topic'],
      pushType: headers['apns-push-type'] as string | undefined,
      collapseId: headers['apns-collapse-id'] as string | undefined,
      payload: JSON.parse(body.toString()),
    });
    return [200];
  }
}
