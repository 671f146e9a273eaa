// @vitest-environment node
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMockPod, DEFAULT_SESSION_TOKEN } from '../../src/mock-pod';
import { createMockPodMiddleware, startMockPodServer, type MockPodServer } from '../../src/mock-pod/node';
import { parseJsonLossless } from '../../src/model';

const headers = { sessionToken: DEFAULT_SESSION_TOKEN, 'content-type': 'application/json' };

describe('startMockPodServer', () => {
  const pod = createMockPod({ churn: false });
  let server: MockPodServer;

  beforeAll(async () => {
    server = await startMockPodServer(pod, { port: 0 });
  });
  afterAll(async () => {
    await server.close();
  });

  it('listens on 127.0.0.1 with a random port under /pod', () => {
    expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/pod$/);
    expect(server.port).toBeGreaterThan(0);
  });

  it('serves own presence over real HTTP', async () => {
    const res = await fetch(`${server.url}/v2/user/presence`, { headers });
    expect(res.status).toBe(200);
    expect(res.headers.get('access-control-allow-origin')).toBe('*');
    expect(await res.json()).toMatchObject({ userId: Number(pod.defaultUserId), category: 'AVAILABLE' });
  });

  it('round-trips an id above 2^53 and exposes Retry-After', async () => {
    const big = pod.users.find((u) => BigInt(u.id) > 2n ** 53n)!.id;
    expect((await fetch(`${server.url}/v1/user/presence/register`, { method: 'POST', headers, body: `[${big}]` })).status).toBe(200);
    const text = await (await fetch(`${server.url}/v3/user/${big}/presence`, { headers })).text();
    expect((parseJsonLossless(text) as { userId: string }).userId).toBe(big);
    const limited = await fetch(`${server.url}/v3/user/${big}/presence`, { headers });
    expect(limited.status).toBe(429);
    expect(limited.headers.get('retry-after')).toMatch(/^\d+$/);
    expect(limited.headers.get('access-control-expose-headers')).toContain('Retry-After');
  });

  it('answers CORS preflights allowing the sessionToken header', async () => {
    const res = await fetch(`${server.url}/v2/user/presence`, {
      method: 'OPTIONS',
      headers: {
        origin: 'http://localhost:6006',
        'access-control-request-method': 'POST',
        'access-control-request-headers': 'sessiontoken,content-type',
      },
    });
    expect(res.status).toBe(204);
    const allowed = res.headers.get('access-control-allow-headers')!.toLowerCase();
    expect(allowed).toContain('sessiontoken');
    expect(allowed).toContain('content-type');
    expect(res.headers.get('access-control-allow-methods')).toContain('POST');
  });

  it('refuses bodies over 1 MiB with 413 and keeps serving', async () => {
    const huge = `[${'1,'.repeat(600_000)}1]`;
    const res = await fetch(`${server.url}/v1/user/presence/register`, { method: 'POST', headers, body: huge });
    expect(res.status).toBe(413);
    expect(await res.json()).toMatchObject({ code: 413 });
    expect((await fetch(`${server.url}/v2/user/presence`, { headers })).status).toBe(200);
  });

  it('answers 404 outside the base path', async () => {
    const res = await fetch(`${server.url.replace(/\/pod$/, '')}/other`, { headers });
    expect(res.status).toBe(404);
  });
});

describe('createMockPodMiddleware', () => {
  const pod = createMockPod({ churn: false });
  let http: Server;
  let origin: string;

  beforeAll(async () => {
    const middleware = createMockPodMiddleware(pod, { basePath: '/api/pod/', maxBodyBytes: 64 });
    http = createServer((req, res) =>
      middleware(req, res, () => {
        res.writeHead(200, { 'content-type': 'text/plain' });
        res.end('app');
      }),
    );
    await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
    origin = `http://127.0.0.1:${(http.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    await new Promise<void>((resolve) => {
      http.close(() => resolve());
      http.closeAllConnections();
    });
  });

  it('serves the pod under its base path and hands other requests to next()', async () => {
    const res = await fetch(`${origin}/api/pod/v2/users/presence?limit=2`, { headers });
    expect(res.status).toBe(200);
    expect(await res.json()).toHaveLength(2);
    expect(pod.ledger[0]?.url).toBe('/v2/users/presence?limit=2');
    expect(await (await fetch(`${origin}/index.html`)).text()).toBe('app');
    expect(await (await fetch(`${origin}/api/podcast`)).text()).toBe('app');
  });

  it('applies its own body limit', async () => {
    const res = await fetch(`${origin}/api/pod/v1/user/presence/register`, {
      method: 'POST',
      headers,
      body: `[${'12987981103203,'.repeat(10)}12987981103203]`,
    });
    expect(res.status).toBe(413);
  });
});
