// @vitest-environment node
import { createHmac, createSign, generateKeyPairSync, X509Certificate } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  createMockPod,
  MOCK_POD_JWT_ISSUER,
  mockPodCertificate,
  rotateMockPodCertificate,
  signMockUserJwt,
  type MockPod,
} from '../../src/mock-pod';
import {
  createPodCertificateSource,
  UserJwtVerificationError,
  verifyUserJwt,
  type UserJwtVerificationReason,
  type VerifyUserJwtOptions,
} from '../../src/server';

const POD_URL = 'http://pod.test/pod';
const APP_ID = 'presence-app';
const NOW = Date.UTC(2026, 10, 30, 9, 0, 0);

/** A fetch answering `/v1/podcert` from the emulator, counting the calls. */
function certFetch(pod: MockPod) {
  const counter = { calls: 0 };
  const fetchImpl = (async (input: RequestInfo | URL, init?: RequestInit) => {
    counter.calls++;
    const url = String(input);
    expect(url).toBe(`${POD_URL}/v1/podcert`);
    expect(new Headers(init?.headers).get('sessiontoken')).toBeNull();
    const answer = await pod.handle({ method: 'GET', path: url.slice(POD_URL.length) });
    return new Response(answer.bodyText, { status: answer.status, headers: answer.headers });
  }) as typeof fetch;
  return { fetch: fetchImpl, counter };
}

const b64 = (value: unknown) => Buffer.from(typeof value === 'string' ? value : JSON.stringify(value)).toString('base64url');

async function refusedWith(jwt: string, options: VerifyUserJwtOptions): Promise<UserJwtVerificationReason> {
  try {
    await verifyUserJwt(jwt, options);
  } catch (error) {
    expect(error).toBeInstanceOf(UserJwtVerificationError);
    // The message never repeats the token or any part of it.
    for (const part of jwt.split('.')) if (part.length > 8) expect(String((error as Error).message)).not.toContain(part);
    return (error as UserJwtVerificationError).reason;
  }
  throw new Error('the token was accepted');
}

