import { formatLabel } from './labels';
import type { PresenceBadgeLabels } from './labels';
import type { IconGlyph } from './icons';
import { isGraphOutOfOffice, parseGraphPairKey, type CategoryValue, type GraphPresencePair, type PresenceGraphDetails, type PresenceTone } from '../model';

/** Strings for Graph states that have no Symphony category of their own. */
export interface GraphLabels {
  inACall: string;
  inAConferenceCall: string;
  presenting: string;
  focusing: string;
  urgentInterruptionsOnly: string;
  /** A state after its inactivity timeout. Placeholder: `{status}`. */
  inactive: string;
  /** A state with out of office on top ("In a call, out of office"). Placeholder: `{status}`. */
  withOutOfOffice: string;
}

/** English Graph labels, after the Teams state names. */
export const graphEn: GraphLabels = {
  inACall: 'In a call',
  inAConferenceCall: 'In a conference call',
  presenting: 'Presenting',
  focusing: 'Focusing',
  urgentInterruptionsOnly: 'Urgent interruptions only',
  inactive: '{status}, inactive',
  withOutOfOffice: '{status}, out of office',
};

/** Built-in Graph labels by language subtag. */
export const GRAPH_LABELS: Readonly<Record<string, GraphLabels>> = {
  en: graphEn,
  fr: {
    inACall: 'En communication',
    inAConferenceCall: 'En conférence téléphonique',
    presenting: 'En présentation',
    focusing: 'Concentration',
    urgentInterruptionsOnly: 'Interruptions urgentes uniquement',
    inactive: '{status}, inactif',
    withOutOfOffice: '{status}, absent du bureau',
  },
  de: {
    inACall: 'Im Anruf',
    inAConferenceCall: 'In einer Telefonkonferenz',
    presenting: 'Präsentiert',
    focusing: 'Konzentriert',
    urgentInterruptionsOnly: 'Nur dringende Unterbrechungen',
    inactive: '{status}, inaktiv',
    withOutOfOffice: '{status}, außer Haus',
  },
  ja: {
    inACall: '通話中',
    inAConferenceCall: '電話会議中',
    presenting: '発表中',
    focusing: '集中モード',
    urgentInterruptionsOnly: '緊急の通知のみ',
    inactive: '{status}(非アクティブ)',
    withOutOfOffice: '{status}、不在',
  },
};

/** Graph labels for a BCP 47 tag (by language subtag, English otherwise), with overrides on top. */
export function resolveGraphLabels(locale?: string, overrides?: Partial<GraphLabels>): GraphLabels {
  const lang = locale?.split(/[-_]/)[0]?.toLowerCase() ?? '';
  const base = Object.hasOwn(GRAPH_LABELS, lang) ? (GRAPH_LABELS[lang] as GraphLabels) : graphEn;
  if (!overrides) return base;
  const out = { ...base };
  for (const key of Object.keys(overrides) as Array<keyof GraphLabels>) {
    const value = overrides[key];
    if (value !== undefined) out[key] = value;
  }
  return out;
}

/** How a Graph state is drawn and named. */
export interface GraphPresenceLook {
  glyph: IconGlyph;
  tone: PresenceTone;
  label: string;
  /** Out of office on top of another state: drawn as a marker on the icon. */
  outOfOfficeMarker: boolean;
  /** False when the availability is not one Graph documents. */
  known: boolean;
}

/**
 * Icon, tone and label of a Graph state, after Teams' own icons: Busy is a solid disc, Do not
 * disturb (and Presenting, Focusing) the disc with a bar, calls the phone, Away and Be right back
 * the clock, Offline the cross, out of office the out-of-office colour. Out of office combined
 * with another state (Available/OutOfOffice, Busy/InACall + OOF) keeps that state's icon and adds
 * the out-of-office marker; the label says both.
 */
export function describeGraphPresence(
  state: GraphPresencePair & { outOfOffice?: boolean | undefined },
  labels: PresenceBadgeLabels,
  graphLabels: GraphLabels = graphEn,
): GraphPresenceLook {
  const { availability, activity } = state;
  const inactive = (status: string) => formatLabel(graphLabels.inactive, { status });
  let glyph: IconGlyph = 'unknown';
  let tone: PresenceTone = 'unknown';
  let label = labels.unknown;
  let known = true;
  switch (availability) {
    case 'Available':
      glyph = 'check';
      tone = 'available';
      label = activity === 'AvailableInactive' || activity === 'Inactive' ? inactive(labels.AVAILABLE) : labels.AVAILABLE;
      break;
    case 'AvailableIdle':
    case 'BusyIdle':
      glyph = 'clock';
      tone = 'away';
      label = inactive(availability === 'BusyIdle' ? labels.BUSY : labels.AVAILABLE);
      break;
    case 'Busy':
      tone = 'busy';
      glyph = activity === 'InACall' || activity === 'InAConferenceCall' ? 'phone' : 'circle';
      label =
        activity === 'InACall'
          ? graphLabels.inACall
          : activity === 'InAConferenceCall'
            ? graphLabels.inAConferenceCall
            : activity === 'InAMeeting'
              ? labels.IN_A_MEETING
              : labels.BUSY;
      break;
    case 'DoNotDisturb':
      glyph = 'sign';
      tone = 'busy';
      label =
        activity === 'Presenting'
          ? graphLabels.presenting
          : activity === 'Focusing'
            ? graphLabels.focusing
            : activity === 'UrgentInterruptionsOnly'
              ? graphLabels.urgentInterruptionsOnly
              : labels.DO_NOT_DISTURB;
      break;
    case 'Away':
    case 'BeRightBack':
      glyph = 'clock';
      tone = 'away';
      label = availability === 'Away' ? labels.AWAY : labels.BE_RIGHT_BACK;
      break;
    case 'Offline':
      glyph = 'cross';
      tone = 'offline';
      label = activity === 'OffWork' ? labels.OFF_WORK : labels.OFFLINE;
      break;
    case 'OutOfOffice':
      glyph = 'circle';
      tone = 'out-of-office';
      label = labels.OUT_OF_OFFICE;
      break;
    case 'PresenceUnknown':
      break;
    default:
      known = false;
  }
  const outOfOfficeMarker = availability !== 'OutOfOffice' && isGraphOutOfOffice(state);
  if (outOfOfficeMarker) label = formatLabel(graphLabels.withOutOfOffice, { status: label });
  return { glyph, tone, label, outOfOfficeMarker, known };
}

/**
 * How a badge draws a Microsoft Graph state, injected through `PresenceUiProvider`'s `graph`
 * option so that badges of Symphony-only apps do not carry Graph's tables and labels. Returns
 * `undefined` when the presence is not a Graph one. A pair key as category (`Busy/InACall`) is
 * what the Graph adapter shows while a set is in flight.
 */
export function describeGraphBadge(
  graph: PresenceGraphDetails | undefined,
  category: CategoryValue | undefined,
  labels: PresenceBadgeLabels,
  locale: string | undefined,
  overrides: Partial<GraphLabels> | undefined,
): (GraphPresenceLook & { pair: string }) | undefined {
  const pair = graph ?? parseGraphPairKey(category);
  if (!pair) return undefined;
  const look = describeGraphPresence(pair, labels, resolveGraphLabels(locale, overrides));
  return { ...look, pair: `${pair.availability}/${pair.activity}` };
}

/** The signature of {@link describeGraphBadge}, as the UI context carries it. */
export type DescribeGraphBadge = typeof describeGraphBadge;
