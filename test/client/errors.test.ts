import { afterEach, describe, expect, it, vi } from 'vitest';
import { createSymphonyClient, isPresenceApiError, PresenceApiError, type SymphonyClient } from '../../src/client';
import { InvalidUserIdError } from '../../src/model';
import { createFakeFetch, hangingFetch, json, jsonText, type Responder } from './fakeFetch';

const POD = 'https://acme.symphony.com/pod';
const TOKEN = 'secret-session-token-5b1e';

function clientWith(respond: Responder, getSessionToken: (o: { forceRefresh: boolean }) => string | Promise<string> = () => TOKEN) {
  const fake = createFakeFetch(respond);
  const client = createSymphonyClient({ podUrl: POD, fetch: fake.fetch, getSessionToken });
  return { client, fake };
}

async function failure(promise: Promise<unknown>): Promise<PresenceApiError> {
  const error: unknown = await promise.then(
    () => {
      throw new Error('expected a rejection');
    },
    (e: unknown) => e,
  );
  expect(isPresenceApiError(error)).toBe(true);
  return error as PresenceApiError;
}

/** Each public call with valid arguments, named by its endpoint template. */
const calls: Array<[string, (c: SymphonyClient, signal?: AbortSignal) => Promise<unknown>]> = [
  ['GET /v2/user/presence', (c, signal) => c.getOwnPresence({ signal })],
  ['POST /v2/user/presence', (c, signal) => c.setOwnPresence({ category: 'AVAILABLE', soft: true }, { signal })],
  ['POST /v1/user/presence/register', (c, signal) => c.registerInterest(['9223372036854775807'], { signal })],
  ['GET /v3/user/{uid}/presence', (c, signal) => c.getUserPresence('9007199254740993', { signal, local: false })],
  ['GET /v2/users/presence', (c, signal) => c.listPresence({ signal, lastUserId: '5', limit: 10 })],
  ['GET /v2/users/presence', (c, signal) => c.listAllPresence({ signal, limit: 10 })],
];

