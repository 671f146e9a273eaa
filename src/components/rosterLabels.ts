import type { RosterGroup } from './rosterRows';

/**
 * Strings of {@link PresenceRoster}. Templates use `{name}` placeholders (see `formatLabel`).
 * Kept apart from `PresenceLabels` so that pages without a roster do not ship them.
 */
export interface PresenceRosterLabels extends Record<RosterGroup, string> {
  /** The tile that shows everyone. */
  all: string;
  /** Accessible name of the group of status tiles, and the collapsed filter's button text. */
  filterByStatus: string;
  /** The collapsed filter's button when a status is chosen. Placeholders: `{group}`, `{count}`. */
  filterShowing: string;
  /** Label of the name search box. */
  search: string;
  /** Label of the sort menu. */
  sortBy: string;
  /** Sort option: by status group, then name. */
  sortStatus: string;
  /** Sort option: by name. */
  sortName: string;
  /** Sort option: most recent change first. */
  sortRecent: string;
  /** Under the tiles. Placeholders: `{shown}`, `{total}`. */
  showing: string;
  /** When no one matches the filter and the search. */
  empty: string;
  /** A group's heading row in the grid. Placeholders: `{group}`, `{count}`. */
  groupHeading: string;
}

/** English roster strings. */
export const rosterEn: PresenceRosterLabels = {
  available: 'Available',
  busy: 'Busy',
  away: 'Away',
  'out-of-office': 'Out of office',
  offline: 'Offline',
  unknown: 'No status',
  loading: 'Loading',
  error: 'Could not read',
  all: 'All',
  filterByStatus: 'Filter by status',
  filterShowing: 'Showing: {group} ({count})',
  search: 'Find a person',
  sortBy: 'Sort by',
  sortStatus: 'Status',
  sortName: 'Name',
  sortRecent: 'Latest change',
  showing: 'Showing {shown} of {total} people',
  empty: 'No one matches.',
  groupHeading: '{group}, {count}',
};

/** French roster strings. */
export const rosterFr: PresenceRosterLabels = {
  available: 'Disponibles',
  busy: 'Occupés',
  away: 'Absents',
  'out-of-office': 'Absents du bureau',
  offline: 'Hors ligne',
  unknown: 'Sans statut',
  loading: 'Chargement',
  error: 'Lecture impossible',
  all: 'Tous',
  filterByStatus: 'Filtrer par statut',
  filterShowing: 'Affichés\u00a0: {group} ({count})',
  search: 'Trouver une personne',
  sortBy: 'Trier par',
  sortStatus: 'Statut',
  sortName: 'Nom',
  sortRecent: 'Dernier changement',
  showing: '{shown} personnes affichées sur {total}',
  empty: 'Personne ne correspond.',
  groupHeading: '{group}, {count}',
};

/** German roster strings. */
export const rosterDe: PresenceRosterLabels = {
  available: 'Verfügbar',
  busy: 'Beschäftigt',
  away: 'Abwesend',
  'out-of-office': 'Außer Haus',
  offline: 'Offline',
  unknown: 'Kein Status',
  loading: 'Wird geladen',
  error: 'Nicht lesbar',
  all: 'Alle',
  filterByStatus: 'Nach Status filtern',
  filterShowing: 'Angezeigt: {group} ({count})',
  search: 'Person suchen',
  sortBy: 'Sortieren nach',
  sortStatus: 'Status',
  sortName: 'Name',
  sortRecent: 'Letzte Änderung',
  showing: '{shown} von {total} Personen angezeigt',
  empty: 'Niemand passt.',
  groupHeading: '{group}, {count}',
};

/** Japanese roster strings. */
export const rosterJa: PresenceRosterLabels = {
  available: '連絡可能',
  busy: '取り込み中',
  away: '退席中',
  'out-of-office': '不在',
  offline: 'オフライン',
  unknown: 'ステータスなし',
  loading: '読み込み中',
  error: '取得できません',
  all: 'すべて',
  filterByStatus: 'ステータスで絞り込む',
  filterShowing: '表示中: {group} ({count})',
  search: 'ユーザーを検索',
  sortBy: '並べ替え',
  sortStatus: 'ステータス',
  sortName: '名前',
  sortRecent: '最近の変更',
  showing: '{total}人中{shown}人を表示',
  empty: '該当するユーザーはいません。',
  groupHeading: '{group}、{count}',
};

const BUILT_IN: Readonly<Record<string, PresenceRosterLabels>> = { en: rosterEn, fr: rosterFr, de: rosterDe, ja: rosterJa };

/** Roster strings for a BCP 47 tag (by language subtag, English otherwise), with single strings replaced. */
export function resolveRosterLabels(locale?: string, overrides?: Partial<PresenceRosterLabels>): PresenceRosterLabels {
  const lang = locale?.split(/[-_]/)[0]?.toLowerCase() ?? '';
  const base = Object.hasOwn(BUILT_IN, lang) ? (BUILT_IN[lang] as PresenceRosterLabels) : rosterEn;
  if (!overrides) return base;
  const out = { ...base };
  for (const key in overrides) {
    const value = overrides[key as keyof PresenceRosterLabels];
    if (value !== undefined) out[key as keyof PresenceRosterLabels] = value;
  }
  return out;
}
