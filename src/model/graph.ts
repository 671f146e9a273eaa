/**
 * Microsoft Graph presence: its availability/activity pairs, the rules of presence sessions, and
 * the documented mapping to and from Symphony categories.
 *
 * Graph, like Symphony, types both fields as free strings, so every function here accepts any
 * string and keeps values it does not know apart from the known ones.
 */
import type { CategoryValue, PresenceCategory } from './categories';
import { PresenceWidgetsError } from './errors';
import type { UserId } from './userId';

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

const pair = (availability: KnownGraphAvailability, activity: KnownGraphActivity): GraphPresencePair =>
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
// The seed's tables

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
  pair('Available', 'Available'),
  pair('Busy', 'InACall'),
  pair('Busy', 'InAConferenceCall'),
  pair('Away', 'Away'),
  pair('DoNotDisturb', 'Presenting'),
]);

/** The pairs `setUserPreferredPresence` accepts. */
export const USER_PREFERRED_PAIRS: readonly GraphPresencePair[] = Object.freeze([
  pair('Available', 'Available'),
  pair('Busy', 'Busy'),
  pair('DoNotDisturb', 'DoNotDisturb'),
  pair('BeRightBack', 'BeRightBack'),
  pair('Away', 'Away'),
  pair('Offline', 'OffWork'),
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

// ---------------------------------------------------------------------------------------------
// Graph user ids

declare const graphUserIdBrand: unique symbol;

/** A Microsoft Entra object id (GUID), lower-cased: the only form put into a Graph URL path. */
export type GraphUserId = string & { readonly [graphUserIdBrand]: true };

/** A Graph user id that is not a GUID. Thrown before any request is made. */
export class InvalidGraphUserIdError extends PresenceWidgetsError {
  constructor(detail: string) {
    super(`Invalid Microsoft Graph user id: ${detail}`);
  }
}

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Validates a GUID and lower-cases it. Throws {@link InvalidGraphUserIdError} otherwise. */
export function toGraphUserId(input: unknown): GraphUserId {
  if (typeof input !== 'string') throw new InvalidGraphUserIdError(`a value of type ${input === null ? 'null' : typeof input}`);
  if (!GUID.test(input)) {
    // Described, never echoed in full: the value may be an email address or worse.
    throw new InvalidGraphUserIdError(`a ${input.length}-character string that is not a GUID`);
  }
  return input.toLowerCase() as GraphUserId;
}

/** Like {@link toGraphUserId} but returns `undefined` instead of throwing. */
export function parseGraphUserId(input: unknown): GraphUserId | undefined {
  return typeof input === 'string' && GUID.test(input) ? (input.toLowerCase() as GraphUserId) : undefined;
}

const KEY_MASK = (1n << 62n) - 1n;

/**
 * The engine key for a Graph user. The sync engine keys people by Symphony's int64 ids, which
 * cannot hold a 128-bit GUID, so the GUID's two halves are folded (XOR) into 62 bits. The fold is
 * deterministic, so every tab and every render gets the same key; it is not reversible, so the
 * Graph adapter keeps a table from key back to GUID (and steps past the rare collision).
 */
export function graphUserKey(id: GraphUserId | string): UserId {
  const hex = toGraphUserId(id).replace(/-/g, '');
  const value = BigInt(`0x${hex.slice(0, 16)}`) ^ BigInt(`0x${hex.slice(16)}`);
  const folded = value & KEY_MASK;
  return (folded === 0n ? 1n : folded).toString() as UserId;
}

// ---------------------------------------------------------------------------------------------
// Reading Graph's presence resource

/** A presence resource as Graph returns it, normalised. */
export interface GraphPresence extends GraphPresencePair {
  /** The user's object id; `undefined` when the answer had none. */
  readonly id: GraphUserId | undefined;
  /** `outOfOfficeSettings.isOutOfOffice`; false when absent. */
  readonly outOfOffice: boolean;
  /** `outOfOfficeSettings.message`, when set. Text written by the user: render it as text only. */
  readonly outOfOfficeMessage: string | undefined;
  /** `statusMessage`: the note the user set, with its expiry; `undefined` when there is none. */
  readonly statusMessage?: GraphStatusMessage | undefined;
  /** False when either field is not a documented value. */
  readonly isKnown: boolean;
}

/**
 * A status message ("Working from Lisbon this week"), from the presence's `statusMessage`.
 * Written by the user: render `text` as text, never as HTML.
 */
export interface GraphStatusMessage {
  /** The message as plain text (an HTML message has its tags removed and entities decoded). */
  readonly text: string;
  /** When it stops showing, ms since 1970; `undefined` when it does not expire (or the zone is not UTC). */
  readonly expiresAt: number | undefined;
  /** When it was set, ms since 1970, when Graph says. */
  readonly publishedAt: number | undefined;
}

const ENTITIES: Readonly<Record<string, string>> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: '\u00a0' };

/** An HTML message body as plain text: no tags, entities decoded, blank runs folded. */
export function htmlToText(html: string): string {
  return html
    .replace(/<(br|\/p|\/div|\/li)\b[^>]*>/gi, ' ')
    .replace(/<[^>]*>/g, '')
    .replace(/&(#x[0-9a-f]+|#\d+|[a-z]+);/gi, (whole, name: string) => {
      if (name[0] === '#') {
        const code = name[1] === 'x' || name[1] === 'X' ? Number.parseInt(name.slice(2), 16) : Number.parseInt(name.slice(1), 10);
        return Number.isInteger(code) && code > 0 && code <= 0x10ffff ? String.fromCodePoint(code) : whole;
      }
      return ENTITIES[name.toLowerCase()] ?? whole;
    })
    .replace(/\s+/g, ' ')
    .trim();
}

/**
 * Graph's `dateTimeTimeZone` ({ dateTime: '2026-11-30T17:00:00.0000000', timeZone: 'UTC' }) in ms
 * since 1970. Only UTC is read (what Graph answers presence reads in); other zones give `undefined`.
 */
export function parseGraphDateTime(value: unknown): number | undefined {
  if (typeof value === 'string') {
    const t = Date.parse(value);
    return Number.isFinite(t) ? t : undefined;
  }
  if (!isRecord(value) || typeof value.dateTime !== 'string') return undefined;
  const zone = typeof value.timeZone === 'string' ? value.timeZone : 'UTC';
  if (zone !== 'UTC' && zone !== 'Etc/UTC' && zone !== 'Z') return undefined;
  // Seven fractional digits are more than Date.parse accepts.
  const m = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2})?)(?:\.(\d+))?Z?$/.exec(value.dateTime.trim());
  if (!m) return undefined;
  const t = Date.parse(`${m[1]}.${(m[2] ?? '0').padEnd(3, '0').slice(0, 3)}Z`);
  // Year 9999 and the like stand for "never".
  return Number.isFinite(t) && t < FAR_FUTURE ? t : undefined;
}

