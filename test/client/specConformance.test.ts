import { describe, expect, it } from 'vitest';
import { createSymphonyClient, isPresenceApiError, type SymphonyClient } from '../../src/client';
import {
  exampleResponse,
  loadPresenceSpec,
  operations,
  specViolations,
  type Operation,
  type SentRequest,
} from './checkAgainstSpec';
import { createFakeFetch, jsonText, type RecordedCall } from './fakeFetch';

const spec = loadPresenceSpec();
const POD = `https://acme.symphony.com${String(spec.basePath)}`;
const INT64_MAX = '9223372036854775807';
const TWO_53_PLUS_1 = '9007199254740993';

const sent = (call: RecordedCall): SentRequest => ({
  method: call.request.method,
  url: call.request.url,
  headers: call.request.headers,
  body: call.body,
});

function operationFor(call: RecordedCall): Operation {
  const path = new URL(call.request.url).pathname.slice(new URL(POD).pathname.length);
  const op = operations(spec).find(
    (o) => o.method === call.request.method && new RegExp(`^${o.template.replace(/\{[^}]+\}/g, '[^/]+')}$`).test(path),
  );
  if (!op) throw new Error(`no operation for ${call.request.method} ${path}`);
  return op;
}

/** Answers every call with the spec's own 200 example, echoing the asked-for user id. */
function specExamplePod(call: RecordedCall): Response {
  const operation = operationFor(call);
  const example = exampleResponse(operation, '200') ?? '{}';
  const uid = /\/v3\/user\/([0-9]+)\/presence$/.exec(new URL(call.request.url).pathname)?.[1];
  return jsonText(uid ? example.replace(/"userId":[0-9]+/, `"userId":${uid}`) : example);
}

/** Every public call, with every optional parameter both absent and present. */
const scenarios: Array<[string, (c: SymphonyClient) => Promise<unknown>]> = [
  ['getOwnPresence', (c) => c.getOwnPresence()],
  ['setOwnPresence', (c) => c.setOwnPresence({ category: 'AVAILABLE' })],
  ['setOwnPresence soft=true', (c) => c.setOwnPresence({ category: 'BUSY', soft: true })],
  ['setOwnPresence soft=false', (c) => c.setOwnPresence({ category: 'OUT_OF_OFFICE', soft: false })],
  ['setOwnPresence unknown category', (c) => c.setOwnPresence({ category: 'FOCUSING' })],
  ['registerInterest', (c) => c.registerInterest([INT64_MAX, TWO_53_PLUS_1, 7215545078461, 1n])],
  ['registerInterest one id', (c) => c.registerInterest(['1'])],
  ['getUserPresence', (c) => c.getUserPresence(INT64_MAX)],
  ['getUserPresence local=true', (c) => c.getUserPresence(TWO_53_PLUS_1, { local: true })],
  ['getUserPresence local=false', (c) => c.getUserPresence(14568529068038, { local: false })],
  ['listPresence', (c) => c.listPresence()],
  ['listPresence paged', (c) => c.listPresence({ lastUserId: INT64_MAX, limit: 5000 })],
  ['listPresence limit', (c) => c.listPresence({ limit: 1 })],
  ['listAllPresence', (c) => c.listAllPresence({ limit: 2, lastUserId: '974217539631' })],
];

