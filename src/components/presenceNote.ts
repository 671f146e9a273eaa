import { activeStatusMessage, type PresenceGraphDetails } from '../model';

/**
 * A person's own words about their status: Graph's status message while it has not expired, and
 * the out-of-office reply while they are out of office, joined with " · ". Text only.
 */
export function presenceNote(graph: PresenceGraphDetails | undefined, now: number): string | undefined {
  if (!graph) return undefined;
  const notes = [
    activeStatusMessage(graph.statusMessage, now)?.text,
    graph.outOfOffice ? graph.outOfOfficeMessage : undefined,
  ].filter((n): n is string => n !== undefined && n !== '');
  return notes.length > 0 ? notes.join(' · ') : undefined;
}
