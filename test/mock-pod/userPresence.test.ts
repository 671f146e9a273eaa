import { describe, expect, it } from 'vitest';
import { createMockPod, DEFAULT_SESSION_TOKEN } from '../../src/mock-pod';
import { parseJsonLossless, type UserId } from '../../src/model';
import { externalUsers, fakeClock, internalUsers, MINUTE, readUser, register, T0 } from './podTestUtils';

function setup() {
  const clock = fakeClock();
  const pod = createMockPod({ clock: clock.now, churn: false });
  const [ext, ext2] = externalUsers(pod, true) as [UserId, UserId];
  return { clock, pod, ext, ext2 };
}

describe('internal users', () => {
  it('are readable without registering, with their real category and timestamp', async () => {
    const { pod } = setup();
    const id = internalUsers(pod)[0]!;
    pod.setUserPresence(id, 'BE_RIGHT_BACK');
    const res = await readUser(pod, id);
    expect(res.status).toBe(200);
    expect(res.bodyText).toBe(`{"category":"BE_RIGHT_BACK","userId":${id},"timestamp":${T0}}`);
  });

  it('are not rate limited', async () => {
    const { pod } = setup();
    const id = internalUsers(pod)[0]!;
    for (let i = 0; i < 5; i++) expect((await readUser(pod, id)).status).toBe(200);
  });

  it('include the caller', async () => {
    const { pod } = setup();
    expect((await readUser(pod, pod.defaultUserId)).json).toMatchObject({ category: 'AVAILABLE' });
  });

  it('report OFFLINE with the time of the call as timestamp', async () => {
    const { pod, clock } = setup();
    const id = internalUsers(pod)[0]!;
    pod.setOnline(id, false);
    clock.advance(7 * MINUTE);
    expect((await readUser(pod, id)).json).toMatchObject({ category: 'OFFLINE', timestamp: T0 + 7 * MINUTE });
    clock.advance(3 * MINUTE);
    expect((await readUser(pod, id)).json).toMatchObject({ category: 'OFFLINE', timestamp: T0 + 10 * MINUTE });
  });

  it('are answered normally with local=true', async () => {
    const { pod } = setup();
    const id = internalUsers(pod)[0]!;
    pod.setUserPresence(id, 'BUSY');
    expect((await readUser(pod, id, undefined, '?local=true')).json).toMatchObject({ category: 'BUSY' });
  });
});

describe('external users: interest registration', () => {
  it('refuses a read without registered interest with 403', async () => {
    const { pod, ext } = setup();
    const res = await readUser(pod, ext);
    expect(res.status).toBe(403);
    expect(res.json).toEqual({ code: 403, message: expect.stringMatching(/^Presence interest not registered/) });
  });

  it('serves register-then-read', async () => {
    const { pod, ext } = setup();
    pod.setUserPresence(ext, 'ON_THE_PHONE');
    const reg = await register(pod, [ext]);
    expect(reg.status).toBe(200);
    expect(reg.json).toEqual({ format: 'TEXT', message: 'OK' });
    const res = await readUser(pod, ext);
    expect(res.status).toBe(200);
    expect(res.json).toEqual({ category: 'ON_THE_PHONE', userId: Number(ext), timestamp: T0 });
  });

  it('lets a registration live for an hour: ok at 59 min, refused at 60 and 61 min', async () => {
    const { pod, clock } = setup();
    const [a, b, c] = externalUsers(pod, true) as [UserId, UserId, UserId];
    await register(pod, [a, b, c]);
    clock.set(T0 + 59 * MINUTE);
    expect((await readUser(pod, a)).status).toBe(200);
    clock.set(T0 + 60 * MINUTE);
    expect((await readUser(pod, b)).status).toBe(403);
    clock.set(T0 + 61 * MINUTE);
    expect((await readUser(pod, c)).status).toBe(403);
  });

  it('renews a registration when it is sent again', async () => {
    const { pod, clock, ext } = setup();
    await register(pod, [ext]);
    clock.set(T0 + 50 * MINUTE);
    await register(pod, [ext]);
    clock.set(T0 + 100 * MINUTE);
    expect((await readUser(pod, ext)).status).toBe(200);
  });

  it('keeps registrations per session', async () => {
    const { pod, ext } = setup();
    await register(pod, [ext]);
    const other = pod.createSession({ userId: pod.defaultUserId });
    expect((await readUser(pod, ext, other)).status).toBe(403);
  });

  it('accepts internal ids (useless but harmless) and notes them in the ledger', async () => {
    const { pod, ext } = setup();
    const internal = internalUsers(pod)[0]!;
    expect((await register(pod, [internal, ext])).status).toBe(200);
    const [entry] = pod.registrations(internal);
    expect(entry?.userIds).toEqual([internal, ext]);
    expect(entry?.internalUserIds).toEqual([internal]);
  });
});

