import type { IncomingMessage, ServerResponse } from 'node:http';

/** A `node:http` request listener, also usable as Express or Connect middleware. */
export type NodeRequestListener = (
  req: IncomingMessage & { originalUrl?: string | undefined },
  res: ServerResponse,
  next?: (error?: unknown) => void,
) => void;

/**
 * Streams the Node request body into a web stream. Cancelling the stream (the proxy refusing an
 * oversized body) drains the rest instead of destroying the socket, so the client still gets
 * the 413 rather than a connection reset.
 */
function bodyStream(req: IncomingMessage): ReadableStream<Uint8Array> {
  let finished = false;
  return new ReadableStream<Uint8Array>({
    start(controller) {
      req.on('data', (chunk: Buffer) => {
        if (finished) return;
        controller.enqueue(new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.byteLength));
        if ((controller.desiredSize ?? 1) <= 0) req.pause();
      });
      req.on('end', () => {
        if (finished) return;
        finished = true;
        controller.close();
      });
      req.on('error', (error) => {
        if (finished) return;
        finished = true;
        controller.error(error);
      });
    },
    pull() {
      req.resume();
    },
    cancel() {
      finished = true;
      req.resume();
    },
  });
}

// Methods `new Request` throws on (forbidden by the Fetch standard).
const UNREPRESENTABLE_METHODS = new Set(['CONNECT', 'TRACE', 'TRACK']);

function problem(status: number, message: string, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify({ code: status, message }), {
    status,
    headers: {
      'content-type': 'application/json; charset=utf-8',
      'cache-control': 'private, no-store',
      'x-content-type-options': 'nosniff',
      'content-security-policy': "default-src 'none'; sandbox",
      ...headers,
    },
  });
}

function toRequest(req: IncomingMessage & { originalUrl?: string | undefined }, signal: AbortSignal): Request {
  // Express strips its mount path from `req.url`; `originalUrl` keeps it. The host is fixed
  // because the proxy reads only the path and query, and the Host header is the client's to choose.
  const url = new URL(req.originalUrl ?? req.url ?? '/', 'http://localhost');
  const headers = new Headers();
  for (const [name, value] of Object.entries(req.headers)) {
    // HTTP/2 pseudo-headers (":path") are not valid header names.
    if (value === undefined || name.startsWith(':')) continue;
    if (Array.isArray(value)) for (const v of value) headers.append(name, v);
    else headers.set(name, value);
  }
  const method = (req.method ?? 'GET').toUpperCase();
  const init: RequestInit & { duplex?: 'half' } = { method, headers, signal };
  if (method !== 'GET' && method !== 'HEAD') {
    init.body = bodyStream(req);
    init.duplex = 'half';
  }
  return new Request(url, init);
}

const isEventStream = (response: Response) =>
  response.body !== null && (response.headers.get('content-type') ?? '').toLowerCase().startsWith('text/event-stream');

/**
 * Writes a server-sent-events answer (the presence hub's stream) as it comes, chunk by chunk,
 * instead of buffering it: it never ends by itself. Stops reading it when the client goes.
 */
async function streamEvents(response: Response, res: ServerResponse, aborter: AbortController): Promise<void> {
  const reader = (response.body as ReadableStream<Uint8Array>).getReader();
  const stop = () => void reader.cancel().catch(() => undefined);
  if (res.destroyed) return stop();
  aborter.signal.addEventListener('abort', stop, { once: true });
  res.statusCode = response.status;
  for (const [name, value] of response.headers) res.setHeader(name, value);
  res.flushHeaders();
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done || res.destroyed) break;
      // A client that does not read makes the socket buffer grow: wait for it to drain.
      if (!res.write(value)) await new Promise<void>((resolve) => {
        const go = () => { res.off('drain', go); res.off('close', go); resolve(); };
        res.once('drain', go);
        res.once('close', go);
      });
    }
  } finally {
    aborter.signal.removeEventListener('abort', stop);
    if (!res.destroyed) res.end();
  }
}

/**
 * Adapts a WHATWG handler such as {@link createPresenceProxy}'s to `node:http` and Express:
 * `http.createServer(toNodeListener(proxy))` or `app.use('/api/symphony/pod', toNodeListener(proxy))`.
 * The request's `signal` aborts when the client goes away. Server-sent-events answers
 * (`text/event-stream`, the presence hub's stream) are written as they come, not buffered.
 */
export function toNodeListener(handler: (request: Request) => Promise<Response>): NodeRequestListener {
  return (req, res) => {
    const aborter = new AbortController();
    res.on('close', () => {
      if (!res.writableFinished) aborter.abort();
    });
    void (async () => {
      let response: Response;
      const method = (req.method ?? 'GET').toUpperCase();
      let request: Request | undefined;
      if (UNREPRESENTABLE_METHODS.has(method)) {
        // WHATWG Request refuses these methods; the proxy serves none of them anyway.
        response = problem(405, 'Method not allowed', { allow: 'GET, POST' });
      } else {
        try {
          request = toRequest(req, aborter.signal);
        } catch {
          // A target that is no URL (`//[`) or a header value fetch refuses: the client's fault.
          request = undefined;
        }
        response = request ? await handler(request).catch(() => problem(500, 'Internal error')) : problem(400, 'Bad request');
      }
      if (isEventStream(response)) {
        await streamEvents(response, res, aborter);
        return;
      }
      const body = Buffer.from(await response.arrayBuffer());
      if (res.destroyed) return;
      res.statusCode = response.status;
      for (const [name, value] of response.headers) res.setHeader(name, value);
      res.setHeader('content-length', body.byteLength);
      // A body the handler did not read (a 413, a refusal) is not drained: the connection closes
      // once the answer is out, so an endless upload costs nothing more.
      if (!req.complete) res.setHeader('connection', 'close');
      res.end(body);
    })().catch(() => {
      if (!res.headersSent) res.statusCode = 500;
      res.end();
    });
  };
}
