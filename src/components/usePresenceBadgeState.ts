import { useContext, useState, type HTMLAttributes } from 'react';
import {
  type CategoryValue,
  type PresenceCategory,
  type PresenceGraphDetails,
  type PresenceTone,
} from '../model';
import { describeBadge } from './describeBadge';
import type { GraphLabels } from './graphPresence';
import type { IconGlyph } from './icons';
import { presenceNote } from './presenceNote';
import { enBadge, formatSince, formatWait, type PresenceLabels } from './labels';
import { PresenceUiContext, usePresenceUi, type PresenceViewMode } from './PresenceUiContext';
import type { PresenceBadgeSize } from './sizes';

import type { PresenceStatus } from './PresenceData';

export type { PresenceStatus } from './PresenceData';

/** Props of {@link PresenceBadge}; other span attributes are passed to the root element. */
export interface PresenceBadgeProps extends Omit<HTMLAttributes<HTMLSpanElement>, 'children'> {
  /** The category as the server sent it. Values the library does not know show as "Unknown status". */
  category?: CategoryValue;
  /**
   * Non-data states; anything but `ready` hides `category`.
   * @default 'ready'
   */
  status?: PresenceStatus;
  /** Milliseconds since 1970 when the state was set (used by `showSince`). */
  timestamp?: number;
  /**
   * `external` shows what a user of another company sees (Be right back appears as Away, ...).
   * @default the PresenceUiProvider's view, else 'internal'
   */
  view?: PresenceViewMode;
  /**
   * Named size or width in pixels: tiny 8, extra-small 10, small 12, medium 16, large 20, extra-large 28.
   * @default 'medium'
   */
  size?: PresenceBadgeSize;
  /**
   * Shows the label as text beside the icon (the icon then becomes decorative).
   * @default false
   */
  showLabel?: boolean;
  /**
   * Shows when the state was set. Never for OFFLINE (Symphony stamps it with the time of the
   * request), UNDEFINED or unknown values, nor without `timestamp`.
   * @default false
   */
  showSince?: boolean;
  /** Replaces the computed label, both visible and announced. */
  label?: string;
  /** Same as `label`; takes effect when `label` is not given. */
  'aria-label'?: string;
  /** Single strings to replace for this badge. */
  labels?: Partial<PresenceLabels>;
  /** BCP 47 tag for labels and dates. @default the PresenceUiProvider's locale, else the runtime's */
  locale?: string;
  /**
   * "Now" in milliseconds, to decide between "since 10:32" and a full date. Pass it for
   * deterministic rendering (tests, screenshots, server rendering).
   * @default the time the badge mounted
   */
  now?: number;
  /**
   * Microsoft Graph's state behind `category` (a Graph presence's `graph` field). The badge then
   * shows Teams' icon and label for the availability/activity pair, with an out-of-office marker
   * when out of office is combined with another state; `view` does not apply to it.
   */
  graph?: PresenceGraphDetails | undefined;
  /**
   * Marks `category` as the last known status, with the time (ms since 1970) a newer one will be
   * asked for, as the engine does after a reload or a 429 (`presence.updateDueAt`). The badge then
   * has `data-stale` and says "last known status, updating in 2:14" in its tooltip and accessible
   * description. Connected badges fill it in and count down; here pass `now` to count down.
   * @default undefined (the status is current)
   */
  updateDueAt?: number | undefined;
  /** Single Graph strings to replace for this badge. */
  graphLabels?: Partial<GraphLabels> | undefined;
}

