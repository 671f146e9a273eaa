/** Reading Graph's presence resource and its status message. */
import { type GraphPresencePair, isKnownGraphActivity, isKnownGraphAvailability } from './graph';
import { type GraphUserId, parseGraphUserId } from './graphUserId';

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

/** Longest status message sent, in UTF-16 units (Teams shows up to 280 characters). */
export const GRAPH_STATUS_MESSAGE_MAX = 280;

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