describe('error mapping', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it.each([
    [400, 'bad-request'],
    [401, 'unauthorized'],
    [403, 'forbidden'],
    [404, 'not-found'],
    [405, 'bad-request'],
    [409, 'bad-request'],
    [429, 'rate-limited'],
    [500, 'server'],
    [502, 'server'],
    [503, 'server'],
    [599, 'server'],
    [302, 'bad-request'],
  ] as const)('HTTP %i becomes %s', async (status, kind) => {
    const { client } = clientWith(() => json({ code: status, message: 'nope' }, status));
    const error = await failure(client.getUserPresence('12'));
    expect(error).toBeInstanceOf(PresenceApiError);
    expect(error).toMatchObject({ kind, status, endpoint: 'GET /v3/user/{uid}/presence', code: status, serverMessage: 'nope' });
    expect(error.message).toContain('GET /v3/user/{uid}/presence');
  });

  it.each(calls)('%s names its endpoint template in errors', async (endpoint, run) => {
    const { client } = clientWith(() => json({ code: 500, message: 'boom' }, 500));
    const error = await failure(run(client));
    expect(error.endpoint).toBe(endpoint);
    expect(error.kind).toBe('server');
  });

  it.each([
    ['not JSON', 'Internal error <html>', {}],
    ['a JSON array', '[1,2]', {}],
    ['a code that is a string', '{"code":"500","message":"m"}', { serverMessage: 'm' }],
    ['a message that is a number', '{"code":500,"message":42}', { code: 500 }],
    ['an empty body', '', {}],
  ])('error body with %s keeps only well-typed fields', async (_label, body, expected) => {
    const { client } = clientWith(() => new Response(body, { status: 500 }));
    const error = await failure(client.getOwnPresence());
    expect(error.kind).toBe('server');
    expect({ code: error.code, serverMessage: error.serverMessage }).toEqual({ code: undefined, serverMessage: undefined, ...expected });
  });

  it('caps long server messages', async () => {
    const { client } = clientWith(() => json({ code: 400, message: 'x'.repeat(10_000) }, 400));
    const error = await failure(client.getOwnPresence());
    expect(error.serverMessage!.length).toBeLessThanOrEqual(501);
    expect(error.message.length).toBeLessThan(700);
  });

  it('a rejected fetch is a network error with the cause kept', async () => {
    const cause = new TypeError('Failed to fetch');
    const { client } = clientWith(() => Promise.reject(cause));
    const error = await failure(client.getOwnPresence());
    expect(error).toMatchObject({ kind: 'network', status: 0, endpoint: 'GET /v2/user/presence' });
    expect(error.cause).toBe(cause);
  });

  it('a body that fails to stream is a network error', async () => {
    const stream = new ReadableStream({
      start(controller) {
        controller.error(new Error('connection reset'));
      },
    });
    const { client } = clientWith(() => new Response(stream, { status: 200 }));
    expect((await failure(client.getOwnPresence())).kind).toBe('network');
  });

  describe('Retry-After', () => {
    it.each([
      ['120', 120_000],
      ['0', 0],
      ['Wed, 21 Oct 2015 07:28:30 GMT', 30_000],
      ['Wed, 21 Oct 2015 07:27:00 GMT', 0],
      ['soon', undefined],
      ['-5', undefined],
      ['1.5', undefined],
    ])('header %j gives retryAfterMs %s', async (header, expected) => {
      vi.useFakeTimers({ toFake: ['Date'] });
      vi.setSystemTime(Date.UTC(2015, 9, 21, 7, 28, 0));
      const { client } = clientWith(() => json({ code: 429, message: 'slow down' }, 429, { 'Retry-After': header }));
      const error = await failure(client.getUserPresence('77'));
      expect(error.kind).toBe('rate-limited');
      expect(error.retryAfterMs).toBe(expected);
    });

    it('is undefined without the header', async () => {
      const { client } = clientWith(() => new Response('', { status: 429 }));
      expect((await failure(client.getOwnPresence())).retryAfterMs).toBeUndefined();
    });

    it('is read on 503 too', async () => {
      const { client } = clientWith(() => new Response('', { status: 503, headers: { 'Retry-After': '7' } }));
      expect(await failure(client.getOwnPresence())).toMatchObject({ kind: 'server', retryAfterMs: 7000 });
    });
  });

  describe('invalid responses', () => {
    it.each([
      ['malformed JSON', '{"category":'],
      ['HTML', '<html>502 Bad Gateway</html>'],
      ['an empty body', ''],
      ['null', 'null'],
      ['an array', '[]'],
      ['a number', '42'],
      ['no category', '{"userId":1}'],
      ['a numeric category', '{"category":3,"userId":1}'],
      ['an empty category', '{"category":"","userId":1}'],
      ['a bad userId', '{"category":"AVAILABLE","userId":-1}'],
      ['a bad timestamp', '{"category":"AVAILABLE","userId":1,"timestamp":"yesterday"}'],
    ])('own presence with %s is invalid-response', async (_label, body) => {
      const { client } = clientWith(() => jsonText(body));
      const error = await failure(client.getOwnPresence());
      expect(error).toMatchObject({ kind: 'invalid-response', status: 200, endpoint: 'GET /v2/user/presence' });
      expect(error).not.toBeInstanceOf(TypeError);
    });

    it('own presence without userId is invalid (no id to fall back on)', async () => {
      const { client } = clientWith(() => jsonText('{"category":"AVAILABLE"}'));
      expect((await failure(client.getOwnPresence())).kind).toBe('invalid-response');
    });

    it('a user presence about a different user is invalid', async () => {
      const { client } = clientWith(() => jsonText('{"category":"AVAILABLE","userId":13}'));
      expect((await failure(client.getUserPresence('12'))).kind).toBe('invalid-response');
    });

    it.each([
      ['an object', '{"category":"AVAILABLE","userId":1}'],
      ['an array with a bad entry', '[{"category":"AVAILABLE","userId":1},{"userId":2}]'],
      ['an array of numbers', '[1,2]'],
      ['truncated JSON', '[{"category":"AVAILABLE","userId":1}'],
    ])('a list page that is %s is invalid-response', async (_label, body) => {
      const { client } = clientWith(() => jsonText(body));
      expect((await failure(client.listPresence())).kind).toBe('invalid-response');
    });

    it('the cause of a JSON error does not quote the body', async () => {
      const { client } = clientWith(() => jsonText(`{"category": ${TOKEN}`));
      const error = await failure(client.getOwnPresence());
      expect(String((error.cause as Error).message)).not.toContain(TOKEN);
    });

    it.each([
      ['a string', 'nope'],
      ['null', null],
      ['an object without text()', { status: 200 }],
    ])('a fetch stand-in resolving to %s is invalid-response, not a TypeError', async (_label, value) => {
      const { client } = clientWith(() => value as unknown as Response);
      expect((await failure(client.getOwnPresence())).kind).toBe('invalid-response');
    });
  });

  describe('argument checks happen before any request', () => {
    it.each([0, -1, 1.5, 5001, Number.NaN, Infinity, '10' as unknown as number])('limit %j', async (limit) => {
      const { client, fake } = clientWith(() => jsonText('[]'));
      expect(await failure(client.listPresence({ limit }))).toMatchObject({ kind: 'bad-request', status: 0 });
      expect(await failure(client.listAllPresence({ limit }))).toMatchObject({ kind: 'bad-request', status: 0 });
      expect(fake.calls).toHaveLength(0);
    });

    it.each([1, 5000])('limit %i is accepted', async (limit) => {
      const { client, fake } = clientWith(() => jsonText('[]'));
      await client.listPresence({ limit });
      expect(fake.calls).toHaveLength(1);
    });

    it.each([0, -1, 2.5])('maxPages %j', async (maxPages) => {
      const { client, fake } = clientWith(() => jsonText('[]'));
      expect((await failure(client.listAllPresence({ maxPages }))).kind).toBe('bad-request');
      expect(fake.calls).toHaveLength(0);
    });

    it.each([
      ['an empty category', { category: '' }],
      ['a non-string category', { category: 5 as unknown as string }],
      ['a non-boolean soft', { category: 'BUSY', soft: 'yes' as unknown as boolean }],
    ])('setOwnPresence with %s', async (_label, input) => {
      const { client, fake } = clientWith(() => jsonText('{}'));
      expect((await failure(client.setOwnPresence(input))).kind).toBe('bad-request');
      expect(fake.calls).toHaveLength(0);
    });

    it('getUserPresence with a non-boolean local', async () => {
      const { client, fake } = clientWith(() => jsonText('{}'));
      expect((await failure(client.getUserPresence('1', { local: 1 as unknown as boolean }))).kind).toBe('bad-request');
      expect(fake.calls).toHaveLength(0);
    });
  });

  describe('invalid user ids never reach fetch', () => {
    const badIds: unknown[] = [
      '../admin',
      '1?x=',
      '1/../../v1/admin',
      '%2e%2e',
      '-5',
      '0',
      '',
      ' 1',
      '1e3',
      '0x10',
      '18446744073709551616', // 2^64
      '9223372036854775808', // 2^63
      1.5,
      Number.NaN,
      -5,
      0,
      2 ** 53 + 2,
      0n,
      null,
      undefined,
      {},
    ];

    const label = (v: unknown) => (typeof v === 'bigint' ? `${v}n` : typeof v === 'string' ? JSON.stringify(v) : String(v));

    it.each(badIds.map((id) => [label(id), id]))('%s', async (_label, id) => {
      const getSessionToken = vi.fn(() => TOKEN);
      const { client, fake } = clientWith(() => jsonText('{}'), getSessionToken);
      const asInput = id as string;
      await expect(client.getUserPresence(asInput)).rejects.toBeInstanceOf(InvalidUserIdError);
      await expect(client.registerInterest(['1', asInput])).rejects.toBeInstanceOf(InvalidUserIdError);
      await expect(client.listPresence({ lastUserId: asInput ?? '' })).rejects.toBeInstanceOf(InvalidUserIdError);
      await expect(client.listAllPresence({ lastUserId: asInput ?? '' })).rejects.toBeInstanceOf(InvalidUserIdError);
      expect(fake.calls).toHaveLength(0);
      expect(getSessionToken).not.toHaveBeenCalled();
    });
  });

  describe('abort', () => {
    it.each(calls)('%s: an already aborted signal rejects without a token call or fetch', async (_endpoint, run) => {
      const getSessionToken = vi.fn(() => TOKEN);
      const { client, fake } = clientWith(() => jsonText('[]'), getSessionToken);
      const controller = new AbortController();
      const reason = new Error('unmounted');
      controller.abort(reason);
      const error = await failure(run(client, controller.signal));
      expect(error).toMatchObject({ kind: 'aborted', status: 0 });
      expect(error.cause).toBe(reason);
      expect(fake.calls).toHaveLength(0);
      expect(getSessionToken).not.toHaveBeenCalled();
    });

    it.each(calls)('%s: aborting while fetch is in flight rejects with aborted', async (_endpoint, run) => {
      const fake = hangingFetch();
      const client = createSymphonyClient({ podUrl: POD, fetch: fake.fetch, getSessionToken: () => TOKEN });
      const controller = new AbortController();
      const pending = failure(run(client, controller.signal));
      await vi.waitFor(() => expect(fake.calls).toHaveLength(1), { interval: 1 });
      expect(fake.calls[0]!.init?.signal).toBe(controller.signal);
      controller.abort();
      expect((await pending).kind).toBe('aborted');
    });

    it('a fetch that ignores the signal still lets the call reject at once', async () => {
      const never = createFakeFetch(() => new Promise<Response>(() => undefined));
      const client = createSymphonyClient({ podUrl: POD, fetch: never.fetch });
      const controller = new AbortController();
      const pending = failure(client.getOwnPresence({ signal: controller.signal }));
      await vi.waitFor(() => expect(never.calls).toHaveLength(1), { interval: 1 });
      controller.abort();
      expect((await pending).kind).toBe('aborted');
    });

    it('aborting while the token is being fetched rejects with aborted and sends nothing', async () => {
      let tokenAsked = false;
      const { client, fake } = clientWith(
        () => jsonText('{}'),
        () => {
          tokenAsked = true;
          return new Promise<string>(() => undefined);
        },
      );
      const controller = new AbortController();
      const pending = failure(client.getOwnPresence({ signal: controller.signal }));
      await vi.waitFor(() => expect(tokenAsked).toBe(true), { interval: 1 });
      controller.abort();
      expect((await pending).kind).toBe('aborted');
      expect(fake.calls).toHaveLength(0);
    });

    it('aborting while the body is read rejects with aborted', async () => {
      const controller = new AbortController();
      const body = new ReadableStream<Uint8Array>({
        start(c) {
          c.enqueue(new TextEncoder().encode('{"category":'));
          // Never closes: the body is still streaming when the caller aborts.
        },
      });
      const { client } = clientWith(() => new Response(body, { status: 200 }));
      const pending = failure(client.getOwnPresence({ signal: controller.signal }));
      await new Promise((r) => setTimeout(r, 1));
      controller.abort();
      expect((await pending).kind).toBe('aborted');
    });
  });

  describe('the session token stays secret', () => {
    const scenarios: Array<[string, Responder]> = [
      ['a 401 echoing the token', () => json({ code: 401, message: `Invalid session ${TOKEN}` }, 401)],
      ['a 400 echoing the token', () => json({ code: 400, message: `bad token ${TOKEN} sent` }, 400)],
      ['a 500 with the token in HTML', () => new Response(`<pre>${TOKEN}</pre>`, { status: 500 })],
      ['a 200 that is not JSON', () => new Response(`token=${TOKEN}`, { status: 200 })],
      ['a network failure', () => Promise.reject(new TypeError('Failed to fetch'))],
    ];

    it.each(scenarios)('%s: not in the URL, the error message or the server message', async (_label, respond) => {
      const consoleSpies = (['log', 'info', 'warn', 'error', 'debug'] as const).map((m) =>
        vi.spyOn(console, m).mockImplementation(() => undefined),
      );
      const { client, fake } = clientWith(respond);
      let errors = 0;
      for (const [, run] of calls) {
        const outcome: unknown = await run(client).then(
          () => undefined,
          (e: unknown) => e,
        );
        // Register treats any 2xx as success, so a non-JSON 200 is no error there.
        if (outcome === undefined) continue;
        errors++;
        expect(isPresenceApiError(outcome)).toBe(true);
        const error = outcome as PresenceApiError;
        expect(error.message).not.toContain(TOKEN);
        expect(error.serverMessage ?? '').not.toContain(TOKEN);
        expect(error.stack ?? '').not.toContain(TOKEN);
        expect(JSON.stringify(error)).not.toContain(TOKEN);
      }
      expect(errors).toBeGreaterThanOrEqual(calls.length - 1);
      expect(fake.calls.length).toBeGreaterThan(0);
      for (const call of fake.calls) {
        expect(call.url).not.toContain(TOKEN);
        expect(call.body ?? '').not.toContain(TOKEN);
        expect(call.request.headers.get('sessiontoken')).toBe(TOKEN);
      }
      for (const spy of consoleSpies) {
        expect(spy).not.toHaveBeenCalled();
        spy.mockRestore();
      }
    });

    it('a provider that returns a token with a line break is refused without quoting it', async () => {
      const { client, fake } = clientWith(() => jsonText('{}'), () => `${TOKEN}\r\nX-Evil: 1`);
      const error = await failure(client.getOwnPresence());
      expect(error.kind).toBe('unauthorized');
      expect(error.message).not.toContain(TOKEN);
      expect(String((error.cause as Error).message)).not.toContain(TOKEN);
      expect(fake.calls).toHaveLength(0);
    });
  });
});
