import { PRESENCE_CATEGORIES, getCategoryInfo, type PresenceCategory } from '../model';

/** Strings a badge shows or announces. */
export interface PresenceBadgeLabels extends Record<PresenceCategory, string> {
  /** A category the library does not know (the raw value is never shown as a label). */
  unknown: string;
  /** Presence not loaded yet. */
  loading: string;
  /** Presence could not be loaded. */
  error: string;
  /** The viewer may not see this user's presence. */
  forbidden: string;
  /** No such user. */
  notFound: string;
  /** Time the state was set. Placeholder: `{time}`. */
  since: string;
  /**
   * The status shown is the last known one; a newer one cannot be asked for yet (after a reload,
   * or a 429). Placeholder: `{time}`, minutes and seconds until the next read (`2:14`).
   */
  updatingIn: string;
}

/**
 * Every string the components show or announce. Templates use `{name}` placeholders that
 * {@link formatLabel} fills in; the results are rendered as React text, never as HTML.
 */
export interface PresenceLabels extends PresenceBadgeLabels {
  /** Accessible name of the status picker. */
  changeStatus: string;
  /** Hint for a status that other companies see differently. Placeholders: `{label}`, `{external}`. */
  externalSees: string;
  /** Announced while a new status is being saved. */
  saving: string;
  /** Announced when saving failed and the error carries no message for people. */
  saveFailed: string;
  /** Announced when the current status could not be read (nothing was changed). */
  readFailed: string;
  /** Joins a person's name and status in the avatar's accessible name. Placeholders: `{name}`, `{status}`. */
  nameWithStatus: string;
}

/**
 * English badge strings. Kept apart from the picker's so that a page with only badges does not
 * ship them (the badge's bundle budget is 2 KiB).
 */
export const enBadge: PresenceBadgeLabels = /* @__PURE__ */ Object.assign(
  // The English category names live once, in the model's table.
  Object.fromEntries(PRESENCE_CATEGORIES.map((c) => [c, getCategoryInfo(c)!.label])) as Record<PresenceCategory, string>,
  {
    unknown: 'Unknown status',
    loading: 'Loading status',
    error: 'Status unavailable',
    forbidden: 'Status hidden',
    notFound: 'User not found',
    since: 'since {time}',
    updatingIn: 'last known status, updating in {time}',
  },
);

/** English labels, the fallback for every other language. */
// Object.assign with a pure mark rather than a spread: bundlers keep an unused spread alive.
export const en: PresenceLabels = /* @__PURE__ */ Object.assign({}, enBadge, {
  changeStatus: 'Change status',
  externalSees: 'External contacts see {external}',
  saving: 'Saving status…',
  saveFailed: 'Could not change status',
  readFailed: 'Could not load your status',
  nameWithStatus: '{name}, {status}',
});

/** French labels. */
export const fr: PresenceLabels = {
  UNDEFINED: 'Statut non défini',
  AVAILABLE: 'Disponible',
  BUSY: 'Occupé',
  DO_NOT_DISTURB: 'Ne pas déranger',
  ON_THE_PHONE: 'Au téléphone',
  BE_RIGHT_BACK: 'Bientôt de retour',
  IN_A_MEETING: 'En réunion',
  AWAY: 'Absent',
  OUT_OF_OFFICE: 'Absent du bureau',
  OFF_WORK: 'Fin de journée',
  OFFLINE: 'Hors ligne',
  unknown: 'Statut inconnu',
  loading: 'Chargement du statut',
  error: 'Statut indisponible',
  forbidden: 'Statut masqué',
  notFound: 'Utilisateur introuvable',
  since: 'depuis {time}',
  updatingIn: 'dernier statut connu, mise à jour dans {time}',
  changeStatus: 'Changer de statut',
  externalSees: 'Les contacts externes voient «\u00a0{external}\u00a0»',
  saving: 'Enregistrement du statut…',
  saveFailed: 'Impossible de changer le statut',
  readFailed: 'Impossible de charger votre statut',
  nameWithStatus: '{name}, {status}',
};