/** 1 Jan 9000: later expiry times are read as "no expiry". */
const FAR_FUTURE = Date.UTC(9000, 0, 1);

/** Reads `statusMessage`; `undefined` for none, an empty one, or a malformed one. */
export function parseGraphStatusMessage(raw: unknown): GraphStatusMessage | undefined {
  if (!isRecord(raw) || !isRecord(raw.message)) return undefined;
  const { content, contentType } = raw.message;
  if (typeof content !== 'string') return undefined;
  const text = String(contentType).toLowerCase() === 'html' ? htmlToText(content) : content.trim();
  if (text.length === 0) return undefined;
  return Object.freeze({
    text,
    expiresAt: parseGraphDateTime(raw.expiryDateTime),
    publishedAt: parseGraphDateTime(raw.publishedDateTime),
  });
}

/** The message to show at `now`: none once it has expired. */
export function activeStatusMessage(message: GraphStatusMessage | undefined, now: number): GraphStatusMessage | undefined {
  return message && (message.expiresAt === undefined || message.expiresAt > now) ? message : undefined;
}

/** Result of reading server JSON: a value, or a reason that never contains the body's text. */
type Parsed<T> = { ok: true; value: T } | { ok: false; reason: string };

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Reads one Graph presence resource. Unknown availabilities and activities are kept verbatim
 * (`isKnown: false`); a missing activity reads as `PresenceUnknown`.
 */
