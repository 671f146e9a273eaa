import { describe, expect, it } from 'vitest';
import { createSymphonyClient, isPresenceApiError } from '../../src/client';
import { compareUserIds, type UserId } from '../../src/model';
import { createFakeFetch, jsonText, type RecordedCall } from './fakeFetch';

const POD = 'https://acme.symphony.com/pod';

const entry = (id: string) => `{"category":"AVAILABLE","userId":${id},"timestamp":1}`;
const page = (ids: string[]) => jsonText(`[${ids.map(entry).join(',')}]`);

/**
 * A pod that pages like the spec says: sorted ids, skipping ids *less than* lastUserId (so the
 * lastUserId user itself comes back first on the next page).
 */
function specPod(ids: string[]) {
  const sorted = [...ids].sort((a, b) => compareUserIds(a as UserId, b as UserId));
  return (call: RecordedCall) => {
    const url = new URL(call.url);
    const last = url.searchParams.get('lastUserId');
    const limit = Number(url.searchParams.get('limit') ?? 1000);
    const from = last === null ? sorted : sorted.filter((id) => compareUserIds(id as UserId, last as UserId) >= 0);
    return page(from.slice(0, limit));
  };
}

const params = (call: RecordedCall) => Object.fromEntries(new URL(call.url).searchParams);

describe('listAllPresence', () => {
  it('follows lastUserId, drops the repeated boundary user and stops on a short page', async () => {
    const ids = ['9007199254740993', '11', '12', '13', '14', '15', '9223372036854775807'];
    const fake = createFakeFetch(specPod(ids));
    const client = createSymphonyClient({ podUrl: POD, fetch: fake.fetch });
    const all = await client.listAllPresence({ limit: 3 });
    expect(all.map((p) => p.userId)).toEqual(['11', '12', '13', '14', '15', '9007199254740993', '9223372036854775807']);
    expect(fake.calls.map(params)).toEqual([
      { limit: '3' },
      { limit: '3', lastUserId: '13' },
      { limit: '3', lastUserId: '15' },
      { limit: '3', lastUserId: '9223372036854775807' },
    ]);
  });

  it('stops on an empty page', async () => {
    const fake = createFakeFetch((_call, i) => (i === 0 ? page(['1', '2']) : page([])));
    const client = createSymphonyClient({ podUrl: POD, fetch: fake.fetch });
    expect((await client.listAllPresence({ limit: 2 })).map((p) => p.userId)).toEqual(['1', '2']);
    expect(fake.calls).toHaveLength(2);
  });

  it('stops after one request when the first page is short, using the default limit of 1000', async () => {
    const fake = createFakeFetch(() => page(['1', '2']));
    const client = createSymphonyClient({ podUrl: POD, fetch: fake.fetch });
    await client.listAllPresence();
    expect(fake.calls.map(params)).toEqual([{ limit: '1000' }]);
  });

  it('starts from the given lastUserId', async () => {
    const fake = createFakeFetch(specPod(['1', '2', '3']));
    const client = createSymphonyClient({ podUrl: POD, fetch: fake.fetch });
    const all = await client.listAllPresence({ lastUserId: 2, limit: 10 });
    expect(all.map((p) => p.userId)).toEqual(['2', '3']);
    expect(params(fake.calls[0]!)).toEqual({ lastUserId: '2', limit: '10' });
  });

  it('stops when the server returns the same full page again', async () => {
    const fake = createFakeFetch(() => page(['1', '2']));
    const client = createSymphonyClient({ podUrl: POD, fetch: fake.fetch });
    const all = await client.listAllPresence({ limit: 2 });
    expect(all.map((p) => p.userId)).toEqual(['1', '2']);
    expect(fake.calls).toHaveLength(2);
  });

  it('stops when a page goes backwards', async () => {
    const fake = createFakeFetch((_call, i) => (i === 0 ? page(['5', '6']) : page(['1', '2'])));
    const client = createSymphonyClient({ podUrl: POD, fetch: fake.fetch });
    const all = await client.listAllPresence({ limit: 2 });
    expect(all.map((p) => p.userId)).toEqual(['5', '6', '1', '2']);
    expect(fake.calls).toHaveLength(2);
  });

  it('with limit 1 a spec pod repeats the boundary user, so paging ends instead of looping', async () => {
    const fake = createFakeFetch(specPod(['1', '2', '3']));
    const client = createSymphonyClient({ podUrl: POD, fetch: fake.fetch });
    const all = await client.listAllPresence({ limit: 1 });
    expect(all.map((p) => p.userId)).toEqual(['1']);
    expect(fake.calls).toHaveLength(2);
  });

  it('never asks for more than maxPages pages', async () => {
    let next = 1;
    // An endless pod: every page is full and moves forward.
    const fake = createFakeFetch(() => page([String(next++), String(next++)]));
    const client = createSymphonyClient({ podUrl: POD, fetch: fake.fetch });
    const all = await client.listAllPresence({ limit: 2, maxPages: 3 });
    expect(fake.calls).toHaveLength(3);
    expect(all).toHaveLength(6);
  });

  it('has a default page bound', async () => {
    let next = 1;
    const fake = createFakeFetch(() => page([String(next++)]));
    const client = createSymphonyClient({ podUrl: POD, fetch: fake.fetch });
    await client.listAllPresence({ limit: 1 });
    // limit 1 with ever-new ids never repeats, so only the default bound stops it.
    expect(fake.calls).toHaveLength(1000);
  });

  it('fails the whole listing when a later page fails', async () => {
    const fake = createFakeFetch((_call, i) => (i === 0 ? page(['1', '2']) : jsonText('{"code":500}', 500)));
    const client = createSymphonyClient({ podUrl: POD, fetch: fake.fetch });
    const error: unknown = await client.listAllPresence({ limit: 2 }).catch((e: unknown) => e);
    expect(isPresenceApiError(error) && error.kind).toBe('server');
  });
});
