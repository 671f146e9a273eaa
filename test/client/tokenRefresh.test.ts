import { describe, expect, it, vi } from 'vitest';
import { createSymphonyClient, isPresenceApiError, type PresenceApiError } from '../../src/client';
import { createFakeFetch, json, jsonText, type RecordedCall } from './fakeFetch';

const POD = 'https://acme.symphony.com/pod';
const OK = () => jsonText('{"category":"AVAILABLE","userId":1,"timestamp":5}');
const UNAUTHORIZED = () => json({ code: 401, message: 'Invalid session' }, 401);

/** A provider handing out tok-0, then tok-1, tok-2, ... on each forced refresh. */
function rotatingProvider() {
  let generation = 0;
  return vi.fn(async ({ forceRefresh }: { forceRefresh: boolean }) => {
    if (forceRefresh) generation++;
    return `tok-${generation}`;
  });
}

/** A pod that accepts only `valid` as token. */
const podAccepting = (valid: () => string) => (call: RecordedCall) =>
  call.request.headers.get('sessiontoken') === valid() ? OK() : UNAUTHORIZED();

async function rejection(promise: Promise<unknown>): Promise<PresenceApiError> {
  const error = await promise.then(
    () => {
      throw new Error('expected a rejection');
    },
    (e: unknown) => e,
  );
  expect(isPresenceApiError(error)).toBe(true);
  return error as PresenceApiError;
}

