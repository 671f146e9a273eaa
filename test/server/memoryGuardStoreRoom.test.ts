// @vitest-environment node
import { describe, expect, it } from 'vitest';
import { createMemoryGuardStore } from '../../src/server';

const GAP = 300_000;
const HOUR = 3_600_000;

async function registered(store: ReturnType<typeof createMemoryGuardStore>, session: string, ids: string[], now: number) {
  const live: string[] = [];
  for (const id of ids) if (await store.isRegistered(session, id, now)) live.push(id);
  return live;
}

describe('createMemoryGuardStore makes room in a fixed order when all its entries are in use', () => {
  it('a read claim takes the place of an older session registration', async () => {
    const store = createMemoryGuardStore({ maxEntries: 3 });
    await store.recordRegistration('old', ['1', '2', '3'], 0, HOUR);
    expect((await store.claimRead('new', '9', 1, GAP)).ok).toBe(true);
    // The store is full now: the next claim needs the room of one registration.
    expect((await store.claimRead('new', '8', 2, GAP)).ok).toBe(true);
    expect(await registered(store, 'old', ['1', '2', '3'], 3)).toEqual(['3']);
  });

  it('forgets only as many of an older session registrations as it needs, least recently used first', async () => {
    const store = createMemoryGuardStore({ maxEntries: 4 });
    await store.recordRegistration('old', ['1', '2', '3'], 0, HOUR);
    await store.recordRegistration('new', ['9'], 1, HOUR);
    expect(await registered(store, 'old', ['1', '2', '3'], 2)).toEqual(['2', '3']);
    expect(await registered(store, 'new', ['9'], 2)).toEqual(['9']);
  });

  it('keeps an older session tenant while forgetting its registrations is enough', async () => {
    const store = createMemoryGuardStore({ maxEntries: 4 });
    await store.setTenant('old', 189, 0, HOUR);
    await store.recordRegistration('old', ['1', '2'], 0, HOUR);
    await store.recordRegistration('new', ['9'], 1, HOUR);
    expect(await store.getTenant('old', 2)).toBe(189);
    expect(await registered(store, 'old', ['1', '2'], 2)).toEqual(['2']);
  });

  it('forgets an older session tenant before any registration of the active session', async () => {
    const store = createMemoryGuardStore({ maxEntries: 3 });
    await store.setTenant('old', 189, 0, HOUR);
    await store.recordRegistration('old', ['1'], 0, HOUR);
    await store.recordRegistration('new', ['8', '9'], 1, HOUR);
    expect(await registered(store, 'new', ['8', '9'], 2)).toEqual(['8', '9']);
    expect(await store.getTenant('old', 2)).toBeUndefined();
    expect(await registered(store, 'old', ['1'], 2)).toEqual([]);
  });

  it('never forgets the active session tenant to make room for it', async () => {
    const store = createMemoryGuardStore({ maxEntries: 1 });
    await store.setTenant('s', 189, 0, HOUR);
    expect(await store.getTenant('s', 1)).toBe(189);
  });

  it('a session that fills the store with its own registrations keeps the newest and can still read', async () => {
    const store = createMemoryGuardStore({ maxEntries: 3 });
    await store.recordRegistration('s', ['1', '2', '3'], 0, HOUR);
    expect(await registered(store, 's', ['1', '2', '3'], 1)).toEqual(['2', '3']);
    expect((await store.claimRead('s', '3', 2, GAP)).ok).toBe(true);
  });
});