/** Everything {@link renderPresenceBadge} needs, computed by {@link usePresenceBadgeState}. */
export interface PresenceBadgeState {
  status: PresenceStatus;
  /** The category shown (after the external mapping), when it is a known one. */
  category: PresenceCategory | undefined;
  /** The category as given, before the external mapping; may be any string. */
  rawCategory: CategoryValue | undefined;
  /** `data-category` value: the known category shown, `unknown`, or `undefined` when not ready. */
  dataCategory: string | undefined;
  view: PresenceViewMode;
  glyph: IconGlyph;
  tone: PresenceTone;
  /** Accessible (and, with `showLabel`, visible) label. */
  label: string;
  /** Formatted "since" text, when shown. */
  since: string | undefined;
  showLabel: boolean;
  /** `data-size` value: the size name, or `custom` for a width in pixels. */
  size: string;
  /** Icon width in pixels for a custom size; named sizes come from the stylesheet. */
  px: number | undefined;
  /** Attributes for the root span (the props this hook does not consume). */
  root: HTMLAttributes<HTMLSpanElement>;
  /** `data-graph` value: the Graph pair shown (`Busy/InACall`), when the presence came from Graph. */
  graph?: string | undefined;
  /** Draw the out-of-office marker on the icon. */
  outOfOfficeMarker?: boolean | undefined;
  /**
   * For the tooltip and the accessible description: "last known status, updating in 2:14" while
   * the status is not fresh, and the person's own words (Graph's status message, the
   * out-of-office reply while out of office). Text only, never HTML.
   */
  note?: string | undefined;
  /** The status is the last known one (`updateDueAt` given). */
  stale?: boolean | undefined;
}

/** The badge's behaviour: which glyph, tone and label to show. Markup lives in {@link renderPresenceBadge}. */
export function usePresenceBadgeState(props: PresenceBadgeProps): PresenceBadgeState {
  const {
    category: rawCategory,
    status: statusProp,
    timestamp,
    view: viewProp,
    size: sizeProp,
    showLabel = false,
    showSince = false,
    label: labelProp,
    'aria-label': ariaLabel,
    labels: labelsProp,
    locale: localeProp,
    now,
    graph: graphProp,
    updateDueAt,
    graphLabels,
    ...root
  } = props;
  // Read once per mount (renders stay pure); only decides between "10:32" and a full date.
  const [mountedAt] = useState(Date.now);
  const ui = usePresenceUi({ locale: localeProp, labels: labelsProp, view: viewProp }, enBadge);
  const graphUi = useContext(PresenceUiContext).graph;
  const { labels, view } = ui;
  const status = statusProp ?? 'ready';

  const look = describeBadge(status, rawCategory, view, labels);
  let { glyph, tone, label } = look;
  const { category, dataCategory } = look;
  let graph: string | undefined;
  let outOfOfficeMarker = false;
  if (status === 'ready') {
    // Graph states are drawn only where a provider brought Graph support (see `graph` there).
    const graphLook = graphUi?.describeBadge(graphProp, rawCategory, labels, ui.locale, graphLabels);
    if (graphLook) {
      glyph = graphLook.glyph;
      tone = graphLook.tone;
      label = graphLook.label;
      graph = graphLook.pair;
      outOfOfficeMarker = graphLook.outOfOfficeMarker;
    }
  }

  // The note belongs to the data: a failed or loading read shows none.
  const stale = status === 'ready' && updateDueAt !== undefined;
  const own = status === 'ready' ? presenceNote(graphProp, now ?? mountedAt) : undefined;
  const wait = stale ? labels.updatingIn.replace('{time}', () => formatWait(updateDueAt, now ?? mountedAt)) : undefined;
  const note = wait && own ? `${wait} · ${own}` : (wait ?? own);

  const since =
    showSince && timestamp !== undefined && category && category !== 'OFFLINE' && category !== 'UNDEFINED'
      ? formatSince(timestamp, now ?? mountedAt, ui.locale, labels.since)
      : undefined;

  return {
    status,
    category,
    rawCategory,
    dataCategory,
    view,
    glyph,
    tone,
    label: labelProp ?? ariaLabel ?? label,
    since,
    showLabel,
    size: typeof sizeProp === 'number' ? 'custom' : (sizeProp ?? 'medium'),
    px: typeof sizeProp === 'number' ? sizeProp : undefined,
    root,
    graph,
    outOfOfficeMarker,
    note,
    stale,
  };
}
