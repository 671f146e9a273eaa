/**
 * Symphony's presence categories and what each one means on screen.
 *
 * The server types `category` as a free string and warns that other values occur, so every
 * function here accepts any string and keeps values it does not know apart from the known ones.
 */

/** The categories the Symphony pod API documents, in the order of its spec. */
export const PRESENCE_CATEGORIES = [
  'UNDEFINED',
  'AVAILABLE',
  'BUSY',
  'DO_NOT_DISTURB',
  'ON_THE_PHONE',
  'BE_RIGHT_BACK',
  'IN_A_MEETING',
  'AWAY',
  'OUT_OF_OFFICE',
  'OFF_WORK',
  'OFFLINE',
] as const;

/** One of the documented categories. */
export type PresenceCategory = (typeof PRESENCE_CATEGORIES)[number];

/**
 * A category as the server sent it: a documented one, or any other string.
 * The `string & {}` keeps editor completion for the known names.
 */
export type CategoryValue = PresenceCategory | (string & {});

/** The interface icon's shape. Shape, not only colour, tells the states apart. */
export type PresenceGlyph = 'check' | 'clock' | 'cross' | 'sign' | 'phone' | 'circle' | 'ring' | 'unknown';

/** The colour family of a state; components map it to CSS custom properties. */
export type PresenceTone = 'available' | 'away' | 'busy' | 'offline' | 'out-of-office' | 'unknown';

/** Everything the library knows about one category. */
export interface CategoryInfo {
  readonly category: PresenceCategory;
  /** Icon shape, from the Get Presence table ("green check mark", "yellow clock", ...). */
  readonly glyph: PresenceGlyph;
  readonly tone: PresenceTone;
  /** English label; other languages live with the components. */
  readonly label: string;
  /** What a user of another company sees instead. */
  readonly externalView: PresenceCategory;
  /** Deprecated by Symphony in 20.16; still returned by older pods. */
  readonly deprecated: boolean;
  /** Accepted by Set Presence (the set the official SDKs expose). */
  readonly settable: boolean;
}

const row = (
  category: PresenceCategory,
  glyph: PresenceGlyph,
  tone: PresenceTone,
  label: string,
  externalView: PresenceCategory,
  deprecated: boolean,
  settable: boolean,
): CategoryInfo => Object.freeze({ category, glyph, tone, label, externalView, deprecated, settable });

/*
 * Icons and external views follow the current Get Presence table. UNDEFINED has no row there:
 * it means "no status set", so it gets its own neutral ring rather than borrowing OFFLINE's cross,
 * which would claim something the server did not say.
 */
const TABLE: Readonly<Record<PresenceCategory, CategoryInfo>> = Object.freeze({
  UNDEFINED: row('UNDEFINED', 'ring', 'unknown', 'Status not set', 'UNDEFINED', false, false),
  AVAILABLE: row('AVAILABLE', 'check', 'available', 'Available', 'AVAILABLE', false, true),
  BUSY: row('BUSY', 'sign', 'busy', 'Busy', 'BUSY', false, true),
  DO_NOT_DISTURB: row('DO_NOT_DISTURB', 'circle', 'busy', 'Do not disturb', 'AWAY', true, false),
  ON_THE_PHONE: row('ON_THE_PHONE', 'phone', 'busy', 'On the phone', 'ON_THE_PHONE', false, true),
  BE_RIGHT_BACK: row('BE_RIGHT_BACK', 'clock', 'away', 'Be right back', 'AWAY', false, true),
  IN_A_MEETING: row('IN_A_MEETING', 'phone', 'busy', 'In a meeting', 'IN_A_MEETING', false, true),
  AWAY: row('AWAY', 'clock', 'away', 'Away', 'AWAY', false, true),
  OUT_OF_OFFICE: row('OUT_OF_OFFICE', 'circle', 'out-of-office', 'Out of office', 'OUT_OF_OFFICE', false, true),
  OFF_WORK: row('OFF_WORK', 'clock', 'away', 'Off work', 'OFFLINE', true, true),
  OFFLINE: row('OFFLINE', 'cross', 'offline', 'Offline', 'OFFLINE', false, false),
});

const known: ReadonlySet<string> = new Set(PRESENCE_CATEGORIES);

/** True only for the documented category names (case-sensitive, as the server sends them). */
export function isKnownCategory(value: unknown): value is PresenceCategory {
  return typeof value === 'string' && known.has(value);
}

/** The row of a known category: always there, so no `undefined` to handle. */
export function getCategoryInfo(value: PresenceCategory): CategoryInfo;
/** The row for a known category, or `undefined` for anything else (a value the server added later). */
export function getCategoryInfo(value: CategoryValue): CategoryInfo | undefined;
export function getCategoryInfo(value: CategoryValue): CategoryInfo | undefined {
  return isKnownCategory(value) ? TABLE[value] : undefined;
}

/**
 * What a viewer of another company sees. Values the library does not know are passed through
 * unchanged: guessing a mapping would show a state the server never sent.
 */
export function toExternalView(value: CategoryValue): CategoryValue {
  return isKnownCategory(value) ? TABLE[value].externalView : value;
}

/** Categories Set Presence accepts; deprecated ones only when asked for. */
export function settableCategories(options: { includeDeprecated?: boolean } = {}): PresenceCategory[] {
  return PRESENCE_CATEGORIES.filter((c) => TABLE[c].settable && (options.includeDeprecated || !TABLE[c].deprecated));
}

/** Visual info for any value, with a neutral `unknown` entry for values the library does not know. */
export function describeCategory(value: CategoryValue): {
  glyph: PresenceGlyph;
  tone: PresenceTone;
  label: string;
  known: boolean;
} {
  const info = getCategoryInfo(value);
  return info
    ? { glyph: info.glyph, tone: info.tone, label: info.label, known: true }
    : { glyph: 'unknown', tone: 'unknown', label: 'Unknown status', known: false };
}
