import { describe, expect, it } from 'vitest';
import { createMockPod } from '../../src/mock-pod';
import { call, fakeClock, MINUTE, T0 } from './podTestUtils';

function setup() {
  const clock = fakeClock();
  const pod = createMockPod({ clock: clock.now, churn: false });
  return { clock, pod, me: pod.defaultUserId };
}

const getOwn = (pod: ReturnType<typeof createMockPod>) => call(pod, 'GET', '/v2/user/presence');
const setOwn = (pod: ReturnType<typeof createMockPod>, category: string, query = '') =>
  call(pod, 'POST', `/v2/user/presence${query}`, { body: JSON.stringify({ category }) });

describe('GET /v2/user/presence', () => {
  it('answers the caller with userId, category and timestamp as bare integers', async () => {
    const { pod, me } = setup();
    const res = await getOwn(pod);
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe('application/json');
    const stamp = pod.getUser(me)!.timestamp;
    expect(res.bodyText).toBe(`{"category":"AVAILABLE","userId":${me},"timestamp":${stamp}}`);
  });

  it('answers for the session owner, not the default user', async () => {
    const { pod } = setup();
    const other = pod.users.find((u) => u.tenantId === 190)!;
    const token = pod.createSession({ userId: other.id });
    const res = await call(pod, 'GET', '/v2/user/presence', { token });
    expect(res.json).toMatchObject({ userId: Number(other.id), category: other.category });
  });

  it('reflects server-side changes', async () => {
    const { pod, me, clock } = setup();
    clock.advance(MINUTE);
    pod.setUserPresence(me, 'IN_A_MEETING');
    expect((await getOwn(pod)).json).toMatchObject({ category: 'IN_A_MEETING', timestamp: T0 + MINUTE });
    pod.setUserPresence(me, 'OFFLINE');
    expect((await getOwn(pod)).json).toMatchObject({ category: 'OFFLINE' });
    pod.setOnline(me, true);
    expect((await getOwn(pod)).json).toMatchObject({ category: 'IN_A_MEETING' });
  });
});

describe('POST /v2/user/presence', () => {
  it('sets the category, stamps it now and answers the new presence', async () => {
    const { pod, me, clock } = setup();
    clock.advance(5 * MINUTE);
    const res = await setOwn(pod, 'BUSY');
    expect(res.status).toBe(200);
    expect(res.bodyText).toBe(`{"category":"BUSY","userId":${me},"timestamp":${T0 + 5 * MINUTE}}`);
    clock.advance(MINUTE);
    expect((await getOwn(pod)).json).toEqual({ category: 'BUSY', userId: Number(me), timestamp: T0 + 5 * MINUTE });
  });

  it.each(['AVAILABLE', 'BUSY', 'AWAY', 'ON_THE_PHONE', 'BE_RIGHT_BACK', 'IN_A_MEETING', 'OUT_OF_OFFICE', 'OFF_WORK'])(
    'accepts %s',
    async (category) => {
      const { pod } = setup();
      const res = await setOwn(pod, category);
      expect(res.status).toBe(200);
      expect(res.json).toMatchObject({ category });
    },
  );

  // online/idle: the user's state before the call; shown: answer of the POST;
  // afterActive: shown once the user is online and active again.
  it.each([
    { online: true, idle: false, set: 'BUSY', query: '?soft=true', shown: 'BUSY', idleAfter: false, afterActive: 'BUSY' },
    { online: true, idle: true, set: 'AVAILABLE', query: '?soft=true', shown: 'AWAY', idleAfter: true, afterActive: 'AVAILABLE' },
    { online: true, idle: true, set: 'BUSY', query: '?soft=TRUE', shown: 'AWAY', idleAfter: true, afterActive: 'BUSY' },
    { online: true, idle: true, set: 'IN_A_MEETING', query: '?soft=true', shown: 'IN_A_MEETING', idleAfter: true, afterActive: 'IN_A_MEETING' },
    { online: false, idle: false, set: 'AVAILABLE', query: '?soft=true', shown: 'OFFLINE', idleAfter: false, afterActive: 'AVAILABLE' },
    { online: false, idle: false, set: 'OUT_OF_OFFICE', query: '?soft=true', shown: 'OFFLINE', idleAfter: false, afterActive: 'OUT_OF_OFFICE' },
    { online: true, idle: true, set: 'AVAILABLE', query: '?soft=false', shown: 'AVAILABLE', idleAfter: false, afterActive: 'AVAILABLE' },
    { online: true, idle: true, set: 'BUSY', query: '', shown: 'BUSY', idleAfter: false, afterActive: 'BUSY' },
    { online: false, idle: false, set: 'BUSY', query: '', shown: 'BUSY', idleAfter: false, afterActive: 'BUSY' },
  ])(
    'online=$online idle=$idle, set $set$query -> shows $shown, then $afterActive',
    async ({ online, idle, set, query, shown, idleAfter, afterActive }) => {
      const { pod, me } = setup();
      pod.setOnline(me, online);
      pod.setIdle(me, idle);
      const res = await setOwn(pod, set, query);
      expect(res.json).toMatchObject({ category: shown });
      expect(pod.getUser(me)).toMatchObject({ category: shown, chosenCategory: set, idle: idleAfter });
      expect((await getOwn(pod)).json).toMatchObject({ category: shown });
      pod.setOnline(me, true);
      pod.setIdle(me, false);
      expect((await getOwn(pod)).json).toMatchObject({ category: afterActive });
    },
  );
});

