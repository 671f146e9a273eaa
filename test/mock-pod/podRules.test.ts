// @vitest-environment node
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { emulatorRulesDoc } from '../../scripts/emulatorRulesDoc';
import { ALL_ASSUMPTIONS_OFF, POD_RULES, createMockPod, type MockPodAssumptions } from '../../src/mock-pod';
import type { UserId } from '../../src/model';
import { call, externalUsers, fakeClock, internalUsers, MINUTE, readUser, register, T0 } from './podTestUtils';

function setup(assumptions: MockPodAssumptions = {}) {
  const clock = fakeClock();
  const pod = createMockPod({ clock: clock.now, churn: false, assumptions });
  const [ext] = externalUsers(pod, true) as [UserId];
  const [unconnected] = externalUsers(pod, false) as [UserId];
  return { clock, pod, ext, unconnected };
}

describe('the rule table', () => {
  it('names a source for every rule, and a switched-off behaviour for every assumption', () => {
    const ids = new Set<string>();
    for (const rule of POD_RULES) {
      expect(ids.has(rule.id)).toBe(false);
      ids.add(rule.id);
      expect(rule.source.length).toBeGreaterThan(0);
      if (rule.source === 'assumption') expect(rule.whenOff, rule.id).toBeTruthy();
      else expect(rule.whenOff, rule.id).toBeUndefined();
    }
    // One switch per assumption row.
    expect(POD_RULES.filter((r) => r.source === 'assumption')).toHaveLength(Object.keys(ALL_ASSUMPTIONS_OFF).length);
  });

  it('is the table docs/emulator-rules.md prints (regenerate with scripts/emulatorRulesDoc.ts)', () => {
    const doc = readFileSync(new URL('../../docs/emulator-rules.md', import.meta.url), 'utf8');
    expect(doc).toBe(emulatorRulesDoc());
  });

  it('cites seed rule ids that exist in SEED-RULES.md form', () => {
    for (const rule of POD_RULES) {
      if (rule.source.startsWith('SYM')) {
        for (const id of rule.source.split(', ')) expect(id).toMatch(/^SYM-(GP|SP|RI|GUP)-\d+$/);
      }
    }
  });
});

describe('R-INTEREST-SESSION (SYM-RI-8): registrations belong to the session token', () => {
  it('a new session of the same user has registered nothing', async () => {
    const { pod, ext } = setup();
    expect((await register(pod, [ext])).status).toBe(200);
    expect((await readUser(pod, ext)).status).toBe(200);
    const fresh = pod.createSession({ userId: pod.defaultUserId });
    expect((await readUser(pod, ext, fresh)).status).toBe(403);
  });
});

describe('switchable assumptions', () => {
  it('ASM-UNREGISTERED-403 off: an unregistered external read answers OFFLINE with the call time', async () => {
    const { pod, ext, clock } = setup({ unregisteredRead403: false });
    pod.setUserPresence(ext, 'BUSY');
    clock.advance(MINUTE);
    expect((await readUser(pod, ext)).json).toMatchObject({ category: 'OFFLINE', timestamp: T0 + MINUTE });
    // It still spends the 5 minutes.
    expect((await readUser(pod, ext)).status).toBe(429);
  });

  it('ASM-UNCONNECTED-OFFLINE: OFFLINE when on, 403 when off', async () => {
    for (const on of [true, false]) {
      const { pod, unconnected } = setup({ unconnectedReadsOffline: on });
      await register(pod, [unconnected]);
      const res = await readUser(pod, unconnected);
      if (on) expect(res.json).toMatchObject({ category: 'OFFLINE' });
      else expect(res.status).toBe(403);
    }
  });

  it('ASM-LIMIT-429 off: a read too soon answers the presence of the last allowed read', async () => {
    const { pod, ext, clock } = setup({ rateLimit429: false });
    pod.setUserPresence(ext, 'BUSY');
    await register(pod, [ext]);
    expect((await readUser(pod, ext)).json).toMatchObject({ category: 'BUSY' });
    pod.setUserPresence(ext, 'AVAILABLE');
    clock.advance(MINUTE);
    const soon = await readUser(pod, ext);
    expect(soon.status).toBe(200);
    expect(soon.json).toMatchObject({ category: 'BUSY' });
    clock.advance(4 * MINUTE);
    expect((await readUser(pod, ext)).json).toMatchObject({ category: 'AVAILABLE' });
  });

  it('ASM-LIMIT-PER-SESSION: a new token resets the 5 minutes when on, not when off', async () => {
    for (const on of [true, false]) {
      const { pod, ext } = setup({ rateLimitPerSession: on });
      await register(pod, [ext]);
      expect((await readUser(pod, ext)).status).toBe(200);
      const fresh = pod.createSession({ userId: pod.defaultUserId });
      await register(pod, [ext], fresh);
      expect((await readUser(pod, ext, fresh)).status).toBe(on ? 200 : 429);
    }
  });

  it('ASM-LOCAL-FREE: local=true reads of an external user spend the 5 minutes only when off', async () => {
    for (const on of [true, false]) {
      const { pod, ext } = setup({ localReadsFree: on });
      expect((await readUser(pod, ext, undefined, '?local=true')).json).toMatchObject({ category: 'OFFLINE' });
      expect((await readUser(pod, ext, undefined, '?local=true')).status).toBe(on ? 200 : 429);
    }
  });

  it('ASM-LIST-INCLUSIVE: the listing starts at lastUserId when on, after it when off', async () => {
    for (const on of [true, false]) {
      const { pod } = setup({ listFromLastInclusive: on });
      const first = (await call(pod, 'GET', '/v2/users/presence?limit=2')).json as Array<{ userId: number | string }>;
      const from = String(first[1]!.userId);
      const next = (await call(pod, 'GET', `/v2/users/presence?limit=1&lastUserId=${from}`)).json as Array<{
        userId: number | string;
      }>;
      expect(String(next[0]!.userId) === from).toBe(on);
    }
  });

  it('ASM-SET-403: Set Presence without the privilege answers 403 when on, 401 when off', async () => {
    for (const on of [true, false]) {
      const { pod } = setup({ setWithoutPrivilege403: on });
      const token = pod.createSession({ userId: internalUsers(pod)[0]!, privileges: [] });
      const res = await call(pod, 'POST', '/v2/user/presence', { token, body: '{"category":"BUSY"}' });
      expect(res.status).toBe(on ? 403 : 401);
    }
  });

  it('ALL_ASSUMPTIONS_OFF switches every one of them', () => {
    expect(Object.values(ALL_ASSUMPTIONS_OFF).every((v) => v === false)).toBe(true);
  });
});
