import { randomBytes } from 'node:crypto';
import type { UserId } from '../../model';
import type { HubContext, HubOperations, Session, Stream } from './HubContext';
import { hubProblem, LOCKED_DOWN } from './hubProblem';
import { sseFrame, type HubFailureWire } from './hubWire';

type StreamOperations = Pick<
  HubOperations,
  'startStream' | 'write' | 'queuePresence' | 'queueFailure' | 'endStream' | 'dropStream' | 'heartbeat'
>;

/** A stream whose client reads slower than this much queued output is dropped (it reconnects). */
const MAX_QUEUED_BYTES = 1024 * 1024;
const encoder = new TextEncoder();

/** The server-sent-events streams of a node: opening, batching frames, slow clients, closing. */
export function createHubStreams(ctx: HubContext): StreamOperations {
  const { streams, sessions } = ctx;
  const { nodeId, intervalMs, gapMs, scale } = ctx.config;

  function write(stream: Stream, text: string): void {
    if (stream.closed) return;
    try {
      stream.controller.enqueue(encoder.encode(text));
      // A client that does not read would make the node hold its backlog: it is dropped, and
      // its page reconnects and gets a fresh snapshot.
      if ((stream.controller.desiredSize ?? 0) < -MAX_QUEUED_BYTES) endStream(stream, 'too-slow');
    } catch {
      dropStream(stream);
    }
  }

  function queuePresence(stream: Stream, json: string): void {
    stream.queuedPresence.push(json);
    scheduleFlush(stream);
  }

  function queueFailure(stream: Stream, failure: HubFailureWire): void {
    stream.queuedFailures.push(failure);
    scheduleFlush(stream);
  }

  /** Everything that changed in one turn goes out as one frame per kind: a snapshot is one write. */
  function scheduleFlush(stream: Stream): void {
    if (stream.flushScheduled) return;
    stream.flushScheduled = true;
    queueMicrotask(() => {
      stream.flushScheduled = false;
      if (stream.closed) return;
      if (stream.queuedPresence.length > 0) write(stream, `event: presence\ndata: [${stream.queuedPresence.splice(0).join(',')}]\n\n`);
      if (stream.queuedFailures.length > 0) write(stream, sseFrame('presence-error', stream.queuedFailures.splice(0)));
    });
  }

  function endStream(stream: Stream, reason: string): void {
    if (stream.closed) return;
    write(stream, sseFrame('closing', { reason }));
    try {
      stream.controller.close();
    } catch {
      // Already closed by the client.
    }
    dropStream(stream);
  }

  /** Forgets a stream and everything only it needed. */
  function dropStream(stream: Stream): void {
    if (stream.closed) return;
    stream.closed = true;
    streams.delete(stream.id);
    for (const userId of stream.subs) ctx.unwatch(stream, userId);
    stream.subs.clear();
    const session = stream.session;
    session.streams.delete(stream);
    if (session.streams.size === 0 && sessions.get(session.key) === session) {
      sessions.delete(session.key);
      ctx.releaseTenantChannel(session.tenant);
    }
  }

  function heartbeat(): void {
    for (const stream of streams.values()) write(stream, ': keep-alive\n\n');
  }

  /** Opens a stream of an authenticated session: `ready` at once, then what `initial` users are known. */
  function startStream(owner: Session, request: Request, initial: readonly UserId[]): Response {
    const id = `${nodeId}.${randomBytes(12).toString('base64url')}`;
    let stream: Stream | undefined;
    const body = new ReadableStream<Uint8Array>(
      {
        start(controller) {
          stream = {
            id,
            session: owner,
            subs: new Set(),
            controller,
            queuedPresence: [],
            queuedFailures: [],
            flushScheduled: false,
            closed: false,
          };
          streams.set(id, stream);
          owner.streams.add(stream);
          controller.enqueue(
            encoder.encode(
              `retry: 2000\n${sseFrame('ready', { stream: id, tenant: owner.tenant, intervalMs: intervalMs * scale, externalIntervalMs: Math.round(gapMs * scale) })}`,
            ),
          );
        },
        cancel() {
          if (stream) dropStream(stream);
        },
      },
      // Counted in bytes, so that `desiredSize` tells how much a slow client left unread.
      { highWaterMark: 0, size: (chunk) => chunk.byteLength },
    );
    const created = stream as Stream | undefined;
    if (!created) return hubProblem(500, 'Stream could not be opened');
    request.signal.addEventListener('abort', () => dropStream(created), { once: true });
    if (initial.length > 0) void ctx.subscribe(created, initial).catch((error: unknown) => ctx.report(error, 'subscribe'));
    return new Response(body, {
      status: 200,
      headers: {
        'content-type': 'text/event-stream; charset=utf-8',
        'x-accel-buffering': 'no',
        ...LOCKED_DOWN,
      },
    });
  }

  return { startStream, write, queuePresence, queueFailure, endStream, dropStream, heartbeat };
}
