/**
 * Microsoft Graph presence: its availability/activity pairs and the presence states table. The
 * rest of Graph's rules have their own files: graphUserId, parseGraphPresence, graphExpiration,
 * graphPrecedence, graphMapping (to and from Symphony); isoDuration and mergePresences are not
 * about Graph alone.
 *
 * Graph, like Symphony, types both fields as free strings, so every function here accepts any
 * string and keeps values it does not know apart from the known ones.
 */
// ---------------------------------------------------------------------------------------------
// Values

/** Availabilities Graph documents, plus `OutOfOffice`, which the presence states table shows. */
export const GRAPH_AVAILABILITIES = [
  'Available',
  'AvailableIdle',
  'Away',
  'BeRightBack',
  'Busy',
  'BusyIdle',
  'DoNotDisturb',
  'Offline',
  'OutOfOffice',
  'PresenceUnknown',
] as const;

/** Activities Graph documents, plus `AvailableInactive` (the first timeout stage) and `Focusing`. */
export const GRAPH_ACTIVITIES = [
  'Available',
  'AvailableInactive',
  'Away',
  'BeRightBack',
  'Busy',
  'DoNotDisturb',
  'Focusing',
  'InACall',
  'InAConferenceCall',
  'Inactive',
  'InAMeeting',
  'Offline',
  'OffWork',
  'OutOfOffice',
  'PresenceUnknown',
  'Presenting',
  'UrgentInterruptionsOnly',
] as const;

/** One of the known availabilities. */
export type KnownGraphAvailability = (typeof GRAPH_AVAILABILITIES)[number];
/** One of the known activities. */
export type KnownGraphActivity = (typeof GRAPH_ACTIVITIES)[number];
/** An availability as Graph sent it: a known one or any other string (completion kept by `string & {}`). */
export type GraphAvailability = KnownGraphAvailability | (string & {});
/** An activity as Graph sent it: a known one or any other string. */
export type GraphActivity = KnownGraphActivity | (string & {});

/** Graph's base presence plus its supplemental activity. */
export interface GraphPresencePair {
  readonly availability: GraphAvailability;
  readonly activity: GraphActivity;
}

const knownAvailabilities: ReadonlySet<string> = new Set(GRAPH_AVAILABILITIES);
const knownActivities: ReadonlySet<string> = new Set(GRAPH_ACTIVITIES);

/** True for the documented availability names (case-sensitive, as Graph sends them). */
export function isKnownGraphAvailability(value: unknown): value is KnownGraphAvailability {
  return typeof value === 'string' && knownAvailabilities.has(value);
}

/** True for the documented activity names. */
export function isKnownGraphActivity(value: unknown): value is KnownGraphActivity {
  return typeof value === 'string' && knownActivities.has(value);
}

/** A frozen pair of documented values (the tables are written with it). */
export const knownPair = (availability: KnownGraphAvailability, activity: KnownGraphActivity): GraphPresencePair =>
  Object.freeze({ availability, activity });

/** True when both pairs name the same state. */
export function sameGraphPair(a: GraphPresencePair | undefined, b: GraphPresencePair | undefined): boolean {
  return a !== undefined && b !== undefined && a.availability === b.availability && a.activity === b.activity;
}

/**
 * A pair written as one string, `Availability/Activity` (e.g. `Busy/InAConferenceCall`). The Graph
 * adapter accepts it wherever a category is expected, so a pair with no Symphony category of its
 * own can still be set through the engine and shown by the widgets.
 */
export function graphPairKey(p: GraphPresencePair): string {
  return `${p.availability}/${p.activity}`;
}

/** Reads `Availability/Activity` back into a pair with a known availability; `undefined` otherwise. */
export function parseGraphPairKey(value: unknown): GraphPresencePair | undefined {
  if (typeof value !== 'string') return undefined;
  const slash = value.indexOf('/');
  if (slash <= 0 || slash !== value.lastIndexOf('/') || slash === value.length - 1) return undefined;
  const availability = value.slice(0, slash);
  return isKnownGraphAvailability(availability) ? { availability, activity: value.slice(slash + 1) } : undefined;
}

// ---------------------------------------------------------------------------------------------
// Presence states

