// @vitest-environment jsdom
/**
 * What the engine keeps in sessionStorage across a reload: filed per session identity, read back
 * only for the same one, and checked like any other input when read.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createSessionStoragePersistence, type PersistedEntry } from '../../src/sync';

const ALICE = '13056700580915';
const entry = (over: Partial<PersistedEntry> = {}): PersistedEntry => ({
  key: ALICE,
  presence: { userId: ALICE as never, category: 'AVAILABLE', timestamp: 1_700_000_000_000 },
  seenAt: 1_700_000_000_500,
  lastReadAt: 1_700_000_000_400,
  ...over,
});

beforeEach(() => {
  sessionStorage.clear();
});
afterEach(() => {
  vi.unstubAllGlobals();
  vi.restoreAllMocks();
});

describe('createSessionStoragePersistence', () => {
  it('gives back what it saved, for the same identity only; another identity finds nothing and wipes it', () => {
    const kept = createSessionStoragePersistence()!;
    kept.save('session-a', [entry()]);
    expect(kept.load('session-a')).toEqual([entry()]);
    expect(kept.load('session-b')).toBeUndefined();
    // Another session's state is not shown to this one, nor kept for later.
    expect(kept.load('session-a')).toBeUndefined();
    expect(sessionStorage.length).toBe(0);
  });

  it('files its state under its name, so apps with different names keep apart', () => {
    const a = createSessionStoragePersistence('app-a')!;
    const b = createSessionStoragePersistence('app-b')!;
    a.save('s', [entry()]);
    expect(b.load('s')).toBeUndefined();
    expect(sessionStorage.getItem('app-a:v1')).not.toBeNull();
    expect(createSessionStoragePersistence()!.load('s')).toBeUndefined();
    b.clear();
    expect(a.load('s')).toHaveLength(1);
    a.clear();
    expect(sessionStorage.getItem('app-a:v1')).toBeNull();
  });

  it('keeps the last 5000 entries of a larger roster', () => {
    const kept = createSessionStoragePersistence()!;
    const many = Array.from({ length: 5001 }, (_, i) => entry({ key: String(1_000_000 + i), presence: undefined }));
    kept.save('s', many);
    const back = kept.load('s')!;
    expect(back).toHaveLength(5000);
    expect(back[0]!.key).toBe('1000001');
    expect(back.at(-1)!.key).toBe('1005000');
  });

  it.each([
    ['not JSON', '{'],
    ['another version', JSON.stringify({ v: 2, identity: 's', entries: [entry()] })],
    ['entries that are not a list', JSON.stringify({ v: 1, identity: 's', entries: { 0: entry() } })],
    ['null', 'null'],
  ])('reads nothing from a slot holding %s', (_what, text) => {
    sessionStorage.setItem('presence-widgets:v1', text);
    expect(createSessionStoragePersistence()!.load('s')).toBeUndefined();
  });

  it('drops each malformed entry and keeps the others', () => {
    const good = [entry(), entry({ presence: undefined, seenAt: undefined, lastReadAt: undefined }), entry({ presence: { userId: ALICE as never, category: 'SOMETHING_NEW', timestamp: undefined } })];
    const bad: unknown[] = [
      null,
      'text',
      { ...entry(), key: 42 },
      { ...entry(), seenAt: 'soon' },
      { ...entry(), seenAt: null },
      { ...entry(), seenAt: 'INFINITE' },
      { ...entry(), lastReadAt: '1' },
      { ...entry(), lastReadAt: 'INFINITE' },
      { ...entry(), presence: null },
      { ...entry(), presence: 'AVAILABLE' },
      { ...entry(), presence: { userId: 'alice', category: 'AVAILABLE' } },
      { ...entry(), presence: { userId: ALICE, category: '' } },
      { ...entry(), presence: { userId: ALICE, category: 7 } },
      { ...entry(), presence: { userId: ALICE, category: ['AVAILABLE'] } },
      { ...entry(), presence: { userId: ALICE, category: 'AVAILABLE', timestamp: '1' } },
      { ...entry(), presence: { userId: ALICE, category: 'AVAILABLE', timestamp: 'INFINITE' } },
    ];
    // 1e400 parses as Infinity: the one way a non-finite time gets out of JSON.
    const text = JSON.stringify({ v: 1, identity: 's', entries: [...bad, ...good] }).replaceAll('"INFINITE"', '1e400');
    sessionStorage.setItem('presence-widgets:v1', text);
    expect(createSessionStoragePersistence()!.load('s')).toEqual(good);
  });

  it('is undefined where the page has no sessionStorage, or one that throws on use', () => {
    vi.stubGlobal('sessionStorage', undefined);
    expect(createSessionStoragePersistence()).toBeUndefined();
    vi.stubGlobal('sessionStorage', {
      getItem() {
        throw new DOMException('denied', 'SecurityError');
      },
    });
    expect(createSessionStoragePersistence()).toBeUndefined();
  });

  it('a full or failing storage loses the cache, never throws', () => {
    const kept = createSessionStoragePersistence()!;
    kept.save('s', [entry()]);
    vi.spyOn(Storage.prototype, 'setItem').mockImplementation(() => {
      throw new DOMException('full', 'QuotaExceededError');
    });
    vi.spyOn(Storage.prototype, 'removeItem').mockImplementation(() => {
      throw new DOMException('gone', 'SecurityError');
    });
    vi.spyOn(Storage.prototype, 'getItem').mockImplementation(() => {
      throw new DOMException('gone', 'SecurityError');
    });
    expect(() => kept.save('s', [entry()])).not.toThrow();
    expect(() => kept.clear()).not.toThrow();
    expect(kept.load('s')).toBeUndefined();
  });
});
