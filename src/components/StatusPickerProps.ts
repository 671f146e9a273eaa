import type { ButtonHTMLAttributes } from 'react';
import type { CategoryValue, GraphPresencePair, GraphSetTarget, PresenceCategory } from '../model';
import type { GraphLabels } from './graphPresence';
import type { PresenceLabels } from './labels';
import type { PresenceViewMode } from './PresenceUiContext';
import type { PresenceBadgeSizeName } from './sizes';

/** Details passed with a new value. */
export interface StatusChangeDetails {
  /** The picker's `soft` prop: let Symphony apply idle/offline rules to the new status. */
  soft: boolean;
}

/** Props of {@link StatusPicker}; other button attributes go to the trigger button. */
export interface StatusPickerProps
  extends Omit<ButtonHTMLAttributes<HTMLButtonElement>, 'value' | 'defaultValue' | 'onChange' | 'children'> {
  /** Current status (controlled). May be any server value, even one that is not offered. */
  value?: CategoryValue;
  /** Initial status when uncontrolled. */
  defaultValue?: CategoryValue;
  /** Called when the user picks a status other than the current one. */
  onValueChange?: (category: PresenceCategory, details: StatusChangeDetails) => void;
  /**
   * Statuses offered, in order.
   * @default settableCategories() — the non-deprecated statuses Symphony accepts
   */
  categories?: readonly PresenceCategory[];
  /**
   * Passed back in `onValueChange` for the `soft` query parameter of Set Presence.
   * @default false
   */
  soft?: boolean;
  /**
   * Disables the trigger.
   * @default false
   */
  disabled?: boolean;
  /**
   * A change is being saved: shows a spinner and announces `labels.saving`.
   * @default false
   */
  pending?: boolean;
  /**
   * Last save failure, announced politely. A string is shown as given (write it for people);
   * an Error shows `labels.saveFailed` (or `labels.readFailed`, see `errorKind`), since its
   * message is for developers.
   */
  error?: string | Error | null;
  /**
   * What an Error in `error` is about: `save` (a change failed) or `read` (the current status
   * could not be loaded, and nothing was changed).
   * @default 'save'
   */
  errorKind?: 'save' | 'read';
  /**
   * `external` shows the current status as other companies see it.
   * @default the PresenceUiProvider's view, else 'internal'
   */
  view?: PresenceViewMode;
  /** Single strings to replace. */
  labels?: Partial<PresenceLabels>;
  /** BCP 47 tag for the labels. @default the PresenceUiProvider's locale */
  locale?: string;
  /**
   * Icon size in the trigger and the options.
   * @default 'medium'
   */
  size?: PresenceBadgeSizeName;
  /** Whether the list is shown (controlled). */
  open?: boolean;
  /**
   * Whether the list starts shown when uncontrolled.
   * @default false
   */
  defaultOpen?: boolean;
  /** Called when the list opens or closes. */
  onOpenChange?: (open: boolean) => void;
  /**
   * Microsoft Graph mode: offers these availability/activity pairs (with Teams' icons and names)
   * instead of `categories`, leaving out any pair `graphTarget` does not accept; `value` and
   * `defaultValue` are then pair keys such as `Busy/InAConferenceCall` (`graphPairKey`).
   * Connected to a Graph source, the picker is in this mode by itself. Needs Graph support from a
   * provider (`graph={graphPresenceUi}`, or a `GraphPresenceProvider`).
   */
  graphPairs?: readonly GraphPresencePair[] | undefined;
  /**
   * Which Graph call the pairs are for, which decides the pairs that may be offered.
   * @default 'setPresence'
   */
  graphTarget?: GraphSetTarget | undefined;
  /** Graph mode: called with the pair chosen when it differs from the current one. */
  onGraphValueChange?: ((pair: GraphPresencePair) => void) | undefined;
  /** Graph mode: single Graph strings to replace. */
  graphLabels?: Partial<GraphLabels> | undefined;
}