describe('verifyUserJwt against the emulator', () => {
  let pod: MockPod;
  let far: string;
  beforeAll(() => {
    pod = createMockPod({ churn: false });
    far = pod.users.find((u) => u.tenantId === 200000)!.id;
  });

  const opts = (fetchImpl: typeof fetch, extra: Partial<VerifyUserJwtOptions> = {}): VerifyUserJwtOptions => ({
    podUrl: POD_URL,
    appId: APP_ID,
    fetch: fetchImpl,
    now: () => NOW,
    ...extra,
  });

  it('serves a real X.509 pod certificate at GET /v1/podcert, and 405 to other methods', async () => {
    const answer = await pod.handle({ method: 'GET', path: '/v1/podcert' });
    expect(answer.status).toBe(200);
    const { certificate } = JSON.parse(answer.bodyText) as { certificate: string };
    expect(certificate).toBe(await mockPodCertificate(pod));
    const x509 = new X509Certificate(certificate);
    expect(x509.subject).toContain('mock-pod');
    expect(x509.publicKey.asymmetricKeyType).toBe('rsa');
    expect(x509.verify(x509.publicKey)).toBe(true);
    expect((await pod.handle({ method: 'POST', path: '/v1/podcert' })).status).toBe(405);
  });

  it('accepts a user JWT the pod signed, keeping every digit of an id above 2^53', async () => {
    expect(BigInt(far)).toBeGreaterThan(BigInt(Number.MAX_SAFE_INTEGER));
    const jwt = await signMockUserJwt(pod, { userId: far, appId: APP_ID, now: NOW });
    expect(Buffer.from(jwt.split('.')[1]!, 'base64url').toString()).toContain(`"id":${far}`);
    const { fetch, counter } = certFetch(pod);
    const user = await verifyUserJwt(jwt, opts(fetch, { issuer: MOCK_POD_JWT_ISSUER }));
    expect(user).toMatchObject({ userId: far, companyId: 200000, tenant: 200000, appId: APP_ID, expiresAt: (Math.floor(NOW / 1000) + 300) * 1000 });
    expect(user.emailAddress).toBe(pod.getUser(far)!.email);
    // The certificate is fetched once and cached for later tokens.
    for (let i = 0; i < 5; i++) await verifyUserJwt(jwt, opts(fetch));
    expect(counter.calls).toBe(1);
  });

  it('refuses a token whose payload was changed after signing', async () => {
    const jwt = await signMockUserJwt(pod, { userId: pod.defaultUserId, appId: APP_ID, now: NOW });
    const [h, p, s] = jwt.split('.') as [string, string, string];
    const payload = Buffer.from(p, 'base64url').toString().replace(`"id":${pod.defaultUserId}`, `"id":${far}`);
    const { fetch } = certFetch(pod);
    expect(await refusedWith(`${h}.${b64(payload)}.${s}`, opts(fetch))).toBe('signature');
  });

  it('refuses a token signed by another key, fetching the certificate again at most once a minute', async () => {
    const other = createMockPod({ churn: false });
    const forged = await signMockUserJwt(other, { userId: other.defaultUserId, appId: APP_ID, now: NOW });
    const { fetch, counter } = certFetch(pod);
    const clock = { t: NOW };
    const source = createPodCertificateSource({ podUrl: POD_URL, fetch, now: () => clock.t });
    for (let i = 0; i < 10; i++) expect(await refusedWith(forged, { appId: APP_ID, certificate: source, now: () => NOW })).toBe('signature');
    expect(counter.calls).toBe(2);
    clock.t += 60_000;
    expect(await refusedWith(forged, { appId: APP_ID, certificate: source, now: () => NOW })).toBe('signature');
    expect(counter.calls).toBe(3);
  });

  it('follows a renewed pod certificate: a token under the new key verifies after one refetch', async () => {
    const renewing = createMockPod({ churn: false });
    const { fetch, counter } = certFetch(renewing);
    const first = await signMockUserJwt(renewing, { userId: renewing.defaultUserId, appId: APP_ID, now: NOW });
    await verifyUserJwt(first, opts(fetch));
    await rotateMockPodCertificate(renewing);
    const second = await signMockUserJwt(renewing, { userId: renewing.defaultUserId, appId: APP_ID, now: NOW });
    expect((await verifyUserJwt(second, opts(fetch))).userId).toBe(renewing.defaultUserId);
    expect(counter.calls).toBe(2);
    await verifyUserJwt(second, opts(fetch));
    expect(counter.calls).toBe(2);
  });

  it('pins the algorithm: none, HS256 keyed with the certificate, and RS256 are refused', async () => {
    const { fetch } = certFetch(pod);
    const pem = await mockPodCertificate(pod);
    const claims = { aud: APP_ID, sub: pod.defaultUserId, exp: Math.floor(NOW / 1000) + 60, user: { id: pod.defaultUserId } };
    const none = `${b64({ alg: 'none', typ: 'JWT' })}.${b64(claims)}.`;
    expect(await refusedWith(none, opts(fetch))).toBe('format');
    const noneSigned = `${b64({ alg: 'none', typ: 'JWT' })}.${b64(claims)}.AAAA`;
    expect(await refusedWith(noneSigned, opts(fetch))).toBe('algorithm');
    const hsInput = `${b64({ alg: 'HS256', typ: 'JWT' })}.${b64(claims)}`;
    const hs = `${hsInput}.${createHmac('sha256', pem).update(hsInput).digest('base64url')}`;
    expect(await refusedWith(hs, opts(fetch))).toBe('algorithm');
    const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const rsInput = `${b64({ alg: 'RS256', typ: 'JWT' })}.${b64(claims)}`;
    const rs = `${rsInput}.${createSign('sha256').update(rsInput).sign(privateKey).toString('base64url')}`;
    expect(await refusedWith(rs, opts(fetch))).toBe('algorithm');
  });

  it.each([
    ['expired beyond the 30 s tolerance', { exp: Math.floor(NOW / 1000) - 31 }, 'expired'],
    ['not valid before a time beyond the tolerance', { nbf: Math.floor(NOW / 1000) + 31 }, 'not-yet-valid'],
    ['issued in the future', { iat: Math.floor(NOW / 1000) + 120 }, 'not-yet-valid'],
    ['without exp', { exp: undefined }, 'claims'],
    ['issued to another app', { aud: 'another-app' }, 'audience'],
    ['issued to a list of other apps', { aud: ['a', 'b'] }, 'audience'],
    ['from another issuer', { iss: 'evil' }, 'issuer'],
    ['with no user', { user: undefined }, 'user-id'],
    ['with user.id 0', { user: { id: 0 } }, 'user-id'],
    ['with a sub naming someone else', { sub: '12987981103299' }, 'user-id'],
    ['with a negative companyId', { user: { id: 12987981103203, companyId: -1 } }, 'company-id'],
  ] as const)('refuses a pod-signed token %s', async (_name, claims, reason) => {
    const jwt = await signMockUserJwt(pod, { userId: pod.defaultUserId, appId: APP_ID, now: NOW, claims });
    const { fetch } = certFetch(pod);
    expect(await refusedWith(jwt, opts(fetch, { issuer: MOCK_POD_JWT_ISSUER }))).toBe(reason);
  });

  it('allows a small clock skew either way', async () => {
    const { fetch } = certFetch(pod);
    const late = await signMockUserJwt(pod, { userId: pod.defaultUserId, appId: APP_ID, now: NOW - 300_000 - 20_000 });
    await expect(verifyUserJwt(late, opts(fetch))).resolves.toMatchObject({ userId: pod.defaultUserId });
    const early = await signMockUserJwt(pod, { userId: pod.defaultUserId, appId: APP_ID, now: NOW, claims: { nbf: Math.floor(NOW / 1000) + 20 } });
    await expect(verifyUserJwt(early, opts(fetch))).resolves.toMatchObject({ userId: pod.defaultUserId });
    await expect(verifyUserJwt(late, opts(fetch, { clockToleranceMs: 3_600_000 }))).rejects.toThrow(RangeError);
  });

  it.each([
    ['empty', ''],
    ['one part', 'abc'],
    ['two parts', 'a.b'],
    ['four parts', 'a.b.c.d'],
    ['17,000 characters', `${'a'.repeat(17_000)}.b.c`],
    ['a space', 'a b.c.d'],
  ])('refuses a token of %s as malformed', async (_name, jwt) => {
    const { fetch, counter } = certFetch(pod);
    expect(await refusedWith(jwt, opts(fetch))).toBe('format');
    expect(counter.calls).toBe(0);
  });

  it("says 'certificate' (answer 503, not 401) when the pod cannot give its certificate", async () => {
    const jwt = await signMockUserJwt(pod, { userId: pod.defaultUserId, appId: APP_ID, now: NOW });
    const down = (async () => {
      throw new TypeError('fetch failed');
    }) as typeof fetch;
    expect(await refusedWith(jwt, opts(down))).toBe('certificate');
    const html = (async () => new Response('<html>maintenance</html>', { status: 200 })) as typeof fetch;
    expect(await refusedWith(jwt, opts(html))).toBe('certificate');
    const failing = (async () => new Response('{"code":500}', { status: 500 })) as typeof fetch;
    expect(await refusedWith(jwt, opts(failing))).toBe('certificate');
  });

  it('needs an app id and a certificate source', async () => {
    await expect(verifyUserJwt('a.b.c', { appId: '', podUrl: POD_URL })).rejects.toThrow(TypeError);
    await expect(verifyUserJwt('a.b.c', { appId: APP_ID })).rejects.toThrow(TypeError);
  });
});
