import { GRAPH_TIMEOUT_MS, aggregateGraphSessions, type GraphPresencePair, type GraphUserId } from '../../model';
import type { MockGraphSession, MockGraphUser } from './types';

/** One Teams client or app session of a user. */
export interface Session {
  readonly sessionId: string;
  readonly kind: 'app' | 'client';
  pair: GraphPresencePair;
  setAt: number;
  expiresAt: number;
}

/** A user of the emulated Graph tenant, as the emulator keeps it. */
export interface UserRecord {
  readonly id: GraphUserId;
  readonly displayName: string;
  /** Most recently set first. */
  sessions: Session[];
  preferred: (GraphPresencePair & { expiresAt: number }) | undefined;
  outOfOffice: boolean;
  oofMessage: string | undefined;
  inMeeting: boolean;
  statusMessage: { text: string; setAt: number; expiresAt: number | undefined } | undefined;
}

/** Who a bearer token acts for: a user (delegated) or only an app. */
export interface TokenInfo {
  readonly userId: GraphUserId | undefined;
  readonly appId: GraphUserId;
}

interface Computed extends GraphPresencePair {
  readonly outOfOffice: boolean;
}

/** A session's pair at `now`, after the fade; `undefined` once it expired. */
export function currentPair(s: Session, now: number): GraphPresencePair | undefined {
  if (now >= s.expiresAt) return undefined;
  if (s.kind === 'app' && s.pair.availability === 'Available') {
    const idle = now - s.setAt;
    if (idle >= 2 * GRAPH_TIMEOUT_MS) return { availability: 'Away', activity: 'Away' };
    if (idle >= GRAPH_TIMEOUT_MS) return { availability: 'Available', activity: 'AvailableInactive' };
  }
  return s.pair;
}

/** Drops expired sessions and preferences. */
export function prune(user: UserRecord, now: number): void {
  user.sessions = user.sessions.filter((s) => now < s.expiresAt);
  if (user.preferred && now >= user.preferred.expiresAt) user.preferred = undefined;
}

/** Puts `session` first, replacing an earlier one with the same id. */
export function putSession(user: UserRecord, session: Session): void {
  user.sessions = [session, ...user.sessions.filter((s) => s.sessionId !== session.sessionId)];
}

/** The user's presence at `now`: preferred over sessions, a meeting as one more session, then out of office. */
export function compute(user: UserRecord, now: number): Computed {
  prune(user, now);
  const live = user.sessions.map((s) => currentPair(s, now)).filter((p): p is GraphPresencePair => p !== undefined);
  let base: GraphPresencePair;
  if (live.length > 0 && user.preferred) {
    base = { availability: user.preferred.availability, activity: user.preferred.activity };
  } else {
    const states = user.inMeeting ? [...live, { availability: 'Busy', activity: 'InAMeeting' }] : live;
    base = aggregateGraphSessions(states);
  }
  if (!user.outOfOffice) return { ...base, outOfOffice: false };
  if (base.availability === 'Offline') return { availability: 'OutOfOffice', activity: 'OutOfOffice', outOfOffice: true };
  if (base.availability === 'Available') return { availability: 'Available', activity: 'OutOfOffice', outOfOffice: true };
  return { ...base, outOfOffice: true };
}

/** The message while it has not expired, as Graph's presenceStatusMessage (times in UTC). */
function liveStatusMessage(user: UserRecord, now: number): UserRecord['statusMessage'] {
  const m = user.statusMessage;
  return m && (m.expiresAt === undefined || m.expiresAt > now) ? m : undefined;
}

function statusMessageJson(user: UserRecord, now: number): Record<string, unknown> | null {
  const m = liveStatusMessage(user, now);
  if (!m) return null;
  const utc = (t: number) => ({ dateTime: `${new Date(t).toISOString().slice(0, -1)}0000`, timeZone: 'UTC' });
  return {
    message: { content: m.text, contentType: 'text' },
    // Assumption: a message without expiry is answered with no expiryDateTime (Graph's docs show none).
    expiryDateTime: m.expiresAt === undefined ? null : utc(m.expiresAt),
    publishedDateTime: new Date(m.setAt).toISOString(),
  };
}

/** The user's presence resource as Graph answers it. */
export function presenceJson(user: UserRecord, now: number): Record<string, unknown> {
  const p = compute(user, now);
  return {
    '@odata.context': `https://graph.microsoft.com/v1.0/$metadata#users('${user.id}')/presence/$entity`,
    id: user.id,
    availability: p.availability,
    activity: p.activity,
    statusMessage: statusMessageJson(user, now),
    outOfOfficeSettings: { message: user.outOfOffice ? (user.oofMessage ?? null) : null, isOutOfOffice: p.outOfOffice },
  };
}

/** A frozen copy of the user for tests to inspect. */
export function snapshot(user: UserRecord, now: number): MockGraphUser {
  const p = compute(user, now);
  return Object.freeze({
    id: user.id,
    displayName: user.displayName,
    availability: p.availability,
    activity: p.activity,
    outOfOffice: p.outOfOffice,
    inMeeting: user.inMeeting,
    statusMessage: ((m) => (m ? Object.freeze({ text: m.text, expiresAt: m.expiresAt }) : undefined))(liveStatusMessage(user, now)),
    preferred: user.preferred ? Object.freeze({ ...user.preferred }) : undefined,
    sessions: Object.freeze(
      user.sessions.map(
        (s): MockGraphSession =>
          Object.freeze({
            sessionId: s.sessionId,
            kind: s.kind,
            set: { ...s.pair },
            current: currentPair(s, now) ?? { ...s.pair },
            setAt: s.setAt,
            expiresAt: s.expiresAt,
          }),
      ),
    ),
  });
}