/** One row of Graph's "presence states permutations" table. */
export interface GraphPresenceState extends GraphPresencePair {
  /** The state's name in Teams, as the table gives it. */
  readonly teamsState: string;
  /** The row carries `outOfOfficeSettings.isOutOfOffice = true` on top of the pair ("+ OOF"). */
  readonly outOfOffice: boolean;
  /**
   * The table's "Set presence compatible" column. Every "Yes" row is settable by *some* API:
   * `setPresence` ({@link SET_PRESENCE_PAIRS}) or `setUserPreferredPresence`
   * ({@link USER_PREFERRED_PAIRS}); Graph's own list of what `setPresence` accepts is the narrower one.
   */
  readonly compatible: boolean;
  /** The state only comes from calendar events (`showAs: oof`, a scheduled meeting), never from a set call. */
  readonly eventOnly: boolean;
}

const state = (
  teamsState: string,
  availability: KnownGraphAvailability,
  activity: KnownGraphActivity,
  outOfOffice: boolean,
  compatible: boolean,
  eventOnly: boolean,
): GraphPresenceState => Object.freeze({ teamsState, availability, activity, outOfOffice, compatible, eventOnly });

/**
 * Graph's presence states permutations table, in its order. The last row gives only
 * `OutOfOffice`; its activity is `OutOfOffice` too (the only activity an out-of-office user with
 * no live session can have).
 */
export const GRAPH_PRESENCE_STATES: readonly GraphPresenceState[] = Object.freeze([
  state('Available', 'Available', 'Available', false, true, false),
  state('Available, Out of Office', 'Available', 'OutOfOffice', true, false, true),
  state('Busy', 'Busy', 'Busy', false, true, false),
  state('In a call', 'Busy', 'InACall', false, true, false),
  state('In a meeting', 'Busy', 'InAMeeting', false, false, true),
  state('In a call, out of office', 'Busy', 'InACall', true, false, true),
  state('Do not disturb', 'DoNotDisturb', 'DoNotDisturb', false, true, false),
  state('Presenting', 'DoNotDisturb', 'Presenting', false, true, false),
  state('Focusing', 'DoNotDisturb', 'Focusing', false, false, false),
  state('Away', 'Away', 'Away', false, true, false),
  state('Be right back', 'BeRightBack', 'BeRightBack', false, true, false),
  state('Appear offline', 'Offline', 'OffWork', false, true, false),
  state('Status unknown', 'PresenceUnknown', 'PresenceUnknown', false, false, false),
  state('Out of Office', 'OutOfOffice', 'OutOfOffice', true, false, true),
]);

/** The pairs `POST /users/{id}/presence/setPresence` accepts (Graph's "supported combinations"). */
export const SET_PRESENCE_PAIRS: readonly GraphPresencePair[] = Object.freeze([
  knownPair('Available', 'Available'),
  knownPair('Busy', 'InACall'),
  knownPair('Busy', 'InAConferenceCall'),
  knownPair('Away', 'Away'),
  knownPair('DoNotDisturb', 'Presenting'),
]);

/** The pairs `setUserPreferredPresence` accepts. */
export const USER_PREFERRED_PAIRS: readonly GraphPresencePair[] = Object.freeze([
  knownPair('Available', 'Available'),
  knownPair('Busy', 'Busy'),
  knownPair('DoNotDisturb', 'DoNotDisturb'),
  knownPair('BeRightBack', 'BeRightBack'),
  knownPair('Away', 'Away'),
  knownPair('Offline', 'OffWork'),
]);

const includesPair = (list: readonly GraphPresencePair[], p: GraphPresencePair): boolean =>
  list.some((q) => sameGraphPair(q, p));

/** True when `setPresence` accepts the pair. */
export function isSettableGraphPair(p: GraphPresencePair | undefined | null): boolean {
  return !!p && typeof p.availability === 'string' && typeof p.activity === 'string' && includesPair(SET_PRESENCE_PAIRS, p);
}

/** True when `setUserPreferredPresence` accepts the pair. */
export function isUserPreferredGraphPair(p: GraphPresencePair | undefined | null): boolean {
  return !!p && typeof p.availability === 'string' && typeof p.activity === 'string' && includesPair(USER_PREFERRED_PAIRS, p);
}
