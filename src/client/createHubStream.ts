import { makePresence, parseUserId, type Presence, type UserId } from '../model';
import { PresenceApiError } from './PresenceApiError';

/** Options of `createHubSource` (main entry), which opens its stream with {@link createHubStream}. */
export interface HubSourceOptions {
  /** Where the presence hub is mounted (`createPresenceHub`'s `mountPath`), e.g. `/api/presence-hub`. */
  url: string;
  /**
   * Headers for the hub's requests, e.g. `{ authorization: 'Bearer <user JWT>' }` when the backend
   * authenticates pages by the Symphony user JWT rather than a cookie. Called before each request.
   * The stream is read with `fetch`, not `EventSource`, so that such a header can be sent.
   */
  headers?: (() => HeadersInit | Promise<HeadersInit>) | undefined;
  /**
   * `credentials` of the hub's requests.
   * @default 'same-origin'
   */
  credentials?: RequestCredentials | undefined;
  /** fetch to use. @default globalThis.fetch */
  fetch?: typeof fetch | undefined;
  /**
   * Failed attempts in a row after which the source says it is unavailable, so that the engine
   * polls through its client instead (it keeps trying the hub, and switches back when it opens).
   * @default 2
   */
  fallbackAfter?: number | undefined;
}

/** How a hub connection is doing. */
export type HubConnectionState = 'connecting' | 'open' | 'unavailable';

/** What a connection tells the engine. */
export interface HubConnectionHandlers {
  /** Presences pushed by the hub; `observedAt` is when the hub's read was sent. */
  presence(presences: readonly Presence[]): void;
  /** Users the pod refused for good (404 no such user, 403). */
  failure(failures: ReadonlyArray<{ userId: UserId; error: PresenceApiError }>): void;
  state(state: HubConnectionState): void;
  /** The viewer's tenant (company), as the hub learned it: tells colleagues from external users. */
  tenant?(tenant: number): void;
}

/** One stream to the hub, reconnecting by itself. */
export interface HubConnection {
  /** The users to watch (the whole set: the connection sends what changed). */
  setUserIds(ids: Iterable<UserId>): void;
  close(): void;
}

/**
 * A presence hub as the engine's source of pushes: pass it to `PresenceProvider`'s `source`.
 * One connection is opened per engine, by the leader tab.
 */
export interface HubSource {
  readonly kind: 'presence-hub';
  readonly url: string;
  connect(handlers: HubConnectionHandlers): HubConnection;
}

const MIN_RETRY_MS = 1000;
const MAX_RETRY_MS = 30_000;
/** Changes within this window go out as one subscription request. */
const BATCH_MS = 50;
/** Most ids put in the stream's URL (about 6 KB). */
const URL_IDS = 300;

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null;

/** One pushed presence, or `undefined` when malformed (one bad entry must not break the stream). */
function toPresence(raw: unknown): Presence | undefined {
  if (!isObject(raw)) return undefined;
  const userId = typeof raw.userId === 'string' ? parseUserId(raw.userId) : undefined;
  if (!userId || typeof raw.category !== 'string' || raw.category === '') return undefined;
  const timestamp = typeof raw.timestamp === 'number' && Number.isSafeInteger(raw.timestamp) ? raw.timestamp : undefined;
  const observedAt = typeof raw.observedAt === 'number' && Number.isFinite(raw.observedAt) ? raw.observedAt : undefined;
  const presence = makePresence(userId, raw.category, timestamp);
  return observedAt === undefined ? presence : { ...presence, observedAt };
}

function errorKind(status: number): PresenceApiError['kind'] {
  if (status === 404) return 'not-found';
  if (status === 403) return 'forbidden';
  if (status === 401) return 'unauthorized';
  if (status === 429) return 'rate-limited';
  return status >= 500 ? 'server' : 'bad-request';
}