describe('external users: one read per 5 minutes per session', () => {
  it('answers 429 with Retry-After in whole seconds until 5 minutes have passed', async () => {
    const { pod, clock, ext } = setup();
    await register(pod, [ext]);
    expect((await readUser(pod, ext)).status).toBe(200);

    clock.advance(1000);
    const limited = await readUser(pod, ext);
    expect(limited.status).toBe(429);
    expect(limited.headers['retry-after']).toBe('299');
    expect(limited.json).toMatchObject({ code: 429, message: expect.stringContaining('5 minutes') });

    clock.set(T0 + 5 * MINUTE - 500);
    expect((await readUser(pod, ext)).headers['retry-after']).toBe('1');

    clock.set(T0 + 5 * MINUTE);
    expect((await readUser(pod, ext)).status).toBe(200);
    clock.advance(1);
    expect((await readUser(pod, ext)).status).toBe(429);
  });

  it('does not restart the window on a refused read', async () => {
    const { pod, clock, ext } = setup();
    await register(pod, [ext]);
    await readUser(pod, ext);
    clock.set(T0 + 4 * MINUTE);
    expect((await readUser(pod, ext)).status).toBe(429);
    clock.set(T0 + 5 * MINUTE);
    expect((await readUser(pod, ext)).status).toBe(200);
  });

  it('limits each user separately', async () => {
    const { pod, ext, ext2 } = setup();
    await register(pod, [ext, ext2]);
    expect((await readUser(pod, ext)).status).toBe(200);
    expect((await readUser(pod, ext2)).status).toBe(200);
  });

  it('limits each session separately', async () => {
    const { pod, ext } = setup();
    const other = pod.createSession({ userId: pod.defaultUserId });
    await register(pod, [ext], DEFAULT_SESSION_TOKEN);
    await register(pod, [ext], other);
    expect((await readUser(pod, ext, DEFAULT_SESSION_TOKEN)).status).toBe(200);
    expect((await readUser(pod, ext, other)).status).toBe(200);
    expect((await readUser(pod, ext, DEFAULT_SESSION_TOKEN)).status).toBe(429);
    expect((await readUser(pod, ext, other)).status).toBe(429);
  });

  it('does not count reads refused for missing interest', async () => {
    const { pod, ext } = setup();
    expect((await readUser(pod, ext)).status).toBe(403);
    await register(pod, [ext]);
    expect((await readUser(pod, ext)).status).toBe(200);
  });
});

