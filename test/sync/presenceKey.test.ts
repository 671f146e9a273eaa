// @vitest-environment node
import { describe, expect, it } from 'vitest';
import type { UserId } from '../../src/model';
import { isLocalKey, isRegistrable, parsePresenceKey, userOfKey, type PresenceKey } from '../../src/sync/presenceKey';

const ID = '13056700580915' as UserId;

describe('presence keys', () => {
  it.each<[PresenceKey, UserId | undefined, boolean, boolean]>([
    // key, its user, local, registrable
    ['self', undefined, false, false],
    [ID, ID, false, true],
    [`local:${ID}`, ID, true, false],
  ])('%s: user %s, local %s, registrable %s', (key, user, local, registrable) => {
    expect(userOfKey(key)).toBe(user);
    expect(isLocalKey(key)).toBe(local);
    expect(isRegistrable(key)).toBe(registrable);
  });

  it.each<[unknown, PresenceKey | undefined]>([
    ['self', 'self'],
    [ID, ID],
    [`local:${ID}`, `local:${ID}`],
    // Only the canonical spelling: another tab or storage must name the same key.
    ['013056700580915', undefined],
    [`local:0${ID}`, undefined],
    [`local:${ID} `, undefined],
    ['local:', undefined],
    ['local:self', undefined],
    ['Self', undefined],
    ['', undefined],
    [' ', undefined],
    [`${ID}x`, undefined],
    [13056700580915, undefined],
    [null, undefined],
    [undefined, undefined],
    [{ key: ID }, undefined],
  ])('parsePresenceKey(%j) is %j', (raw, key) => {
    expect(parsePresenceKey(raw)).toBe(key);
  });
});
