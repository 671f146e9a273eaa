import { createMockPod, type MockPod, type MockPodUser } from '../../src/mock-pod';
import type { UserId } from '../../src/model';
import { STORY_POD_OPTIONS } from './storyPod';

/** A person shown in the page-sized stories. */
export interface StoryPerson {
  readonly id: UserId;
  readonly name: string;
  readonly company: string;
  /** Of another company than the requesting user (Symphony's external limits apply). */
  readonly external: boolean;
}

/** Who the page-sized stories show; every list is sorted by id and the same on every load. */
export interface StoryPeople {
  /** The requesting user (the owner of the emulator's default session). */
  readonly self: StoryPerson;
  /** The "Team dashboard" roster: 140 colleagues, then 60 connected external contacts. */
  readonly team: readonly StoryPerson[];
  /** The "Request budget" cast: 6 colleagues and 6 external contacts that are not in `team`. */
  readonly budget: { readonly internal: readonly StoryPerson[]; readonly external: readonly StoryPerson[] };
}

/** Colleagues on the dashboard. */
export const TEAM_INTERNAL_COUNT = 140;
/** External contacts on the dashboard. */
export const TEAM_EXTERNAL_COUNT = 60;
/** People of each side in the budget story. */
export const BUDGET_PER_SIDE = 6;

let people: StoryPeople | undefined;

/**
 * The people of the emulator that serves the stories, known without asking it.
 *
 * Under `npm start` the emulator runs in Node behind the dev server, so the browser cannot list
 * its users. It does not need to: the population (ids, names, connections) depends only on the
 * seed (`buildPopulation` draws it from its own seeded stream; the clock only sets timestamps
 * and churn changes presence, never people), so a pod built here from the same options has the
 * same people as the one answering, in Node or in MSW.
 *
 * The budget story's external contacts are kept apart from the dashboard's: the pod allows one
 * read per external user per 5 minutes per session, and both stories share the session when a
 * reader moves from one to the other.
 */
export function storyPeople(): StoryPeople {
  if (people) return people;
  // A pod only for its population: no churn, nothing served.
  const pod = createMockPod({ ...STORY_POD_OPTIONS, churn: false });
  const selfUser = pod.getUser(pod.defaultUserId);
  if (!selfUser) throw new Error('story pod has no default user');
  const colleagues = pod.users.filter((u) => u.tenantId === pod.homeTenantId && u.id !== pod.defaultUserId);
  const contacts = pod.users.filter((u) => u.tenantId !== pod.homeTenantId && pod.isConnected(pod.defaultUserId, u.id));
  const teamContacts = pickContacts(pod, contacts, TEAM_EXTERNAL_COUNT);
  const inTeam = new Set(teamContacts.map((u) => u.id));
  const toPerson = (u: MockPodUser): StoryPerson => ({
    id: u.id,
    name: u.displayName,
    company: u.company,
    external: u.tenantId !== pod.homeTenantId,
  });
  people = {
    self: toPerson(selfUser),
    team: [...colleagues.slice(0, TEAM_INTERNAL_COUNT), ...teamContacts].map(toPerson),
    budget: {
      internal: colleagues.slice(0, BUDGET_PER_SIDE).map(toPerson),
      external: contacts
        .filter((u) => !inTeam.has(u.id))
        .slice(-BUDGET_PER_SIDE)
        .map(toPerson),
    },
  };
  return people;
}

/**
 * `count` connected contacts: every one of the small tenants (whose ids exceed 2^53, worth
 * showing), then the first of the big ones.
 */
function pickContacts(pod: MockPod, contacts: readonly MockPodUser[], count: number): MockPodUser[] {
  const perTenant = new Map<number, number>();
  for (const u of pod.users) perTenant.set(u.tenantId, (perTenant.get(u.tenantId) ?? 0) + 1);
  const small = contacts.filter((u) => (perTenant.get(u.tenantId) ?? 0) < 20);
  const big = contacts.filter((u) => (perTenant.get(u.tenantId) ?? 0) >= 20);
  const picked = [...small, ...big].slice(0, count);
  if (picked.length < count) throw new Error(`story pod has only ${picked.length} connected external users`);
  // Keep id order, like the pod's listing.
  return picked.sort((a, b) => contacts.indexOf(a) - contacts.indexOf(b));
}
