// @vitest-environment node
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EXAMPLE_APP_ID, startExampleBackend, type ExampleBackend } from '../../examples/backend/server';
import { createMockPod, signMockUserJwt } from '../../src/mock-pod';

/**
 * The flow docs/extension-apps.md walks through, over HTTP against the emulator: a user JWT the
 * pod signed -> verified by the backend -> an on-behalf-of session for that user -> the proxy
 * calls the pod as that user.
 */
describe('extension app: verified JWT -> on-behalf-of session -> proxy', () => {
  let backend: ExampleBackend;
  let farUser: string;

  beforeAll(async () => {
    backend = await startExampleBackend({ port: 0, storybookDir: '/nonexistent-storybook-build' });
    farUser = backend.pod.users.find((u) => u.tenantId === 200000)!.id;
  });

  afterAll(async () => {
    await backend?.close();
  });

  const signIn = (jwt: string) =>
    fetch(`${backend.url}/api/session`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', origin: backend.url },
      body: JSON.stringify({ jwt }),
    });

  it('signs in with the pod-signed JWT and reads presence as that user, every digit of an id above 2^53 kept', async () => {
    const jwt = await (await fetch(`${backend.url}/dev/user-jwt?userId=${farUser}`)).text();
    const session = await signIn(jwt);
    expect(session.status).toBe(200);
    expect(await session.json()).toEqual({ userId: farUser });
    const cookie = session.headers.get('set-cookie')!;
    expect(cookie).toMatch(/HttpOnly/);
    const own = await fetch(`${backend.url}/api/symphony/pod/v2/user/presence`, { headers: { cookie: cookie.split(';')[0]! } });
    expect(own.status).toBe(200);
    expect(await own.text()).toContain(`"userId":${farUser}`);
    // The pod served it on a session of that user: the OBO session opened after verification.
    expect(backend.pod.ledger.at(-1)).toMatchObject({ route: 'getOwn', sessionUserId: farUser, status: 200 });
  });

  it('answers 401 without an app session, and to tokens that are not the pod’s for this app', async () => {
    expect((await fetch(`${backend.url}/api/symphony/pod/v2/user/presence`)).status).toBe(401);
    const good = await (await fetch(`${backend.url}/dev/user-jwt`)).text();
    const [h, p, s] = good.split('.') as [string, string, string];
    const payload = Buffer.from(p, 'base64url').toString().replace(`"id":${backend.pod.defaultUserId}`, `"id":${farUser}`);
    const tampered = `${h}.${Buffer.from(payload).toString('base64url')}.${s}`;
    const otherPod = await signMockUserJwt(createMockPod(), { userId: backend.pod.defaultUserId, appId: EXAMPLE_APP_ID });
    const otherApp = await signMockUserJwt(backend.pod, { userId: backend.pod.defaultUserId, appId: 'another-app' });
    const expired = await signMockUserJwt(backend.pod, { userId: backend.pod.defaultUserId, appId: EXAMPLE_APP_ID, now: Date.now() - 3_600_000 });
    for (const [name, jwt] of Object.entries({ tampered, otherPod, otherApp, expired, garbage: 'x.y.z' })) {
      const answer = await signIn(jwt);
      expect(answer.status, name).toBe(401);
      expect(answer.headers.get('set-cookie'), name).toBeNull();
    }
  });

  it('refuses a cross-site page that rides on the app session cookie', async () => {
    const session = await signIn(await (await fetch(`${backend.url}/dev/user-jwt`)).text());
    const cookie = session.headers.get('set-cookie')!.split(';')[0]!;
    const attack = await fetch(`${backend.url}/api/symphony/pod/v2/user/presence`, {
      method: 'POST',
      headers: { cookie, 'content-type': 'text/plain', origin: 'https://evil.example', 'sec-fetch-site': 'cross-site' },
      body: '{"category":"OFFLINE"}',
    });
    expect(attack.status).toBe(403);
    const form = await fetch(`${backend.url}/api/symphony/pod/v2/user/presence`, {
      method: 'POST',
      headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' },
      body: 'category=OFFLINE',
    });
    expect(form.status).toBe(415);
    const own = await fetch(`${backend.url}/api/symphony/pod/v2/user/presence`, {
      method: 'POST',
      headers: { cookie, 'content-type': 'application/json', origin: backend.url, 'sec-fetch-site': 'same-origin' },
      body: '{"category":"BUSY"}',
    });
    expect(own.status).toBe(200);
  });
});
