/** Graph's precedence of states, which also decides a merged presence. */
import type { CategoryValue, PresenceCategory } from './categories';
import { isKnownGraphAvailability, knownPair, type GraphAvailability, type GraphPresencePair, type KnownGraphAvailability } from './graph';

/*
 * Graph documents DoNotDisturb > Busy > Available > Away among session states. The other values
 * are slotted in by meaning: idle variants just below their active one, BeRightBack level with
 * Away (ties keep the earlier session), out of office above Offline (it says more than Offline and
 * less than any live state), then Offline, then unknown.
 */
const AVAILABILITY_RANK: Readonly<Record<KnownGraphAvailability, number>> = Object.freeze({
  DoNotDisturb: 70,
  Busy: 60,
  BusyIdle: 55,
  Available: 50,
  AvailableIdle: 45,
  Away: 40,
  BeRightBack: 40,
  OutOfOffice: 20,
  Offline: 10,
  PresenceUnknown: 0,
});

/** Rank of an availability in Graph's precedence; 0 for unknown values. Higher wins. */
export function graphAvailabilityRank(availability: GraphAvailability): number {
  return isKnownGraphAvailability(availability) ? AVAILABILITY_RANK[availability] : 0;
}

const OFFLINE_PAIR = knownPair('Offline', 'Offline');

/**
 * The state a user shows from their sessions, by Graph's precedence: a user-preferred presence
 * overrides every session, but only while at least one session exists; otherwise the session
 * with the highest availability wins (DoNotDisturb > Busy > Available > Away), the earliest in
 * `sessions` on a tie. No session at all is `Offline/Offline`.
 */
export function aggregateGraphSessions(
  sessions: readonly GraphPresencePair[],
  preferred?: GraphPresencePair | null,
): GraphPresencePair {
  if (sessions.length === 0) return OFFLINE_PAIR;
  if (preferred) return preferred;
  let best = sessions[0] as GraphPresencePair;
  for (const s of sessions) if (graphAvailabilityRank(s.availability) > graphAvailabilityRank(best.availability)) best = s;
  return best;
}

/** The availability a Symphony category stands for, for ranking across platforms. */
const CATEGORY_AVAILABILITY: Readonly<Record<PresenceCategory, KnownGraphAvailability>> = Object.freeze({
  UNDEFINED: 'PresenceUnknown',
  AVAILABLE: 'Available',
  BUSY: 'Busy',
  DO_NOT_DISTURB: 'DoNotDisturb',
  ON_THE_PHONE: 'Busy',
  BE_RIGHT_BACK: 'BeRightBack',
  IN_A_MEETING: 'Busy',
  AWAY: 'Away',
  OUT_OF_OFFICE: 'OutOfOffice',
  OFF_WORK: 'Offline',
  OFFLINE: 'Offline',
});

/**
 * Rank of any presence in the merged precedence: Graph's session precedence applied to both
 * platforms. A presence with Graph details is ranked by its availability; a Symphony presence by
 * the availability its category stands for (ON_THE_PHONE and IN_A_MEETING count as Busy,
 * OFF_WORK as Offline). Unknown values rank lowest. Higher wins.
 */
export function precedenceRank(presence: {
  readonly category: CategoryValue;
  readonly graph?: { readonly availability: string } | undefined;
}): number {
  if (presence.graph) return graphAvailabilityRank(presence.graph.availability);
  const availability = (CATEGORY_AVAILABILITY as Readonly<Record<string, KnownGraphAvailability>>)[presence.category];
  return availability !== undefined && Object.hasOwn(CATEGORY_AVAILABILITY, presence.category)
    ? AVAILABILITY_RANK[availability]
    : 0;
}