describe('external users: what the viewer sees', () => {
  // The Get Presence table's "External view" column, written out so a wrong mapping fails here.
  it.each([
    ['AVAILABLE', 'AVAILABLE'],
    ['BUSY', 'BUSY'],
    ['AWAY', 'AWAY'],
    ['ON_THE_PHONE', 'ON_THE_PHONE'],
    ['BE_RIGHT_BACK', 'AWAY'],
    ['IN_A_MEETING', 'IN_A_MEETING'],
    ['OUT_OF_OFFICE', 'OUT_OF_OFFICE'],
    ['OFF_WORK', 'OFFLINE'],
    ['DO_NOT_DISTURB', 'AWAY'],
    ['OFFLINE', 'OFFLINE'],
    ['UNDEFINED', 'UNDEFINED'],
    ['SOMETHING_NEW', 'SOMETHING_NEW'],
  ])('%s is seen as %s by an external viewer (and as itself internally)', async (category, external) => {
    const { pod, clock, ext } = setup();
    pod.setUserPresence(ext, category);
    const colleague = pod.users.find((u) => u.tenantId === pod.getUser(ext)!.tenantId && u.id !== ext)!;
    const colleagueToken = pod.createSession({ userId: colleague.id });
    clock.advance(2 * MINUTE);
    await register(pod, [ext]);
    const res = await readUser(pod, ext);
    // OFFLINE answers carry the time of the call; others the time the state was set.
    expect(res.json).toEqual({
      category: external,
      userId: Number(ext),
      timestamp: external === 'OFFLINE' ? T0 + 2 * MINUTE : T0,
    });
    expect((await readUser(pod, ext, colleagueToken)).json).toMatchObject({ category });
  });

  it('shows OFFLINE for external users the caller is not connected to, after the same checks', async () => {
    const { pod, clock } = setup();
    const stranger = externalUsers(pod, false)[0]!;
    pod.setUserPresence(stranger, 'AVAILABLE');
    clock.advance(MINUTE);
    expect((await readUser(pod, stranger)).status).toBe(403);
    await register(pod, [stranger]);
    expect((await readUser(pod, stranger)).json).toEqual({
      category: 'OFFLINE',
      userId: Number(stranger),
      timestamp: T0 + MINUTE,
    });
    expect((await readUser(pod, stranger)).status).toBe(429);
    pod.connect(pod.defaultUserId, stranger);
    clock.advance(5 * MINUTE);
    expect((await readUser(pod, stranger)).json).toMatchObject({ category: 'AVAILABLE' });
  });

  it('answers OFFLINE for local=true, without interest and without using up the rate limit', async () => {
    const { pod, clock, ext } = setup();
    pod.setUserPresence(ext, 'BUSY');
    clock.advance(MINUTE);
    const local = await readUser(pod, ext, undefined, '?local=true');
    expect(local.json).toEqual({ category: 'OFFLINE', userId: Number(ext), timestamp: T0 + MINUTE });
    await register(pod, [ext]);
    expect((await readUser(pod, ext, undefined, '?local=false')).json).toMatchObject({ category: 'BUSY' });
    expect((await readUser(pod, ext, undefined, '?local=true')).status).toBe(200);
  });
});

describe('ids above 2^53', () => {
  it('keeps every digit through register, read and the ledger', async () => {
    const { pod } = setup();
    const big = pod.users.find((u) => BigInt(u.id) > 2n ** 53n)!.id;
    expect(String(Number(big))).not.toBe(big); // a double would change it
    pod.setUserPresence(big, 'BUSY');
    expect((await register(pod, [big, '12987981103203'])).status).toBe(200);
    const res = await readUser(pod, big);
    expect(res.status).toBe(200);
    expect(res.bodyText).toBe(`{"category":"BUSY","userId":${big},"timestamp":${T0}}`);
    expect((parseJsonLossless(res.bodyText) as { userId: string }).userId).toBe(big);
    expect(pod.registrations(big)[0]?.userIds).toContain(big);
    expect(pod.reads(big)[0]?.userId).toBe(big);
  });

  it('does not confuse a big id with its rounded neighbour', async () => {
    const { pod } = setup();
    const big = pod.users.find((u) => BigInt(u.id) > 2n ** 53n)!.id;
    const rounded = BigInt(Number(big)).toString();
    expect(rounded).not.toBe(big);
    expect((await readUser(pod, rounded)).status).toBe(404);
  });
});