export function parseGraphPresence(raw: unknown): Parsed<GraphPresence> {
  if (!isRecord(raw)) return { ok: false, reason: 'presence is not a JSON object' };
  const { id, availability, activity, outOfOfficeSettings, statusMessage } = raw;
  if (typeof availability !== 'string' || availability.length === 0) {
    return { ok: false, reason: 'presence has no string "availability"' };
  }
  if (activity !== undefined && activity !== null && typeof activity !== 'string') {
    return { ok: false, reason: 'presence has a non-string "activity"' };
  }
  let userId: GraphUserId | undefined;
  if (id !== undefined && id !== null) {
    userId = parseGraphUserId(id);
    if (!userId) return { ok: false, reason: 'presence has an "id" that is not a GUID' };
  }
  const act = typeof activity === 'string' && activity.length > 0 ? activity : 'PresenceUnknown';
  const oof = isRecord(outOfOfficeSettings) ? outOfOfficeSettings : {};
  return {
    ok: true,
    value: Object.freeze({
      id: userId,
      availability,
      activity: act,
      outOfOffice: oof.isOutOfOffice === true,
      outOfOfficeMessage: typeof oof.message === 'string' && oof.message.length > 0 ? oof.message : undefined,
      statusMessage: parseGraphStatusMessage(statusMessage),
      isKnown: isKnownGraphAvailability(availability) && isKnownGraphActivity(act),
    }),
  };
}

/** True when the presence says the user is out of office, by flag or by state. */
export function isGraphOutOfOffice(p: GraphPresencePair & { outOfOffice?: boolean | undefined }): boolean {
  return p.outOfOffice === true || p.availability === 'OutOfOffice' || p.activity === 'OutOfOffice';
}

// ---------------------------------------------------------------------------------------------
// Durations

/** An `expirationDuration` outside what Graph accepts, or not an ISO 8601 duration at all. */
export class InvalidDurationError extends PresenceWidgetsError {
  /** `format`: not a duration this library reads; `range`: outside PT5M..PT4H. */
  readonly reason: 'format' | 'range';
  constructor(reason: InvalidDurationError['reason'], detail: string) {
    super(`Invalid expirationDuration: ${detail}`);
    this.reason = reason;
  }
}

/** Shortest `expirationDuration` setPresence accepts (PT5M). */
export const MIN_EXPIRATION_MS = 5 * 60_000;
/** Longest `expirationDuration` setPresence accepts (PT4H). */
export const MAX_EXPIRATION_MS = 4 * 60 * 60_000;
/** Expiration of a session set without `expirationDuration`. */
export const DEFAULT_EXPIRATION_MS = 5 * 60_000;
/** An `Available` session fades after this long without a renewal (and again after as long). */
export const GRAPH_TIMEOUT_MS = 5 * 60_000;

// Days, hours, minutes and seconds only: years, months and weeks have no fixed length in ms, and
// Graph's durations never need them.
const ISO_DURATION = /^P(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+(?:\.\d+)?)S)?)?$/;

/**
 * Reads an ISO 8601 duration of days, hours, minutes and seconds (`P1D`, `PT1H30M`, `PT90S`) as
 * milliseconds; `undefined` for anything else, including `P`, `PT` and negative values.
 */
export function parseIsoDuration(text: unknown): number | undefined {
  if (typeof text !== 'string' || text.length > 40) return undefined;
  const m = ISO_DURATION.exec(text);
  if (!m || text === 'P' || text.endsWith('T')) return undefined;
  const [, d, h, min, s] = m;
  const ms = (Number(d ?? 0) * 86_400 + Number(h ?? 0) * 3600 + Number(min ?? 0) * 60 + Number(s ?? 0)) * 1000;
  return Number.isFinite(ms) ? Math.round(ms) : undefined;
}

/**
 * Validates a setPresence `expirationDuration` and returns it in milliseconds. Accepts only
 * PT5M to PT4H inclusive; throws {@link InvalidDurationError} otherwise.
 */
export function parseExpirationDuration(text: unknown): number {
  const ms = parseIsoDuration(text);
  if (ms === undefined) {
    const shown = typeof text === 'string' && text.length <= 40 ? JSON.stringify(text) : `a value of type ${typeof text}`;
    throw new InvalidDurationError('format', `${shown} is not an ISO 8601 duration such as "PT1H"`);
  }
  if (ms < MIN_EXPIRATION_MS || ms > MAX_EXPIRATION_MS) {
    throw new InvalidDurationError('range', `${String(text)} is outside PT5M..PT4H (5 to 240 minutes)`);
  }
  return ms;
}

