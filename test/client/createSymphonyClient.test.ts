import { afterEach, describe, expect, it, vi } from 'vitest';
import { createSymphonyClient } from '../../src/client';
import { createFakeFetch, json, jsonText, type RecordedCall } from './fakeFetch';

const POD = 'https://acme.symphony.com/pod';
const TOKEN = 'tok-3f9a1c';
const INT64_MAX = '9223372036854775807';
const TWO_53_PLUS_1 = '9007199254740993';

const presenceText = (userId: string, category = 'AVAILABLE', timestamp = 1533928483800) =>
  `{"category":"${category}","userId":${userId},"timestamp":${timestamp}}`;

function setup(respond: (call: RecordedCall, index: number) => Response = () => jsonText(presenceText('14568529068038'))) {
  const fake = createFakeFetch(respond);
  const getSessionToken = vi.fn(() => TOKEN);
  const client = createSymphonyClient({ podUrl: `${POD}/`, fetch: fake.fetch, getSessionToken });
  return { client, fake, getSessionToken };
}

const only = (calls: RecordedCall[]): RecordedCall => {
  expect(calls).toHaveLength(1);
  return calls[0]!;
};

describe('createSymphonyClient endpoints', () => {
  afterEach(() => {
    vi.unstubAllGlobals();
  });

  it('GET /v2/user/presence reads the own presence', async () => {
    const { client, fake } = setup();
    const presence = await client.getOwnPresence();
    const call = only(fake.calls);
    expect(call.request.method).toBe('GET');
    expect(call.url).toBe(`${POD}/v2/user/presence`);
    expect(call.body).toBeUndefined();
    expect(call.request.headers.get('accept')).toBe('application/json');
    expect(call.request.headers.get('sessiontoken')).toBe(TOKEN);
    expect(call.request.headers.has('content-type')).toBe(false);
    expect(presence).toEqual({ userId: '14568529068038', category: 'AVAILABLE', isUnknown: false, timestamp: 1533928483800 });
  });

  it.each([
    [undefined, `${POD}/v2/user/presence`],
    [true, `${POD}/v2/user/presence?soft=true`],
    [false, `${POD}/v2/user/presence?soft=false`],
  ])('POST /v2/user/presence with soft=%s', async (soft, url) => {
    const { client, fake } = setup(() => jsonText(presenceText('14568529068038', 'BUSY')));
    const presence = await client.setOwnPresence({ category: 'BUSY', soft });
    const call = only(fake.calls);
    expect(call.request.method).toBe('POST');
    expect(call.url).toBe(url);
    expect(call.body).toBe('{"category":"BUSY"}');
    expect(call.request.headers.get('content-type')).toBe('application/json');
    expect(call.request.headers.get('accept')).toBe('application/json');
    expect(call.request.headers.get('sessiontoken')).toBe(TOKEN);
    expect(presence.category).toBe('BUSY');
  });

  it('POST /v1/user/presence/register sends a JSON array of bare integers keeping every digit', async () => {
    const { client, fake } = setup(() => json({ format: 'TEXT', message: 'OK' }));
    await expect(
      client.registerInterest([INT64_MAX, TWO_53_PLUS_1, 7215545078461, 12n, '007215545058313']),
    ).resolves.toBeUndefined();
    const call = only(fake.calls);
    expect(call.request.method).toBe('POST');
    expect(call.url).toBe(`${POD}/v1/user/presence/register`);
    expect(call.body).toBe(`[${INT64_MAX},${TWO_53_PLUS_1},7215545078461,12,7215545058313]`);
    expect(call.request.headers.get('content-type')).toBe('application/json');
    expect(call.request.headers.get('sessiontoken')).toBe(TOKEN);
  });

  it('register sends each id once and sends nothing for an empty list', async () => {
    const { client, fake } = setup(() => new Response(null, { status: 204 }));
    await client.registerInterest([]);
    expect(fake.calls).toHaveLength(0);
    await client.registerInterest(['5', 5, 5n, '6']);
    expect(only(fake.calls).body).toBe('[5,6]');
  });

  it.each([
    ['an empty body', () => new Response('', { status: 200 })],
    ['no content', () => new Response(null, { status: 204 })],
    ['a SuccessResponse', () => json({ format: 'TEXT', message: 'OK' })],
    ['plain text', () => new Response('OK', { status: 202 })],
  ])('register accepts any 2xx (%s)', async (_label, respond) => {
    const { client } = setup(respond);
    await expect(client.registerInterest(['1'])).resolves.toBeUndefined();
  });

  it.each([
    [undefined, ''],
    [true, '?local=true'],
    [false, '?local=false'],
  ])('GET /v3/user/{uid}/presence with local=%s', async (local, query) => {
    const { client, fake } = setup(() => jsonText(presenceText(INT64_MAX, 'AWAY')));
    const presence = await client.getUserPresence(INT64_MAX, { local });
    const call = only(fake.calls);
    expect(call.request.method).toBe('GET');
    expect(call.url).toBe(`${POD}/v3/user/${INT64_MAX}/presence${query}`);
    expect(call.body).toBeUndefined();
    expect(call.request.headers.get('sessiontoken')).toBe(TOKEN);
    expect(presence).toEqual({ userId: INT64_MAX, category: 'AWAY', isUnknown: false, timestamp: 1533928483800 });
  });

  it('GET /v3/user/{uid}/presence fills in the requested id when the answer omits it', async () => {
    const { client } = setup(() => jsonText('{"category":"OFFLINE","timestamp":1}'));
    const presence = await client.getUserPresence(TWO_53_PLUS_1);
    expect(presence.userId).toBe(TWO_53_PLUS_1);
  });

  it('accepts ids as safe numbers and bigints and canonicalises them', async () => {
    const { client, fake } = setup(() => jsonText(presenceText('42')));
    await client.getUserPresence(42);
    await client.getUserPresence(42n);
    await client.getUserPresence('00042');
    expect(fake.calls.map((c) => c.url)).toEqual(Array(3).fill(`${POD}/v3/user/42/presence`));
  });

  it('GET /v2/users/presence sends lastUserId and limit only when given', async () => {
    const { client, fake } = setup(() => jsonText('[]'));
    await client.listPresence();
    await client.listPresence({ limit: 5000 });
    await client.listPresence({ lastUserId: INT64_MAX, limit: 1 });
    expect(fake.calls.map((c) => c.url)).toEqual([
      `${POD}/v2/users/presence`,
      `${POD}/v2/users/presence?limit=5000`,
      `${POD}/v2/users/presence?lastUserId=${INT64_MAX}&limit=1`,
    ]);
    for (const call of fake.calls) {
      expect(call.request.method).toBe('GET');
      expect(call.request.headers.get('sessiontoken')).toBe(TOKEN);
    }
  });

  it('parses a page with ids above 2^53 without losing digits', async () => {
    const { client } = setup(() =>
      jsonText(
        `[${presenceText(TWO_53_PLUS_1, 'AVAILABLE', 1)},${presenceText(INT64_MAX, 'OFFLINE', 2)},${presenceText('974217539631', 'BUSY', 3)}]`,
      ),
    );
    const page = await client.listPresence();
    expect(page.map((p) => p.userId)).toEqual([TWO_53_PLUS_1, INT64_MAX, '974217539631']);
    expect(page.map((p) => p.category)).toEqual(['AVAILABLE', 'OFFLINE', 'BUSY']);
  });

  it('parses the own presence with a userId above 2^53', async () => {
    const { client } = setup(() => jsonText(presenceText(TWO_53_PLUS_1)));
    expect((await client.getOwnPresence()).userId).toBe(TWO_53_PLUS_1);
  });

  it.each([
    ['https://acme.symphony.com/pod', 'https://acme.symphony.com/pod/v2/user/presence'],
    ['https://acme.symphony.com/pod///', 'https://acme.symphony.com/pod/v2/user/presence'],
    ['/api/symphony/pod', '/api/symphony/pod/v2/user/presence'],
    ['/api/symphony/pod/', '/api/symphony/pod/v2/user/presence'],
    ['', '/v2/user/presence'],
  ])('podUrl %j gives %s', async (podUrl, url) => {
    const fake = createFakeFetch(() => jsonText(presenceText('1')));
    const client = createSymphonyClient({ podUrl, fetch: fake.fetch });
    expect(client.podUrl).toBe(podUrl);
    await client.getOwnPresence();
    expect(only(fake.calls).url).toBe(url);
  });

  it.each(['https://acme.symphony.com/pod?x=1', '/pod#frag'])('refuses podUrl %j', (podUrl) => {
    expect(() => createSymphonyClient({ podUrl })).toThrow(TypeError);
  });

  it('looks up the global fetch at call time', async () => {
    const client = createSymphonyClient({ podUrl: '/api/symphony/pod' });
    const fake = createFakeFetch(() => jsonText(presenceText('7')));
    vi.stubGlobal('fetch', fake.fetch);
    await client.getOwnPresence();
    expect(only(fake.calls).url).toBe('/api/symphony/pod/v2/user/presence');
  });

  it('calls fetch without a receiver, so window.fetch passed as an option does not throw "Illegal invocation"', async () => {
    const receivers: unknown[] = [];
    const fetchImpl = function (this: unknown) {
      receivers.push(this);
      return Promise.resolve(jsonText(presenceText('7')));
    } as unknown as typeof fetch;
    await createSymphonyClient({ podUrl: '/pod', fetch: fetchImpl }).getOwnPresence();
    expect(receivers).toEqual([undefined]);
  });

  describe('headers', () => {
    it('adds user headers but never lets them replace sessionToken, whatever their case', async () => {
      const fake = createFakeFetch(() => jsonText(presenceText('1')));
      const client = createSymphonyClient({
        podUrl: POD,
        fetch: fake.fetch,
        getSessionToken: () => TOKEN,
        headers: { 'X-Trace': 'abc', SESSIONTOKEN: 'user-supplied', sessionToken: 'user-supplied-2' },
      });
      await client.getOwnPresence();
      const { request } = only(fake.calls);
      expect(request.headers.get('x-trace')).toBe('abc');
      expect(request.headers.get('sessiontoken')).toBe(TOKEN);
    });

    it('sends no sessionToken header without a token provider (a proxy adds it)', async () => {
      const fake = createFakeFetch(() => jsonText(presenceText('1')));
      await createSymphonyClient({ podUrl: '/api/symphony/pod', fetch: fake.fetch }).getOwnPresence();
      const call = only(fake.calls);
      expect(call.request.headers.has('sessiontoken')).toBe(false);
      expect(call.init?.redirect).toBeUndefined();
    });

    it('refuses redirects when a token is attached, so it cannot follow one to another origin', async () => {
      const { client, fake } = setup();
      await client.getOwnPresence();
      expect(only(fake.calls).init?.redirect).toBe('error');
    });

    it('asks the provider without forceRefresh before every request and awaits async providers', async () => {
      const fake = createFakeFetch(() => jsonText(presenceText('1')));
      const getSessionToken = vi.fn(async () => TOKEN);
      const client = createSymphonyClient({ podUrl: POD, fetch: fake.fetch, getSessionToken });
      await client.getOwnPresence();
      await client.getUserPresence('5').catch(() => undefined);
      expect(getSessionToken.mock.calls).toEqual([[{ forceRefresh: false }], [{ forceRefresh: false }]]);
      expect(fake.calls.every((c) => c.request.headers.get('sessiontoken') === TOKEN)).toBe(true);
    });

    it('rejects a bad extra header when the client is created, not on every call', () => {
      expect(() => createSymphonyClient({ podUrl: POD, headers: { 'bad header': 'x' } })).toThrow(TypeError);
    });
  });

  it('keeps unknown categories verbatim and flags them', async () => {
    const { client } = setup(() => jsonText(presenceText('3', 'FOCUSING')));
    const presence = await client.getUserPresence('3');
    expect(presence).toMatchObject({ category: 'FOCUSING', isUnknown: true });
  });

  it('sends any category string the caller chooses', async () => {
    const { client, fake } = setup(() => jsonText(presenceText('3', 'FOCUSING')));
    await client.setOwnPresence({ category: 'FOCUSING' });
    expect(only(fake.calls).body).toBe('{"category":"FOCUSING"}');
  });
});
