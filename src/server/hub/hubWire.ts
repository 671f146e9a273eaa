import { parseUserId, type UserId } from '../../model';

/**
 * The hub's wire formats, in one place: the server-sent events a page receives, the body of a
 * subscription change, and the messages hub nodes exchange through the store.
 */

/** One presence as pushed to a page: the pod's fields plus when the hub's read was sent. */
export interface HubPresenceWire {
  readonly userId: UserId;
  readonly category: string;
  readonly timestamp?: number | undefined;
  /** When the read behind it was sent (ms since 1970): later reads win (SYM-GUP-1/2). */
  readonly observedAt: number;
}

/** A read that failed for good (403, 404): the page shows an error, never "offline". */
export interface HubFailureWire {
  readonly userId: UserId;
  readonly status: number;
  readonly message: string;
}

/** What a node publishes after a read. */
export interface HubMessage {
  /** Node that read. */
  readonly n: string;
  /** Scope: `t:<tenant>` (shared by a company) or `s:<session key>` (one session's). */
  readonly w: string;
  readonly u: UserId;
  readonly p?: { category: string; timestamp?: number | undefined } | undefined;
  /** When the read was sent. */
  readonly a: number;
  readonly e?: { status: number; message: string } | undefined;
}

/** A subscription change for a stream held by another node. */
export interface HubControlMessage {
  readonly stream: string;
  /** Session key of the requester: the owner applies it only to a stream of the same session. */
  readonly sk: string;
  readonly add: readonly UserId[];
  readonly remove: readonly UserId[];
}

const DIGITS = /^[0-9]{1,25}$/;

/** An id from JSON: a decimal string, or a number small enough to have kept its digits. */
export function wireUserId(value: unknown): UserId | undefined {
  if (typeof value === 'string') return DIGITS.test(value) ? parseUserId(value) : undefined;
  if (typeof value === 'number') return Number.isSafeInteger(value) ? parseUserId(value) : undefined;
  return undefined;
}

/** One SSE frame. `data` is JSON (one line: JSON.stringify never emits raw newlines). */
export function sseFrame(event: string, data: unknown): string {
  return `event: ${event}\ndata: ${JSON.stringify(data)}\n\n`;
}

/** A message between nodes as a JSON object, or undefined for anything else. */
function parseObject(text: string): Record<string, unknown> | undefined {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    return undefined;
  }
  return typeof raw === 'object' && raw !== null ? (raw as Record<string, unknown>) : undefined;
}

export function parseHubMessage(text: string): HubMessage | undefined {
  const m = parseObject(text);
  if (!m) return undefined;
  const u = wireUserId(m.u);
  if (typeof m.n !== 'string' || typeof m.w !== 'string' || !u || typeof m.a !== 'number') return undefined;
  const p = m.p as HubMessage['p'];
  const e = m.e as HubMessage['e'];
  if (p !== undefined && (typeof p !== 'object' || p === null || typeof p.category !== 'string')) return undefined;
  if (e !== undefined && (typeof e !== 'object' || e === null || typeof e.status !== 'number')) return undefined;
  return { n: m.n, w: m.w, u, p, a: m.a, e };
}

export function parseControlMessage(text: string): HubControlMessage | undefined {
  const m = parseObject(text);
  if (!m) return undefined;
  if (typeof m.stream !== 'string' || typeof m.sk !== 'string' || !Array.isArray(m.add) || !Array.isArray(m.remove)) return undefined;
  const add = m.add.map(wireUserId).filter((id): id is UserId => id !== undefined);
  const remove = m.remove.map(wireUserId).filter((id): id is UserId => id !== undefined);
  return { stream: m.stream, sk: m.sk, add, remove };
}

/** `Retry-After` in ms (seconds or an HTTP date), or undefined. */
export function retryAfterMs(value: string | null, now: number): number | undefined {
  if (value === null) return undefined;
  const trimmed = value.trim();
  if (/^[0-9]{1,9}$/.test(trimmed)) return Number(trimmed) * 1000;
  const date = Date.parse(trimmed);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

/** FNV-1a over the id: a stable spread of users' read times across the interval. */
export function phaseOf(userId: string, intervalMs: number): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < userId.length; i++) {
    hash ^= userId.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash % Math.max(1, Math.floor(intervalMs));
}
