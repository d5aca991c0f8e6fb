// @peculiar/x509 needs a Reflect metadata polyfill; reflect-metadata is installed with @mikro-orm/core.
import 'reflect-metadata';
import { createPrivateKey, sign, webcrypto, type KeyObject } from 'node:crypto';
import * as x509 from '@peculiar/x509';

x509.cryptoProvider.set(webcrypto as unknown as Parameters<typeof x509.cryptoProvider.set>[0]);

/** The extension OIDs Apple's library requires on the signing chain. */
export const APPLE_LEAF_OID = '1.2.840.113635.100.6.11.1';
export const APPLE_INTERMEDIATE_OID = '1.2.840.113635.100.6.2.1';

const EC = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' } as const;
const ASN1_NULL = new Uint8Array([0x05, 0x00]).buffer;

/** A self-made stand-in for Apple's root → WWDR intermediate → App Store signing leaf. */
export interface SigningChain {
  rootDer: Buffer;
  /** x5c header value: leaf, intermediate, root (base64 DER). */
  x5c: string[];
  leafKey: KeyObject;
}

export async function createSigningChain(name = 'Fake Apple'): Promise<SigningChain> {
  const notBefore = new Date(Date.now() - 365 * 86_400_000);
  const notAfter = new Date(Date.now() + 10 * 365 * 86_400_000);
  const keys = () => webcrypto.subtle.generateKey(EC, true, ['sign', 'verify']);
  const [rootKeys, intermediateKeys, leafKeys] = await Promise.all([keys(), keys(), keys()]);

  const root = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: '01',
    name: `CN=${name} Root CA`,
    notBefore,
    notAfter,
    keys: rootKeys,
    signingAlgorithm: EC,
    extensions: [new x509.BasicConstraintsExtension(true, undefined, true)],
  });
  const intermediate = await x509.X509CertificateGenerator.create({
    serialNumber: '02',
    subject: `CN=${name} WWDR Intermediate`,
    issuer: root.subject,
    notBefore,
    notAfter,
    publicKey: intermediateKeys.publicKey,
    signingKey: rootKeys.privateKey,
    signingAlgorithm: EC,
    extensions: [new x509.BasicConstraintsExtension(true, 0, true), new x509.Extension(APPLE_INTERMEDIATE_OID, false, ASN1_NULL)],
  });
  const leaf = await x509.X509CertificateGenerator.create({
    serialNumber: '03',
    subject: `CN=${name} App Store Signing`,
    issuer: intermediate.subject,
    notBefore,
    notAfter,
    publicKey: leafKeys.publicKey,
    signingKey: intermediateKeys.privateKey,
    signingAlgorithm: EC,
    extensions: [new x509.BasicConstraintsExtension(false), new x509.Extension(APPLE_LEAF_OID, false, ASN1_NULL)],
  });
  const pkcs8 = Buffer.from(await webcrypto.subtle.exportKey('pkcs8', leafKeys.privateKey));
  const der = (cert: x509.X509Certificate) => Buffer.from(cert.rawData);
  return {
    rootDer: der(root),
    x5c: [leaf, intermediate, root].map((cert) => der(cert).toString('base64')),
    leafKey: createPrivateKey({ key: pkcs8, format: 'der', type: 'pkcs8' }),
  };
}

/** Signs a payload the way the App Store does: ES256 JWS with the chain in the x5c header. */
export function signJws(chain: SigningChain, payload: object): string {
  const header = Buffer.from(JSON.stringify({ alg: 'ES256', x5c: chain.x5c })).toString('base64url');
  const body = Buffer.from(JSON.stringify(payload)).toString('base64url');
  const signature = sign('sha256', Buffer.from(`${header}.${body}`), { key: chain.leafKey, dsaEncoding: 'ieee-p1363' });
  return `${header}.${body}.${signature.toString('base64url')}`;
}
