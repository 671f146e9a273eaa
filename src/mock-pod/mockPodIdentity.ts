import { errorResponse, jsonResponse } from './wire';
import { selfSignedCertificate } from './selfSignedCertificate';
import type { MockPod, MockPodResponse } from './types';

/** The issuer Symphony writes into the user JWTs of extension apps. */
export const MOCK_POD_JWT_ISSUER = 'Symphony Communication Services LLC.';

/** How long an emulated user JWT is valid when `ttlMs` is not given: 5 minutes. */
export const MOCK_USER_JWT_TTL_MS = 5 * 60_000;

interface Identity {
  readonly keys: CryptoKeyPair;
  readonly certificate: string;
}

// Keyed by pod, so the emulator's public object needs no new field and two pods never share a key.
const identities = new WeakMap<MockPod, Promise<Identity>>();
let serial = 0;

async function createIdentity(pod: MockPod): Promise<Identity> {
  const keys = (await crypto.subtle.generateKey(
    { name: 'RSASSA-PKCS1-v1_5', modulusLength: 2048, publicExponent: new Uint8Array([1, 0, 1]), hash: 'SHA-512' },
    false,
    ['sign', 'verify'],
  )) as CryptoKeyPair;
  serial += 1;
  const now = Date.now();
  const certificate = await selfSignedCertificate({
    keys,
    commonName: `mock-pod tenant ${pod.homeTenantId}`,
    notBefore: now - 24 * 60 * 60_000,
    notAfter: now + 365 * 24 * 60 * 60_000,
    serial: [0x01, (serial >> 8) & 0xff, serial & 0xff],
  });
  return { keys, certificate };
}

/** The pod's signing identity, made on first use (an RSA key takes a moment to generate). */
function identityOf(pod: MockPod): Promise<Identity> {
  let identity = identities.get(pod);
  if (!identity) {
    identity = createIdentity(pod);
    identities.set(pod, identity);
  }
  return identity;
}

/**
 * The pod's certificate in PEM, the one `GET /v1/podcert` serves and user JWTs are signed for.
 */
export async function mockPodCertificate(pod: MockPod): Promise<string> {
  return (await identityOf(pod)).certificate;
}

/**
 * Gives the pod a new key and certificate, as a pod does when its certificate is renewed. JWTs
 * signed before no longer verify against the new certificate.
 */
export async function rotateMockPodCertificate(pod: MockPod): Promise<string> {
  const next = createIdentity(pod);
  identities.set(pod, next);
  return (await next).certificate;
}

/** The emulator's answer to `/v1/podcert`: `{"certificate": "<PEM>"}` for GET, 405 otherwise. */
export async function podCertificateResponse(pod: MockPod, method: string): Promise<MockPodResponse> {
  if (method !== 'GET') return errorResponse(405, 'Method not allowed', { allow: 'GET' });
  return jsonResponse(200, JSON.stringify({ certificate: await mockPodCertificate(pod) }));
}

/** Options of {@link signMockUserJwt}. */
export interface MockUserJwtOptions {
  /** The user the JWT names; must be one of the pod's users. */
  userId: string;
  /** The extension app's id, written as `aud`. */
  appId: string;
  /** Issue time, ms since 1970. @default Date.now() */
  now?: number | undefined;
  /** Time to expiry. @default 300000 (5 minutes) */
  ttlMs?: number | undefined;
  /** Claims to add or override (`nbf`, `iss`, `user`...), for tests of bad tokens. */
  claims?: Readonly<Record<string, unknown>> | undefined;
}

function base64url(bytes: Uint8Array): string {
  let binary = '';
  for (const b of bytes) binary += String.fromCharCode(b);
  return btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

/**
 * Signs a user JWT as the pod does for an extension app after app authentication (the "circle of
 * trust"): RS512 with the pod's key, `aud` the app id, `sub` and `user.id` the user id written
 * as a bare integer with every digit (ids can exceed 2^53), `user.companyId` the tenant.
 * Verify it against {@link mockPodCertificate} or the pod's `GET /v1/podcert`.
 */
export async function signMockUserJwt(pod: MockPod, options: MockUserJwtOptions): Promise<string> {
  const user = pod.getUser(options.userId);
  if (!user) throw new Error(`mock pod: no user ${options.userId}`);
  const { keys } = await identityOf(pod);
  const now = options.now ?? Date.now();
  const iat = Math.floor(now / 1000);
  const exp = Math.floor((now + (options.ttlMs ?? MOCK_USER_JWT_TTL_MS)) / 1000);
  const fields: Record<string, unknown> = {
    aud: options.appId,
    iss: MOCK_POD_JWT_ISSUER,
    sub: user.id,
    iat,
    exp,
    user: {
      id: user.id,
      emailAddress: user.email,
      username: user.email.split('@')[0],
      firstName: user.firstName,
      lastName: user.lastName,
      displayName: user.displayName,
      company: user.company,
      companyId: user.tenantId,
    },
    ...options.claims,
  };
  // The pod's Java serializer writes longs as bare integers; JSON.stringify would round them.
  const payload = JSON.stringify(fields).replace(new RegExp(`"id":"${user.id}"`), `"id":${user.id}`);
  const encode = (text: string) => base64url(new TextEncoder().encode(text));
  const signingInput = `${encode('{"alg":"RS512","typ":"JWT"}')}.${encode(payload)}`;
  const signature = await crypto.subtle.sign('RSASSA-PKCS1-v1_5', keys.privateKey, new TextEncoder().encode(signingInput));
  return `${signingInput}.${base64url(new Uint8Array(signature))}`;
}
