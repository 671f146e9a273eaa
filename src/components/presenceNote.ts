import type { PresenceGraphDetails } from '../model';

/**
 * A person's own words about their status: Graph's status message while it has not expired, and
 * the out-of-office reply while they are out of office, joined with " · ". Text only.
 * (Written without the model's Graph helpers, so badges on Symphony do not bundle them.)
 */
export function presenceNote(graph: PresenceGraphDetails | undefined, now: number): string | undefined {
  if (!graph) return undefined;
  const message = graph.statusMessage;
  const live = message && (message.expiresAt === undefined || message.expiresAt > now) ? message.text : undefined;
  const notes = [live, graph.outOfOffice ? graph.outOfOfficeMessage : undefined].filter(
    (n): n is string => n !== undefined && n !== '',
  );
  return notes.length > 0 ? notes.join(' · ') : undefined;
}
