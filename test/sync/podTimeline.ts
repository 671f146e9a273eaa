/**
 * What the generated timelines share, whichever layer they check (the engine in
 * test/sync/timelines.property.test.ts, React in test/components/timelines.property.test.tsx):
 * the people shown, the pod's own steps, a client whose token can rotate, the moments each
 * person's view last changed, and the requests that broke a rule.
 */
import fc from 'fast-check';
import { createSymphonyClient, type SymphonyClient } from '../../src/client';
import { DEFAULT_SESSION_TOKEN, type MockPod, type MockPodAssumptions } from '../../src/mock-pod';
import type { UserId } from '../../src/model';
import { POD_URL, podFetch, truth } from './harness';

export const SETTABLE = ['AVAILABLE', 'BUSY', 'ON_THE_PHONE', 'BE_RIGHT_BACK', 'DO_NOT_DISTURB', 'OUT_OF_OFFICE', 'OFF_WORK', 'IN_A_MEETING'];

/** What people of the pod do on their own. */
export type PodStep =
  | { t: 'set'; user: number; category: string }
  | { t: 'offline'; user: number }
  | { t: 'online'; user: number }
  | { t: 'idle'; user: number; idle: boolean };

/** The pod's steps for `users` people, with the weights both timelines use. */
export function podStepArbitraries(users: number): Array<fc.WeightedArbitrary<PodStep>> {
  const user = fc.nat(users - 1);
  return [
    { weight: 4, arbitrary: fc.record({ t: fc.constant('set' as const), user, category: fc.constantFrom(...SETTABLE) }) },
    { weight: 2, arbitrary: fc.record({ t: fc.constant('offline' as const), user }) },
    { weight: 2, arbitrary: fc.record({ t: fc.constant('online' as const), user }) },
    { weight: 1, arbitrary: fc.record({ t: fc.constant('idle' as const), user, idle: fc.boolean() }) },
  ];
}

/** Carries out a step of the pod's people. */
export function applyPodStep(pod: MockPod, ids: readonly UserId[], step: PodStep): void {
  switch (step.t) {
    case 'set':
      pod.setUserPresence(ids[step.user]!, step.category);
      break;
    case 'offline':
    case 'online':
      pod.setOnline(ids[step.user]!, step.t === 'online');
      break;
    case 'idle':
      pod.setIdle(ids[step.user]!, step.idle);
      break;
  }
}

/**
 * The people a timeline shows: `home` colleagues, `connected` people of other companies, and
 * one stranger (another company, not connected), with what each should look like to the viewer.
 */
export function timelineCast(pod: MockPod, assumptions: MockPodAssumptions, counts: { home: number; connected: number }) {
  const me = pod.defaultUserId;
  const home = pod.users.filter((u) => u.tenantId === pod.homeTenantId && u.id !== me).map((u) => u.id);
  const connected = pod.users.filter((u) => u.tenantId !== pod.homeTenantId && pod.isConnected(me, u.id)).map((u) => u.id);
  const stranger = pod.users.find((u) => u.tenantId !== pod.homeTenantId && !pod.isConnected(me, u.id))!.id;
  const ids: UserId[] = [...home.slice(0, counts.home), ...connected.slice(0, counts.connected), stranger];
  const external = (id: UserId) => pod.getUser(id)!.tenantId !== pod.homeTenantId;
  // With ASM-UNCONNECTED-OFFLINE off the pod refuses a stranger with 403: then "forbidden" is
  // the right thing to show (after one fresh registration), and a fake OFFLINE the wrong one.
  const strangerForbidden = assumptions.unconnectedReadsOffline === false;
  const expected = (id: UserId) => (id === stranger && strangerForbidden ? 'error:forbidden' : truth(pod, me, id));
  /** Requests the pod refused (429, or 403 but for the stranger it may refuse) that no fault caused. */
  const brokenRequests = () =>
    pod.ledger
      .filter((e) => !e.faulted && (e.status === 429 || e.status === 403) && !(strangerForbidden && e.userId === stranger && e.status === 403))
      .map((e) => `${e.status} ${e.route} ${e.userId} at ${e.time}`);
  return { me, ids, stranger, external, strangerForbidden, expected, brokenRequests };
}

/** A client of the viewer whose token a step can rotate; a forced refresh makes a new session. */
export function rotatingClient(pod: MockPod) {
  let token = DEFAULT_SESSION_TOKEN;
  return {
    create: (): SymphonyClient =>
      createSymphonyClient({
        podUrl: POD_URL,
        fetch: podFetch(pod),
        getSessionToken: ({ forceRefresh }) => {
          if (forceRefresh) token = pod.createSession({ userId: pod.defaultUserId });
          return token;
        },
      }),
    rotate: () => (token = pod.createSession({ userId: pod.defaultUserId })),
    get token() {
      return token;
    },
  };
}

/** When what each person looks like to the viewer last changed; `note()` after every step. */
export function changeTracker(pod: MockPod, me: UserId, ids: readonly UserId[]) {
  const changedAt = new Map<UserId, number>(ids.map((id) => [id, Date.now()]));
  let seen = new Map(ids.map((id) => [id, truth(pod, me, id)]));
  return {
    changedAt: (id: UserId) => changedAt.get(id)!,
    note() {
      for (const id of ids) if (truth(pod, me, id) !== seen.get(id)) changedAt.set(id, Date.now());
      seen = new Map(ids.map((id) => [id, truth(pod, me, id)]));
    },
  };
}
