import type { MockPod } from '../../../src/mock-pod';
import type { PresenceHub } from '../../../src/server';

export const APP = 'http://app.test';
export const HUB = '/api/presence-hub';

/** One server-sent event as a page would receive it. */
export interface HubEvent {
  readonly event: string;
  readonly data: unknown;
}

/** A page's stream: every event so far, and waiting for the next ones. */
export interface TestStream {
  readonly status: number;
  readonly id: string;
  readonly events: HubEvent[];
  /** Presence pushes flattened: `[userId, category]` in arrival order. */
  presences(): Array<{ userId: string; category: string; observedAt: number }>;
  /** The last category pushed for a user. */
  latest(userId: string): string | undefined;
  close(): Promise<void>;
  /** Resolves when the stream ended (server side). */
  readonly ended: Promise<void>;
}

/** Splits an SSE byte stream into events (the spec's parsing, enough for the hub's frames). */
export function readEvents(body: ReadableStream<Uint8Array>, onEvent: (event: HubEvent) => void): { done: Promise<void>; cancel: () => Promise<void> } {
  const reader = body.getReader();
  const decoder = new TextDecoder();
  let buffer = '';
  const done = (async () => {
    for (;;) {
      let chunk: ReadableStreamReadResult<Uint8Array>;
      try {
        chunk = await reader.read();
      } catch {
        return;
      }
      if (chunk.done) return;
      buffer += decoder.decode(chunk.value, { stream: true });
      let end: number;
      while ((end = buffer.indexOf('\n\n')) !== -1) {
        const frame = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        let event = 'message';
        const data: string[] = [];
        for (const line of frame.split('\n')) {
          if (line.startsWith(':')) continue;
          if (line.startsWith('event: ')) event = line.slice(7);
          else if (line.startsWith('data: ')) data.push(line.slice(6));
        }
        if (data.length > 0) onEvent({ event, data: JSON.parse(data.join('\n')) });
      }
    }
  })();
  return { done, cancel: () => reader.cancel().catch(() => undefined) };
}

export function hubRequest(path: string, token: string | undefined, init: RequestInit = {}): Request {
  const headers = new Headers(init.headers);
  if (token !== undefined) headers.set('x-test-token', token);
  return new Request(`${APP}${HUB}${path}`, { ...init, headers });
}

/** The `getSessionToken` of the tests: the token travels in a test header. */
export const tokenFromHeader = (request: Request) => request.headers.get('x-test-token');

/** Opens a stream through the handler and waits for its `ready` event. */
export async function openStream(hub: PresenceHub, token: string, ids: readonly string[] = []): Promise<TestStream> {
  const query = ids.length > 0 ? `?ids=${ids.join(',')}` : '';
  const response = await hub.handle(hubRequest(`/stream${query}`, token));
  const events: HubEvent[] = [];
  if (!response.ok || !response.body) {
    return {
      status: response.status,
      id: '',
      events,
      presences: () => [],
      latest: () => undefined,
      close: async () => undefined,
      ended: Promise.resolve(),
    };
  }
  let resolveReady: (id: string) => void = () => undefined;
  const ready = new Promise<string>((resolve) => (resolveReady = resolve));
  const reading = readEvents(response.body, (event) => {
    events.push(event);
    if (event.event === 'ready') resolveReady((event.data as { stream: string }).stream);
  });
  const id = await ready;
  const presences = () =>
    events
      .filter((e) => e.event === 'presence')
      .flatMap((e) => e.data as Array<{ userId: string; category: string; observedAt: number }>);
  return {
    status: response.status,
    id,
    events,
    presences,
    latest: (userId) => presences().filter((p) => p.userId === userId).at(-1)?.category,
    close: reading.cancel,
    ended: reading.done,
  };
}

export function changeSubscriptions(hub: PresenceHub, token: string, body: unknown): Promise<Response> {
  return hub.handle(
    hubRequest('/subscriptions', token, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }),
  );
}

/** Pod reads of one user (GET /v3/user/{uid}/presence) in the emulator's ledger. */
export function readsOf(pod: MockPod, userId: string): number {
  return pod.reads(userId).length;
}

export function statusesOf(pod: MockPod): Record<number, number> {
  return pod.stats().byStatus;
}