describe('requests conform to the Symphony pod spec (20.17.1 excerpt)', () => {
  it('the fixture is the 20.17.1 excerpt with the presence operations', () => {
    expect(spec.swagger).toBe('2.0');
    expect(spec.info).toMatchObject({ version: '20.17.1' });
    expect(operations(spec).map((o) => `${o.method} ${o.template}`).sort()).toEqual([
      'GET /v2/user/presence',
      'GET /v2/users/presence',
      'GET /v3/user/{uid}/presence',
      'POST /v1/user/presence/register',
      'POST /v2/user/presence',
      'POST /v3/user/presence',
    ]);
  });

  it.each(scenarios)('%s', async (_label, run) => {
    const fake = createFakeFetch(specExamplePod);
    const client = createSymphonyClient({ podUrl: POD, fetch: fake.fetch, getSessionToken: () => 'tok' });
    await run(client);
    expect(fake.calls.length).toBeGreaterThan(0);
    for (const call of fake.calls) expect(specViolations(spec, POD, sent(call))).toEqual([]);
  });

  it('exercises every documented operation the client implements', async () => {
    const fake = createFakeFetch(specExamplePod);
    const client = createSymphonyClient({ podUrl: POD, fetch: fake.fetch, getSessionToken: () => 'tok' });
    for (const [, run] of scenarios) await run(client);
    const used = new Set(fake.calls.map((c) => `${c.request.method} ${operationFor(c).template}`));
    const documented = operations(spec).map((o) => `${o.method} ${o.template}`);
    // POST /v3/user/presence sets another user's presence (admin only); the library does not offer it.
    expect([...used].sort()).toEqual(documented.filter((o) => o !== 'POST /v3/user/presence').sort());
  });

  it('reads the spec examples of every 200 answer', async () => {
    const fake = createFakeFetch(specExamplePod);
    const client = createSymphonyClient({ podUrl: POD, fetch: fake.fetch, getSessionToken: () => 'tok' });
    await expect(client.getOwnPresence()).resolves.toEqual({
      userId: '14568529068038',
      category: 'AVAILABLE',
      isUnknown: false,
      timestamp: 1533928483800,
    });
    await expect(client.setOwnPresence({ category: 'AWAY' })).resolves.toMatchObject({ category: 'AWAY' });
    await expect(client.getUserPresence(INT64_MAX)).resolves.toMatchObject({ userId: INT64_MAX, category: 'AVAILABLE' });
    await expect(client.listPresence()).resolves.toEqual([
      { userId: '14568529068038', category: 'AVAILABLE', isUnknown: false, timestamp: 1533928483800 },
      { userId: '974217539631', category: 'OFFLINE', isUnknown: false, timestamp: 1503286226030 },
    ]);
    await expect(client.registerInterest(['1'])).resolves.toBeUndefined();
  });

  it.each([
    ['400', 'bad-request'],
    ['401', 'unauthorized'],
    ['403', 'forbidden'],
    ['404', 'not-found'],
    ['500', 'server'],
  ] as const)('maps the documented %s answer (with its example body) of GET /v3/user/{uid}/presence', async (status, kind) => {
    const operation = operations(spec).find((o) => o.template === '/v3/user/{uid}/presence')!;
    const body = exampleResponse(operation, status)!;
    const fake = createFakeFetch(() => jsonText(body, Number(status)));
    const client = createSymphonyClient({ podUrl: POD, fetch: fake.fetch });
    const error: unknown = await client.getUserPresence('1').catch((e: unknown) => e);
    expect(isPresenceApiError(error) && { kind: error.kind, code: error.code }).toEqual({
      kind,
      code: (JSON.parse(body) as { code: number }).code,
    });
  });

  describe('the checker itself catches departures from the spec', () => {
    const headers = (extra: Record<string, string> = {}) => new Headers({ sessionToken: 't', Accept: 'application/json', ...extra });
    const json = { 'Content-Type': 'application/json' };

    it.each<[string, SentRequest, RegExp]>([
      ['an undocumented path', { method: 'GET', url: `${POD}/v1/user/presence`, headers: headers(), body: undefined }, /not a documented/],
      ['a wrong method', { method: 'PUT', url: `${POD}/v2/user/presence`, headers: headers(), body: undefined }, /not a documented/],
      ['a path outside the pod', { method: 'GET', url: 'https://acme.symphony.com/agent/v2/user/presence', headers: headers(), body: undefined }, /not below/],
      ['a non-integer uid', { method: 'GET', url: `${POD}/v3/user/abc/presence`, headers: headers(), body: undefined }, /path uid/],
      ['a uid above int64', { method: 'GET', url: `${POD}/v3/user/9223372036854775808/presence`, headers: headers(), body: undefined }, /outside int64/],
      ['an undocumented query', { method: 'GET', url: `${POD}/v2/user/presence?soft=true`, headers: headers(), body: undefined }, /undocumented query/],
      ['a non-boolean local', { method: 'GET', url: `${POD}/v3/user/1/presence?local=1`, headers: headers(), body: undefined }, /not a boolean/],
      ['a non-integer limit', { method: 'GET', url: `${POD}/v2/users/presence?limit=ten`, headers: headers(), body: undefined }, /not an integer/],
      ['a repeated query', { method: 'GET', url: `${POD}/v2/users/presence?limit=1&limit=2`, headers: headers(), body: undefined }, /repeated/],
      ['a missing sessionToken', { method: 'GET', url: `${POD}/v2/user/presence`, headers: new Headers(), body: undefined }, /header sessionToken missing/],
      ['quoted ids', { method: 'POST', url: `${POD}/v1/user/presence/register`, headers: headers(json), body: '["1"]' }, /bare JSON integer/],
      ['an object instead of ids', { method: 'POST', url: `${POD}/v1/user/presence/register`, headers: headers(json), body: '{"ids":[1]}' }, /expected an array/],
      ['a fractional id', { method: 'POST', url: `${POD}/v1/user/presence/register`, headers: headers(json), body: '[1.5]' }, /not an integer/],
      ['a missing body', { method: 'POST', url: `${POD}/v1/user/presence/register`, headers: headers(json), body: undefined }, /required body/],
      ['a body on a GET', { method: 'GET', url: `${POD}/v2/user/presence`, headers: headers(json), body: '{}' }, /does not take/],
      ['a numeric category', { method: 'POST', url: `${POD}/v2/user/presence`, headers: headers(json), body: '{"category":1}' }, /expected a string/],
      ['no category', { method: 'POST', url: `${POD}/v2/user/presence`, headers: headers(json), body: '{}' }, /missing required "category"/],
      ['an extra property', { method: 'POST', url: `${POD}/v2/user/presence`, headers: headers(json), body: '{"category":"BUSY","userId":1}' }, /undocumented property userId/],
      ['a text body', { method: 'POST', url: `${POD}/v2/user/presence`, headers: headers({ 'Content-Type': 'text/plain' }), body: '{"category":"BUSY"}' }, /not in consumes/],
      ['a wrong Accept', { method: 'GET', url: `${POD}/v2/user/presence`, headers: headers({ Accept: 'text/html' }), body: undefined }, /not in produces/],
    ])('%s', (_label, request, expected) => {
      const problems = specViolations(spec, POD, request);
      expect(problems.join('\n')).toMatch(expected);
    });
  });
});