describe('session token refresh', () => {
  it('refreshes once on 401 and retries with the new token', async () => {
    const getSessionToken = rotatingProvider();
    const fake = createFakeFetch(podAccepting(() => 'tok-1'));
    const client = createSymphonyClient({ podUrl: POD, fetch: fake.fetch, getSessionToken });
    const presence = await client.getUserPresence('1');
    expect(presence.category).toBe('AVAILABLE');
    expect(getSessionToken.mock.calls).toEqual([[{ forceRefresh: false }], [{ forceRefresh: true }]]);
    expect(fake.calls.map((c) => c.request.headers.get('sessiontoken'))).toEqual(['tok-0', 'tok-1']);
  });

  it('retries POST bodies unchanged', async () => {
    const fake = createFakeFetch(podAccepting(() => 'tok-1'));
    const client = createSymphonyClient({ podUrl: POD, fetch: fake.fetch, getSessionToken: rotatingProvider() });
    await client.registerInterest(['9223372036854775807']);
    expect(fake.calls.map((c) => c.body)).toEqual(['[9223372036854775807]', '[9223372036854775807]']);
  });

  it('two 401s in a row: unauthorized after exactly 2 fetches and 2 token calls', async () => {
    const getSessionToken = rotatingProvider();
    const fake = createFakeFetch(UNAUTHORIZED);
    const client = createSymphonyClient({ podUrl: POD, fetch: fake.fetch, getSessionToken });
    const error = await rejection(client.getOwnPresence());
    expect(error).toMatchObject({ kind: 'unauthorized', status: 401, code: 401, serverMessage: 'Invalid session' });
    expect(fake.calls).toHaveLength(2);
    expect(getSessionToken).toHaveBeenCalledTimes(2);
  });

  it('without a token provider a 401 is final (the proxy owns the token)', async () => {
    const fake = createFakeFetch(UNAUTHORIZED);
    const client = createSymphonyClient({ podUrl: '/api/symphony/pod', fetch: fake.fetch });
    expect((await rejection(client.getOwnPresence())).kind).toBe('unauthorized');
    expect(fake.calls).toHaveLength(1);
  });

  it.each([
    ['throws', () => {
      throw new Error('login expired');
    }],
    ['rejects', () => Promise.reject(new Error('login expired'))],
  ])('a provider that %s gives unauthorized, keeps the cause, and sends nothing', async (_label, provider) => {
    const fake = createFakeFetch(OK);
    const client = createSymphonyClient({ podUrl: POD, fetch: fake.fetch, getSessionToken: provider });
    const error = await rejection(client.getOwnPresence());
    expect(error).toMatchObject({ kind: 'unauthorized', status: 0, endpoint: 'GET /v2/user/presence' });
    expect(((error.cause as Error).cause as Error).message).toBe('login expired');
    expect(fake.calls).toHaveLength(0);
  });

  it.each([
    ['an empty string', ''],
    ['a number', 42],
    ['undefined', undefined],
  ])('a provider returning %s gives unauthorized without a request', async (_label, value) => {
    const fake = createFakeFetch(OK);
    const client = createSymphonyClient({
      podUrl: POD,
      fetch: fake.fetch,
      getSessionToken: () => value as unknown as string,
    });
    expect((await rejection(client.getOwnPresence())).kind).toBe('unauthorized');
    expect(fake.calls).toHaveLength(0);
  });

  it('a failing forced refresh gives unauthorized after one fetch', async () => {
    const getSessionToken = vi.fn(({ forceRefresh }: { forceRefresh: boolean }) => {
      if (forceRefresh) throw new Error('refresh failed');
      return 'tok-0';
    });
    const fake = createFakeFetch(UNAUTHORIZED);
    const client = createSymphonyClient({ podUrl: POD, fetch: fake.fetch, getSessionToken });
    const error = await rejection(client.getOwnPresence());
    expect(error).toMatchObject({ kind: 'unauthorized' });
    expect(fake.calls).toHaveLength(1);
  });

  it('concurrent 401s share one forced refresh', async () => {
    const getSessionToken = rotatingProvider();
    const fake = createFakeFetch((call) => {
      if (call.request.headers.get('sessiontoken') !== 'tok-1') return UNAUTHORIZED();
      const uid = /\/v3\/user\/([0-9]+)\/presence/.exec(call.url)?.[1] ?? '0';
      return jsonText(`{"category":"BUSY","userId":${uid}}`);
    });
    const client = createSymphonyClient({ podUrl: POD, fetch: fake.fetch, getSessionToken });
    const ids = ['1', '2', '3', '4', '9223372036854775807'];
    const results = await Promise.all(ids.map((id) => client.getUserPresence(id)));
    expect(results.map((p) => p.userId)).toEqual(ids);
    expect(getSessionToken.mock.calls.filter(([o]) => o.forceRefresh)).toHaveLength(1);
    expect(fake.calls).toHaveLength(10);
    expect(fake.calls.slice(5).every((c) => c.request.headers.get('sessiontoken') === 'tok-1')).toBe(true);
  });

  it('a 401 arriving just after a refresh finished reuses the refreshed token', async () => {
    const getSessionToken = rotatingProvider();
    let releaseSlow: () => void = () => undefined;
    const fake = createFakeFetch((call, index) => {
      // Request 0 (tok-0) is slow; request 1 (tok-0) fails fast and refreshes; then 0 fails.
      if (index === 0) {
        return new Promise<Response>((resolve) => {
          releaseSlow = () => resolve(UNAUTHORIZED());
        });
      }
      return podAccepting(() => 'tok-1')(call);
    });
    const client = createSymphonyClient({ podUrl: POD, fetch: fake.fetch, getSessionToken });
    const slow = client.getOwnPresence();
    await vi.waitFor(() => expect(fake.calls).toHaveLength(1), { interval: 1 });
    await client.getOwnPresence();
    releaseSlow();
    await expect(slow).resolves.toMatchObject({ category: 'AVAILABLE' });
    expect(getSessionToken.mock.calls.filter(([o]) => o.forceRefresh)).toHaveLength(1);
    expect(fake.calls.map((c) => c.request.headers.get('sessiontoken'))).toEqual(['tok-0', 'tok-0', 'tok-1', 'tok-1']);
  });

  it('a later expiry of the refreshed token triggers a new refresh', async () => {
    const getSessionToken = rotatingProvider();
    let valid = 'tok-1';
    const fake = createFakeFetch(podAccepting(() => valid));
    const client = createSymphonyClient({ podUrl: POD, fetch: fake.fetch, getSessionToken });
    await client.getOwnPresence();
    valid = 'tok-2';
    await client.getOwnPresence();
    expect(getSessionToken.mock.calls.filter(([o]) => o.forceRefresh)).toHaveLength(2);
  });

  it('a provider that hands back the same token on refresh is asked again next time', async () => {
    const getSessionToken = vi.fn((_o: { forceRefresh: boolean }) => 'stale');
    const fake = createFakeFetch(UNAUTHORIZED);
    const client = createSymphonyClient({ podUrl: POD, fetch: fake.fetch, getSessionToken });
    await rejection(client.getOwnPresence());
    await rejection(client.getOwnPresence());
    expect(getSessionToken.mock.calls.filter(([o]) => o.forceRefresh)).toHaveLength(2);
  });

  it('aborting during the forced refresh rejects with aborted and does not retry', async () => {
    const controller = new AbortController();
    const getSessionToken = vi.fn(({ forceRefresh }: { forceRefresh: boolean }) =>
      forceRefresh ? new Promise<string>(() => undefined) : 'tok-0',
    );
    const fake = createFakeFetch(UNAUTHORIZED);
    const client = createSymphonyClient({ podUrl: POD, fetch: fake.fetch, getSessionToken });
    const pending = rejection(client.getOwnPresence({ signal: controller.signal }));
    await vi.waitFor(() => expect(getSessionToken).toHaveBeenCalledTimes(2), { interval: 1 });
    controller.abort();
    expect((await pending).kind).toBe('aborted');
    expect(fake.calls).toHaveLength(1);
  });
});