/** Writes milliseconds as an ISO 8601 duration (`3600000` -> `PT1H`); whole seconds only. */
export function formatIsoDuration(ms: number): string {
  if (!Number.isFinite(ms) || ms < 0) throw new RangeError('duration must be a finite number >= 0');
  let s = Math.round(ms / 1000);
  const d = Math.floor(s / 86_400);
  s -= d * 86_400;
  const h = Math.floor(s / 3600);
  s -= h * 3600;
  const m = Math.floor(s / 60);
  s -= m * 60;
  const time = `${h ? `${h}H` : ''}${m ? `${m}M` : ''}${s ? `${s}S` : ''}`;
  if (!d && !time) return 'PT0S';
  return `P${d ? `${d}D` : ''}${time ? `T${time}` : ''}`;
}

/** Default expiry of a user-preferred presence: 1 day for DoNotDisturb and Busy, 7 days otherwise. */
export function defaultPreferredExpirationMs(availability: GraphAvailability): number {
  return availability === 'DoNotDisturb' || availability === 'Busy' ? 86_400_000 : 7 * 86_400_000;
}

// ---------------------------------------------------------------------------------------------
// Precedence

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

const OFFLINE_PAIR = pair('Offline', 'Offline');

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

// ---------------------------------------------------------------------------------------------
// Mapping to and from Symphony

/**
 * The Symphony category that best stands for a Graph state. Lossy: Symphony has fewer states.
 *
 * | Graph | Symphony | lost |
 * | --- | --- | --- |
 * | Available/Available, Available/AvailableInactive | AVAILABLE | the inactivity of the first timeout stage |
 * | Available/OutOfOffice | OUT_OF_OFFICE | that the user is also available |
 * | AvailableIdle/any, BusyIdle/any | AWAY | as Symphony's own idle rule does; the underlying state |
 * | Busy/Busy (and other Busy activities) | BUSY | the activity |
 * | Busy/InACall, Busy/InAConferenceCall | ON_THE_PHONE | conference vs. one-to-one |
 * | Busy/InAMeeting | IN_A_MEETING | nothing |
 * | Busy/OutOfOffice | OUT_OF_OFFICE | that the user is busy |
 * | DoNotDisturb/any (DoNotDisturb, Presenting, Focusing, UrgentInterruptionsOnly) | BUSY | DND vs. busy, and the activity |
 * | Away/any, BeRightBack/any | AWAY, BE_RIGHT_BACK | the activity |
 * | Offline/any (Offline, OffWork) | OFFLINE | "appear offline" vs. really offline |
 * | OutOfOffice/any; Away/OutOfOffice, Offline/OutOfOffice | OUT_OF_OFFICE | nothing |
 * | PresenceUnknown/any | UNDEFINED | nothing |
 * | any other availability | the availability, verbatim (an unknown category) | nothing is guessed |
 *
 * The out-of-office *flag* on a live state (Busy/InACall + OOF) is not a pair and is not folded in:
 * the live activity is what a caller needs to know now. Components show the flag as a marker.
 *
 * DoNotDisturb becomes BUSY, not DO_NOT_DISTURB: Symphony deprecated DO_NOT_DISTURB in 20.16, no
 * longer lets users choose it, and shows it to other companies as AWAY, which would tell them a
 * user who asked not to be disturbed is merely away. BUSY is Symphony's current "do not interrupt".
 */
export function toSymphonyCategory(p: GraphPresencePair): CategoryValue {
  const { availability, activity } = p;
  switch (availability) {
    case 'Available':
      return activity === 'OutOfOffice' ? 'OUT_OF_OFFICE' : 'AVAILABLE';
    case 'AvailableIdle':
    case 'BusyIdle':
      return 'AWAY';
    case 'Busy':
      if (activity === 'InACall' || activity === 'InAConferenceCall') return 'ON_THE_PHONE';
      if (activity === 'InAMeeting') return 'IN_A_MEETING';
      return activity === 'OutOfOffice' ? 'OUT_OF_OFFICE' : 'BUSY';
    case 'DoNotDisturb':
      return 'BUSY';
    case 'Away':
      return activity === 'OutOfOffice' ? 'OUT_OF_OFFICE' : 'AWAY';
    case 'BeRightBack':
      return 'BE_RIGHT_BACK';
    case 'Offline':
      return activity === 'OutOfOffice' ? 'OUT_OF_OFFICE' : 'OFFLINE';
    case 'OutOfOffice':
      return 'OUT_OF_OFFICE';
    case 'PresenceUnknown':
      return 'UNDEFINED';
    default:
      return availability;
  }
}