/** German labels. */
export const de: PresenceLabels = {
  UNDEFINED: 'Kein Status festgelegt',
  AVAILABLE: 'Verfügbar',
  BUSY: 'Beschäftigt',
  DO_NOT_DISTURB: 'Nicht stören',
  ON_THE_PHONE: 'Am Telefon',
  BE_RIGHT_BACK: 'Bin gleich zurück',
  IN_A_MEETING: 'In einer Besprechung',
  AWAY: 'Abwesend',
  OUT_OF_OFFICE: 'Außer Haus',
  OFF_WORK: 'Feierabend',
  OFFLINE: 'Offline',
  unknown: 'Unbekannter Status',
  loading: 'Status wird geladen',
  error: 'Status nicht verfügbar',
  forbidden: 'Status verborgen',
  notFound: 'Benutzer nicht gefunden',
  since: 'seit {time}',
  updatingIn: 'zuletzt bekannter Status, Aktualisierung in {time}',
  changeStatus: 'Status ändern',
  externalSees: 'Externe Kontakte sehen „{external}“',
  saving: 'Status wird gespeichert …',
  saveFailed: 'Status konnte nicht geändert werden',
  readFailed: 'Ihr Status konnte nicht geladen werden',
  nameWithStatus: '{name}, {status}',
};

/** Japanese labels. */
export const ja: PresenceLabels = {
  UNDEFINED: 'ステータス未設定',
  AVAILABLE: '連絡可能',
  BUSY: '取り込み中',
  DO_NOT_DISTURB: '応答不可',
  ON_THE_PHONE: '通話中',
  BE_RIGHT_BACK: '一時退席中',
  IN_A_MEETING: '会議中',
  AWAY: '退席中',
  OUT_OF_OFFICE: '不在',
  OFF_WORK: '勤務時間外',
  OFFLINE: 'オフライン',
  unknown: '不明なステータス',
  loading: 'ステータスを読み込み中',
  error: 'ステータスを取得できません',
  forbidden: 'ステータスは非公開です',
  notFound: 'ユーザーが見つかりません',
  since: '{time}から',
  updatingIn: '最後に確認したステータス（{time} 後に更新）',
  changeStatus: 'ステータスを変更',
  externalSees: '外部の連絡先には「{external}」と表示されます',
  saving: 'ステータスを保存中…',
  saveFailed: 'ステータスを変更できませんでした',
  readFailed: 'ステータスを読み込めませんでした',
  nameWithStatus: '{name}、{status}',
};

/** The built-in languages, by lower-case primary language subtag. */
export const BUILT_IN_LABELS: Readonly<Record<string, PresenceLabels>> = { en, fr, de, ja };

/**
 * Labels for a BCP 47 tag, chosen by its language subtag (`fr-CA` gets French), falling back to
 * English; `overrides` replace single strings (undefined entries are ignored).
 */
export function resolveLabels(locale?: string, overrides?: Partial<PresenceLabels>): PresenceLabels {
  const lang = locale?.split(/[-_]/)[0]?.toLowerCase() ?? '';
  // hasOwn: a tag such as "constructor" must not reach Object.prototype.
  const base = Object.hasOwn(BUILT_IN_LABELS, lang) ? (BUILT_IN_LABELS[lang] as PresenceLabels) : en;
  return overrides ? mergeLabels(base, overrides) : base;
}

/** `base` with the defined entries of `overrides` on top. */
export function mergeLabels<L extends PresenceBadgeLabels>(base: L, overrides: Partial<PresenceLabels>): L {
  const out: Record<string, string> = { ...(base as PresenceBadgeLabels) };
  for (const key in overrides) {
    const value = overrides[key as keyof PresenceLabels];
    if (value !== undefined) out[key] = value;
  }
  return out as unknown as L;
}

/** `m:ss` until `dueAt`, never negative: the wait shown beside a last known status. */
export function formatWait(dueAt: number, now: number): string {
  const seconds = Math.max(0, Math.ceil((dueAt - now) / 1000));
  return `${Math.floor(seconds / 60)}:${String(seconds % 60).padStart(2, '0')}`;
}

/** Fills `{key}` placeholders; unknown placeholders are left as written. */
export function formatLabel(template: string, values: Readonly<Record<string, string>>): string {
  return template.replace(/\{(\w+)\}/g, (whole, key: string) => (Object.hasOwn(values, key) ? (values[key] as string) : whole));
}

/**
 * "since 10:32" for a state set on the same local calendar day as `now`, "since 3 Mar 2026,
 * 09:15" otherwise. Absolute times rather than "5 minutes ago": relative text goes stale unless
 * something re-renders it on a timer.
 */
export function formatSince(timestamp: number, now: number, locale: string | undefined, template: string): string {
  const time = new Date(timestamp);
  const options: Intl.DateTimeFormatOptions =
    time.toDateString() === new Date(now).toDateString() ? { timeStyle: 'short' } : { dateStyle: 'medium', timeStyle: 'short' };
  let text: string;
  try {
    text = time.toLocaleString(locale, options);
  } catch {
    // A malformed tag must not break the badge: use the runtime's language.
    text = time.toLocaleString(undefined, options);
  }
  return template.replace('{time}', () => text);
}