/**
 * Splits a server-sent-events byte stream into `(event, data)` pairs: the parts of the format
 * the hub uses (`event:`, `data:`, comments), with CRLF or LF line ends.
 */
export async function readServerSentEvents(
  body: ReadableStream<Uint8Array>,
  onEvent: (event: string, data: string) => void,
): Promise<void> {
  const reader = body.getReader();
  const decoder = new TextDecoder();
  let buffer = '';
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return;
      buffer += decoder.decode(value, { stream: true }).replace(/\r\n?/g, '\n');
      let end: number;
      while ((end = buffer.indexOf('\n\n')) !== -1) {
        const frame = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        let event = 'message';
        const data: string[] = [];
        for (const line of frame.split('\n')) {
          if (line === '' || line.startsWith(':')) continue;
          const colon = line.indexOf(':');
          const field = colon === -1 ? line : line.slice(0, colon);
          const value = colon === -1 ? '' : line.slice(colon + 1).replace(/^ /, '');
          if (field === 'event') event = value;
          else if (field === 'data') data.push(value);
        }
        if (data.length > 0) onEvent(event, data.join('\n'));
      }
    }
  } finally {
    reader.releaseLock();
  }
}

/**
 * The hub's event stream over fetch, for the engine's hub feed. The public `createHubSource`
 * (src/sync) wraps it with the feed, so that apps that never use a hub do not bundle the feed.
 */