describe('idle rule on server-side changes', () => {
  it.each([
    ['AVAILABLE', 'AWAY'],
    ['BUSY', 'AWAY'],
    ['ON_THE_PHONE', 'ON_THE_PHONE'],
    ['OUT_OF_OFFICE', 'OUT_OF_OFFICE'],
  ])('%s shows %s while idle and comes back', async (chosen, whileIdle) => {
    const { pod, me, clock } = setup();
    pod.setUserPresence(me, chosen);
    clock.advance(MINUTE);
    pod.setIdle(me, true);
    expect(pod.getUser(me)?.category).toBe(whileIdle);
    // R-STAMP (SYM-GUP-1, SYM-SP-6): idling is no set, so the time of the set stays.
    expect(pod.getUser(me)?.timestamp).toBe(T0);
    pod.setIdle(me, false);
    expect(pod.getUser(me)?.category).toBe(chosen);
    expect(pod.getUser(me)?.timestamp).toBe(T0);
  });

  it.each([
    ['AVAILABLE', 'AWAY'],
    ['ON_THE_PHONE', 'ON_THE_PHONE'],
  ])('with ASM-IDLE-KEEPS-STAMP off, %s idle moves the timestamp only when what others see changes', (chosen, whileIdle) => {
    const clock = fakeClock();
    const pod = createMockPod({ clock: clock.now, churn: false, assumptions: { stateChangesKeepStamp: false } });
    const me = pod.defaultUserId;
    pod.setUserPresence(me, chosen);
    clock.advance(MINUTE);
    pod.setIdle(me, true);
    expect(pod.getUser(me)?.category).toBe(whileIdle);
    expect(pod.getUser(me)?.timestamp).toBe(whileIdle === chosen ? T0 : T0 + MINUTE);
  });

  it('R-STAMP: a user back from OFFLINE answers the time of their last set, not of the sign-in (SYM-GUP-1)', async () => {
    const { pod, me, clock } = setup();
    pod.setUserPresence(me, 'BUSY');
    clock.advance(MINUTE);
    pod.setOnline(me, false);
    clock.advance(24 * 60 * MINUTE);
    pod.setOnline(me, true);
    expect((await getOwn(pod)).json).toMatchObject({ category: 'BUSY', timestamp: T0 });
  });

  it('throws for unknown users in server-side changes', () => {
    const { pod } = setup();
    expect(() => pod.setIdle('12987981100001', true)).toThrow(/no user/);
    expect(() => pod.setUserPresence('abc', 'BUSY')).toThrow();
  });
});