/** Which Graph call a Symphony category is turned into a pair for. */
export type GraphSetTarget = 'setPresence' | 'userPreferred';

const TO_SESSION: Readonly<Partial<Record<PresenceCategory, GraphPresencePair>>> = Object.freeze({
  AVAILABLE: pair('Available', 'Available'),
  ON_THE_PHONE: pair('Busy', 'InACall'),
  AWAY: pair('Away', 'Away'),
});

const TO_PREFERRED: Readonly<Partial<Record<PresenceCategory, GraphPresencePair>>> = Object.freeze({
  AVAILABLE: pair('Available', 'Available'),
  BUSY: pair('Busy', 'Busy'),
  ON_THE_PHONE: pair('Busy', 'Busy'),
  IN_A_MEETING: pair('Busy', 'Busy'),
  DO_NOT_DISTURB: pair('DoNotDisturb', 'DoNotDisturb'),
  BE_RIGHT_BACK: pair('BeRightBack', 'BeRightBack'),
  AWAY: pair('Away', 'Away'),
  OFF_WORK: pair('Offline', 'OffWork'),
  OFFLINE: pair('Offline', 'OffWork'),
});

/**
 * The Graph pair a Symphony category is set as, or `undefined` when the target call cannot
 * express it without claiming something untrue.
 *
 * `setPresence` (an app's session; the default):
 * AVAILABLE -> Available/Available, ON_THE_PHONE -> Busy/InACall, AWAY -> Away/Away. Nothing else:
 * BUSY has no settable session pair (Busy/InACall would claim a call, DoNotDisturb/Presenting a
 * presentation), IN_A_MEETING and OUT_OF_OFFICE come only from calendar events, and the rest are
 * user choices (see `userPreferred`).
 *
 * `userPreferred` (what the user picks; setUserPreferredPresence):
 * AVAILABLE, BUSY, DO_NOT_DISTURB, BE_RIGHT_BACK, AWAY to the pair of the same name;
 * ON_THE_PHONE and IN_A_MEETING -> Busy/Busy (the call or meeting is lost, nothing false is said);
 * OFF_WORK and OFFLINE -> Offline/OffWork ("appear offline"). OUT_OF_OFFICE and UNDEFINED: none.
 */
export function toGraphPair(category: CategoryValue, target: GraphSetTarget = 'setPresence'): GraphPresencePair | undefined {
  const table = target === 'userPreferred' ? TO_PREFERRED : TO_SESSION;
  return Object.hasOwn(table, category) ? table[category as PresenceCategory] : undefined;
}

// ---------------------------------------------------------------------------------------------
// Merged presence

/** How {@link mergePresences} chooses. */
export interface MergeOptions<P> {
  /**
   * Rank of a presence; the highest wins.
   * @default precedenceRank (Graph's precedence applied to both platforms)
   */
  rank?: ((presence: P) => number) | undefined;
  /**
   * Which source wins a tie in rank when the timestamps cannot decide it (one or both missing,
   * or equal). Graph presences carry no time of their own.
   * @default 'symphony'
   */
  preferOnTie?: 'symphony' | 'graph' | undefined;
}

/**
 * The presence to show for a person seen on several platforms: the highest rank, then the
 * freshest `timestamp`, then `preferOnTie`. Returns `undefined` for an empty list.
 */
export function mergePresences<
  P extends { readonly category: CategoryValue; readonly timestamp: number | undefined; readonly source?: 'symphony' | 'graph' | undefined; readonly graph?: { readonly availability: string } | undefined },
>(candidates: readonly P[], options: MergeOptions<P> = {}): P | undefined {
  const rank = options.rank ?? precedenceRank;
  const prefer = options.preferOnTie ?? 'symphony';
  let best: P | undefined;
  let bestRank = -Infinity;
  for (const p of candidates) {
    const r = rank(p);
    if (best === undefined || r > bestRank) {
      best = p;
      bestRank = r;
      continue;
    }
    if (r < bestRank) continue;
    const a = best.timestamp;
    const b = p.timestamp;
    if (a !== undefined && b !== undefined && a !== b) {
      if (b > a) best = p;
    } else if ((p.source ?? 'symphony') === prefer && (best.source ?? 'symphony') !== prefer) {
      best = p;
    }
  }
  return best;
}
