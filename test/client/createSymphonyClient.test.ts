import { afterEach, describe, expect, it, vi } from 'vitest';
import { createSymphonyClient, PresenceApiError, type SymphonyClient } from '../../src/client';
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

describe('createSymphonyClient: edges a mutation run found untested', () => {
  const withFetch = (respond: Parameters<typeof createFakeFetch>[0], getSessionToken?: () => string | Promise<string>) => {
    const fake = createFakeFetch(respond);
    const client = createSymphonyClient({ podUrl: POD, fetch: fake.fetch, ...(getSessionToken ? { getSessionToken } : {}) });
    return { client, fake };
  };
  const own = () => json({ category: 'AVAILABLE', userId: 12, timestamp: 1 });
  const rejection = (p: Promise<unknown>) => p.then(() => Promise.reject(new Error('expected a rejection')), (e: unknown) => e as Record<string, unknown>);

  it('sessionKey(): undefined without a token provider, the token digest with one, unauthorized when the provider fails', async () => {
    expect(await withFetch(own).client.sessionKey?.()).toBeUndefined();
    const { sessionKeyOf } = await import('../../src/client');
    expect(await withFetch(own, () => TOKEN).client.sessionKey?.()).toBe(sessionKeyOf(TOKEN));
    const failing = withFetch(own, () => Promise.reject(new Error('sso down')));
    expect(await rejection(Promise.resolve(failing.client.sessionKey?.()))).toMatchObject({ kind: 'unauthorized', status: 0, endpoint: 'GET /v2/user/presence' });
    expect(failing.fake.calls).toHaveLength(0);
  });

  it.each([
    ['null', null],
    ['a status that is a string', { status: '200', text: () => Promise.resolve('{}') }],
    ['no text()', { status: 200 }],
    ['text that is not a function', { status: 200, text: '{}' }],
  ])('a fetch that resolves to %s is an invalid response, status 0', async (_label, value) => {
    const { client } = withFetch(() => value as unknown as Response);
    expect(await rejection(client.getOwnPresence())).toMatchObject({ kind: 'invalid-response', status: 0 });
  });

  it.each([
    ['an array', '[{"code":500,"message":"m"}]', {}],
    ['null', 'null', {}],
    ['an infinite code', '{"code":1e999,"message":"m"}', { serverMessage: 'm' }],
    ['an empty message', '{"code":500,"message":""}', { code: 500 }],
  ])('an error body that is %s keeps only well-typed fields', async (_label, body, expected) => {
    const { client } = withFetch(() => jsonText(body, 500));
    const error = await rejection(client.getOwnPresence());
    // Typed, not a TypeError from reading the body.
    expect(error).toBeInstanceOf(PresenceApiError);
    expect(error).toMatchObject({ kind: 'server', status: 500 });
    expect({ code: error.code, serverMessage: error.serverMessage }).toEqual({ code: undefined, serverMessage: undefined, ...expected });
  });

  it('cuts a server message at 500 characters, and keeps one of exactly 500', async () => {
    const long = 'x'.repeat(501);
    const error = await rejection(withFetch(() => json({ message: long }, 500)).client.getOwnPresence());
    expect(error.serverMessage).toBe(`${'x'.repeat(500)}…`);
    const exact = 'y'.repeat(500);
    expect((await rejection(withFetch(() => json({ message: exact }, 500)).client.getOwnPresence())).serverMessage).toBe(exact);
  });

  it('redacts every sent token echoed in a server message', async () => {
    const { client } = withFetch((_c, i) => (i === 0 ? json({}, 401) : json({ message: `bad token ${TOKEN} / tok-2` }, 403)), vi.fn().mockReturnValueOnce(TOKEN).mockReturnValue('tok-2'));
    expect((await rejection(client.getOwnPresence())).serverMessage).toBe('bad token [redacted] / [redacted]');
  });

  it('2xx is success up to 299; 300 is an error', async () => {
    const body = JSON.stringify({ category: 'AVAILABLE', userId: 12, timestamp: 1 });
    await expect(withFetch(() => new Response(body, { status: 299 })).client.getOwnPresence()).resolves.toMatchObject({ category: 'AVAILABLE' });
    expect(await rejection(withFetch(() => new Response(body, { status: 300 })).client.getOwnPresence())).toMatchObject({ kind: 'bad-request', status: 300 });
  });

  it('the request carries its method, keepalive only when asked, the signal, and refuses redirects only with a token', async () => {
    const signal = new AbortController().signal;
    const anonymous = withFetch(own);
    await anonymous.client.getOwnPresence({ signal });
    const first = anonymous.fake.calls[0]!.init!;
    expect(first).toMatchObject({ method: 'GET', signal });
    expect(first.keepalive).toBeUndefined();
    expect(first.redirect).toBeUndefined();
    const signedIn = withFetch(own, () => TOKEN);
    await signedIn.client.setOwnPresence({ category: 'BUSY' }, { keepalive: true });
    await signedIn.client.setOwnPresence({ category: 'BUSY' });
    const [kept, plain] = signedIn.fake.calls.map((c) => c.init!);
    expect(kept).toMatchObject({ method: 'POST', keepalive: true, redirect: 'error' });
    expect(kept!.signal).toBeUndefined();
    expect(plain!.keepalive).toBeUndefined();
  });

  it.each([
    ['a body that is not JSON', (c: SymphonyClient) => c.getOwnPresence(), () => jsonText('{"category":'), 'invalid-response', 200, 'response body is not valid JSON'],
    ['an answer about another user', (c: SymphonyClient) => c.getUserPresence('13'), () => own(), 'invalid-response', 200, 'response is about a different user'],
    ['a fetch that resolves to no Response', (c: SymphonyClient) => c.getOwnPresence(), () => ({}) as Response, 'invalid-response', 0, 'fetch resolved to something that is not a Response'],
    ['limit 0', (c: SymphonyClient) => c.listPresence({ limit: 0 }), own, 'bad-request', 0, 'limit must be an integer from 1 to 5000'],
    ['a soft that is no boolean', (c: SymphonyClient) => c.setOwnPresence({ category: 'BUSY', soft: 1 as never }), own, 'bad-request', 0, 'soft must be a boolean'],
    ['a local that is no boolean', (c: SymphonyClient) => c.getUserPresence('12', { local: 1 as never }), own, 'bad-request', 0, 'local must be a boolean'],
    ['an empty category', (c: SymphonyClient) => c.setOwnPresence({ category: '' }), own, 'bad-request', 0, 'category must be a non-empty string'],
    ['userIds that are a string', (c: SymphonyClient) => c.registerInterest('12' as never), own, 'bad-request', 0, 'userIds must be an array'],
    ['userIds that are a Set', (c: SymphonyClient) => c.registerInterest(new Set(['12']) as never), own, 'bad-request', 0, 'userIds must be an array'],
    ['maxPages 0', (c: SymphonyClient) => c.listAllPresence({ maxPages: 0 }), own, 'bad-request', 0, 'maxPages must be a positive integer'],
  ] as const)('%s is a typed error whose cause says why', async (_label, run, respond, kind, status, why) => {
    const { client, fake } = withFetch(respond as () => Response);
    const error = await rejection(run(client));
    expect(error).toBeInstanceOf(PresenceApiError);
    expect(error).toMatchObject({ kind, status });
    // Argument errors are RangeErrors; nothing was sent for them.
    expect(error.cause).toEqual(kind === 'bad-request' ? new RangeError(why) : new Error(why));
    if (kind === 'bad-request') expect(fake.calls).toHaveLength(0);
  });

  it.each([5, undefined, '/pod?x=1'])('refuses podUrl %j with a TypeError that says what it must be', (podUrl) => {
    expect(() => createSymphonyClient({ podUrl: podUrl as never })).toThrow(new TypeError('podUrl must be a URL or path without query or fragment'));
  });

  it('without any fetch, a call is a network error saying so', async () => {
    vi.stubGlobal('fetch', undefined);
    try {
      const error = await rejection(createSymphonyClient({ podUrl: '/pod' }).getOwnPresence());
      expect(error).toMatchObject({ kind: 'network', status: 0 });
      expect(error.cause).toEqual(new TypeError('no fetch implementation available'));
    } finally {
      vi.unstubAllGlobals();
    }
  });

  it('a stand-in answering a status under 200 is no success', async () => {
    const body = JSON.stringify({ category: 'AVAILABLE', userId: 12, timestamp: 1 });
    const early = { status: 199, text: () => Promise.resolve(body), headers: new Headers() } as unknown as Response;
    expect(await rejection(withFetch(() => early).client.getOwnPresence())).toMatchObject({ kind: 'bad-request', status: 199 });
  });

  it('setOwnPresence refuses a missing input or category before sending', async () => {
    const { client, fake } = withFetch(own);
    expect(await rejection(client.setOwnPresence(undefined as never))).toMatchObject({ kind: 'bad-request', status: 0, endpoint: 'POST /v2/user/presence' });
    expect(await rejection(client.setOwnPresence({ category: '' }))).toMatchObject({ kind: 'bad-request', status: 0 });
    expect(fake.calls).toHaveLength(0);
  });

  it('registerInterest with no ids sends nothing; with ids, one POST of bare integers', async () => {
    const { client, fake } = withFetch(() => json({}));
    await client.registerInterest([]);
    expect(fake.calls).toHaveLength(0);
    await client.registerInterest(['12', 12, '13']);
    expect(fake.calls.map((c) => c.body)).toEqual(['[12,13]']);
  });

  it('listAllPresence: maxPages 1 reads one page; 0 is refused; a page that does not move forward stops the walk', async () => {
    const page = (...ids: number[]) => json(ids.map((userId) => ({ category: 'AVAILABLE', userId, timestamp: 1 })));
    const one = withFetch(() => page(1, 2));
    expect(await one.client.listAllPresence({ limit: 2, maxPages: 1 })).toHaveLength(2);
    expect(one.fake.calls).toHaveLength(1);
    expect(await rejection(one.client.listAllPresence({ maxPages: 0 }))).toMatchObject({ kind: 'bad-request', status: 0 });
    const stuck = withFetch(() => page(1, 2));
    expect((await stuck.client.listAllPresence({ limit: 2, maxPages: 50 })).map((p) => p.userId)).toEqual(['1', '2']);
    expect(stuck.fake.calls).toHaveLength(2);
  });
});
