import { setupServer } from 'msw/node';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { createMockPod, DEFAULT_SESSION_TOKEN } from '../../src/mock-pod';
import { createMockPodHandlers } from '../../src/mock-pod/msw';
import { parseJsonLossless } from '../../src/model';

const ABSOLUTE = 'https://acme.symphony.com/pod';
const RELATIVE = '/api/symphony/pod';

let pod = createMockPod({ churn: false });
const server = setupServer();

beforeAll(() => server.listen({ onUnhandledRequest: 'error' }));
afterEach(() => server.resetHandlers());
afterAll(() => server.close());

function use(baseUrl: string) {
  pod = createMockPod({ churn: false });
  server.use(...createMockPodHandlers(pod, { baseUrl }));
}

const headers = { sessionToken: DEFAULT_SESSION_TOKEN, 'content-type': 'application/json' };

describe.each([
  ['an absolute pod URL', ABSOLUTE, ABSOLUTE],
  ['an absolute pod URL with a trailing slash', `${ABSOLUTE}/`, ABSOLUTE],
  // Node's fetch needs absolute URLs; the handler itself is registered with the relative path.
  ['a relative proxy path', RELATIVE, `${location.origin}${RELATIVE}`],
])('msw handlers with %s', (_name, baseUrl, fetchBase) => {
  it('serves own presence', async () => {
    use(baseUrl);
    const res = await fetch(`${fetchBase}/v2/user/presence`, { headers });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/json');
    expect(await res.json()).toMatchObject({ userId: Number(pod.defaultUserId), category: 'AVAILABLE' });
    expect(pod.ledger[0]).toMatchObject({ route: 'getOwn', url: '/v2/user/presence' });
  });

  it('round-trips an id above 2^53 through register and read, digit for digit', async () => {
    use(baseUrl);
    const big = pod.users.find((u) => BigInt(u.id) > 2n ** 53n)!.id;
    const reg = await fetch(`${fetchBase}/v1/user/presence/register`, { method: 'POST', headers, body: `[${big}]` });
    expect(reg.status).toBe(200);
    const res = await fetch(`${fetchBase}/v3/user/${big}/presence?local=false`, { headers });
    const text = await res.text();
    expect(text).toContain(`"userId":${big}`);
    expect((parseJsonLossless(text) as { userId: string }).userId).toBe(big);
    expect(pod.ledger[1]).toMatchObject({ url: `/v3/user/${big}/presence?local=false`, userId: big });

    const again = await fetch(`${fetchBase}/v3/user/${big}/presence`, { headers });
    expect(again.status).toBe(429);
    expect(Number(again.headers.get('retry-after'))).toBeGreaterThan(290);
  });

  it('passes errors and methods through', async () => {
    use(baseUrl);
    expect((await fetch(`${fetchBase}/v2/user/presence`)).status).toBe(401);
    const wrong = await fetch(`${fetchBase}/v2/users/presence`, { method: 'DELETE', headers });
    expect(wrong.status).toBe(405);
    const set = await fetch(`${fetchBase}/v2/user/presence?soft=false`, {
      method: 'POST',
      headers,
      body: JSON.stringify({ category: 'BUSY' }),
    });
    expect(await set.json()).toMatchObject({ category: 'BUSY' });
    expect(pod.getUser(pod.defaultUserId)?.category).toBe('BUSY');
  });

  it('passes injected empty bodies as no body', async () => {
    use(baseUrl);
    pod.faults.add({ route: 'getOwn', status: 204 });
    const res = await fetch(`${fetchBase}/v2/user/presence`, { headers });
    expect(res.status).toBe(204);
    expect(await res.text()).toBe('');
  });
});

it('leaves other paths alone', async () => {
  use(ABSOLUTE);
  // msw reports the unhandled request on the console before failing it.
  const quiet = vi.spyOn(console, 'error').mockImplementation(() => undefined);
  await expect(fetch(`${ABSOLUTE}/v1/admin/user/list`, { headers })).rejects.toThrow();
  expect(quiet).toHaveBeenCalled();
  quiet.mockRestore();
  expect(pod.ledger).toEqual([]);
});
