/** Graph states to Symphony categories and back. */
import type { CategoryValue, PresenceCategory } from './categories';
import { knownPair, type GraphPresencePair } from './graph';

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
  AVAILABLE: knownPair('Available', 'Available'),
  ON_THE_PHONE: knownPair('Busy', 'InACall'),
  AWAY: knownPair('Away', 'Away'),
});

const TO_PREFERRED: Readonly<Partial<Record<PresenceCategory, GraphPresencePair>>> = Object.freeze({
  AVAILABLE: knownPair('Available', 'Available'),
  BUSY: knownPair('Busy', 'Busy'),
  ON_THE_PHONE: knownPair('Busy', 'Busy'),
  IN_A_MEETING: knownPair('Busy', 'Busy'),
  DO_NOT_DISTURB: knownPair('DoNotDisturb', 'DoNotDisturb'),
  BE_RIGHT_BACK: knownPair('BeRightBack', 'BeRightBack'),
  AWAY: knownPair('Away', 'Away'),
  OFF_WORK: knownPair('Offline', 'OffWork'),
  OFFLINE: knownPair('Offline', 'OffWork'),
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