export function createHubStream(options: HubSourceOptions): HubSource {
  if (typeof options?.url !== 'string' || options.url === '') throw new TypeError('createHubSource: url is required');
  const base = options.url.replace(/\/+$/, '');
  const fallbackAfter = Math.max(1, Math.floor(options.fallbackAfter ?? 2));

  return {
    kind: 'presence-hub',
    url: base,
    connect(handlers) {
      const fetchImpl = options.fetch ?? globalThis.fetch.bind(globalThis);
      let wanted = new Set<UserId>();
      /** What the hub was told for the current stream. */
      let sent = new Set<UserId>();
      let streamId: string | undefined;
      let controller: AbortController | undefined;
      let closed = false;
      let failures = 0;
      let state: HubConnectionState | undefined;
      let batchTimer: ReturnType<typeof setTimeout> | undefined;
      let retryTimer: ReturnType<typeof setTimeout> | undefined;
      let sending = false;

      const setState = (next: HubConnectionState) => {
        if (next === state || closed) return;
        state = next;
        handlers.state(next);
      };

      const headers = async (extra: Record<string, string> = {}): Promise<Headers> => {
        const h = new Headers(options.headers ? await options.headers() : undefined);
        for (const [name, value] of Object.entries(extra)) h.set(name, value);
        return h;
      };

      function scheduleRetry(): void {
        if (closed || retryTimer) return;
        failures += 1;
        if (failures >= fallbackAfter) setState('unavailable');
        else setState('connecting');
        const delay = Math.min(MAX_RETRY_MS, MIN_RETRY_MS * 2 ** Math.min(failures - 1, 5));
        // Jitter, so that a hub node's pages do not all come back in the same millisecond.
        retryTimer = setTimeout(
          () => {
            retryTimer = undefined;
            void open();
          },
          delay / 2 + Math.random() * (delay / 2),
        );
      }

      function onEvent(event: string, data: string): void {
        let parsed: unknown;
        try {
          parsed = JSON.parse(data);
        } catch {
          return;
        }
        if (event === 'ready') {
          const { stream: id, tenant } = parsed as { stream?: unknown; tenant?: unknown };
          if (typeof id !== 'string') return;
          if (typeof tenant === 'number' && Number.isSafeInteger(tenant) && tenant >= 0) handlers.tenant?.(tenant);
          streamId = id;
          failures = 0;
          setState('open');
          // Users wanted while the stream opened go out now.
          flushSoon();
        } else if (event === 'presence' && Array.isArray(parsed)) {
          const list = parsed.map(toPresence).filter((p): p is Presence => p !== undefined);
          if (list.length > 0) handlers.presence(list);
        } else if (event === 'presence-error' && Array.isArray(parsed)) {
          const list = [];
          for (const raw of parsed as unknown[]) {
            if (!isObject(raw)) continue;
            const userId = typeof raw.userId === 'string' ? parseUserId(raw.userId) : undefined;
            const status = typeof raw.status === 'number' ? raw.status : 0;
            if (!userId) continue;
            const error = new PresenceApiError({
              kind: errorKind(status),
              status,
              endpoint: 'presence hub',
              serverMessage: typeof raw.message === 'string' ? raw.message : undefined,
            });
            list.push({ userId, error });
          }
          if (list.length > 0) handlers.failure(list);
        }
      }

      async function open(): Promise<void> {
        if (closed) return;
        streamId = undefined;
        controller = new AbortController();
        // The first users travel in the URL (no extra round trip); a long list would make the URL
        // too long for servers and proxies, so the rest follow in a subscription request.
        const ids = [...wanted].slice(0, URL_IDS);
        sent = new Set(ids);
        let response: Response;
        try {
          response = await fetchImpl(`${base}/stream${ids.length > 0 ? `?ids=${ids.join(',')}` : ''}`, {
            headers: await headers({ accept: 'text/event-stream' }),
            credentials: options.credentials ?? 'same-origin',
            cache: 'no-store',
            signal: controller.signal,
          });
        } catch {
          if (!closed) scheduleRetry();
          return;
        }
        if (!response.ok || !response.body || !(response.headers.get('content-type') ?? '').startsWith('text/event-stream')) {
          await response.body?.cancel().catch(() => undefined);
          scheduleRetry();
          return;
        }
        try {
          await readServerSentEvents(response.body, onEvent);
        } catch {
          // The connection broke: reconnect below.
        }
        if (closed) return;
        streamId = undefined;
        // A stream that was open drops back to connecting at once; it may be one node going away.
        if (state === 'open') {
          failures = 0;
          setState('connecting');
        }
        scheduleRetry();
      }

      function flushSoon(): void {
        if (batchTimer || closed) return;
        batchTimer = setTimeout(() => {
          batchTimer = undefined;
          void flush();
        }, BATCH_MS);
      }

      async function flush(): Promise<void> {
        if (closed || sending || streamId === undefined) return;
        const add = [...wanted].filter((id) => !sent.has(id));
        const remove = [...sent].filter((id) => !wanted.has(id));
        if (add.length === 0 && remove.length === 0) return;
        const stream = streamId;
        sending = true;
        let accepted = false;
        try {
          const response = await fetchImpl(`${base}/subscriptions`, {
            method: 'POST',
            headers: await headers({ 'content-type': 'application/json' }),
            credentials: options.credentials ?? 'same-origin',
            body: JSON.stringify({ stream, add, remove }),
          });
          await response.body?.cancel().catch(() => undefined);
          if (response.ok) {
            accepted = true;
            if (streamId === stream) sent = new Set([...[...sent].filter((id) => !remove.includes(id)), ...add]);
          } else if (response.status === 404 && streamId === stream) {
            // The stream is gone (its node went away): a new one carries the whole set.
            controller?.abort();
          }
        } catch {
          // The stream's own reconnect resends everything.
        } finally {
          sending = false;
        }
        const pending = [...wanted].some((id) => !sent.has(id)) || [...sent].some((id) => !wanted.has(id));
        // After a refusal the next change (or the stream's reconnect) tries again: no loop.
        if (accepted && streamId !== undefined && pending) flushSoon();
      }

      setState('connecting');
      void open();

      return {
        setUserIds(ids) {
          wanted = new Set(ids);
          flushSoon();
        },
        close() {
          closed = true;
          controller?.abort();
          if (batchTimer) clearTimeout(batchTimer);
          if (retryTimer) clearTimeout(retryTimer);
        },
      };
    },
  };
}
