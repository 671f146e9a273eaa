import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { MockPod } from './types';

/** Options of {@link createMockPodMiddleware}. */
export interface MockPodMiddlewareOptions {
  /**
   * Path the pod API hangs under. Requests outside it go to `next()`. Use `''` when the
   * middleware is mounted under a path already (`server.middlewares.use('/pod', ...)`).
   * @default '/pod'
   */
  basePath?: string | undefined;
  /**
   * Largest request body accepted; bigger ones get 413.
   * @default 1048576 (1 MiB)
   */
  maxBodyBytes?: number | undefined;
  /**
   * Session token added to requests that carry none, the way an extension app's backend adds the
   * user's on-behalf-of token: the browser then needs no token at all. Requests that send their
   * own `sessionToken` keep it (and get 401 when the pod does not know it).
   * @default undefined (a request without a token gets 401, as from a real pod)
   */
  sessionToken?: string | undefined;
}

/** Options of {@link startMockPodServer}. */
export interface MockPodServerOptions extends MockPodMiddlewareOptions {
  /** Port to listen on; 0 picks a free one. @default 0 */
  port?: number | undefined;
  /** Interface to bind. @default '127.0.0.1' */
  host?: string | undefined;
}

/** A running {@link startMockPodServer} server. */
export interface MockPodServer {
  /** Pod base URL, e.g. `http://127.0.0.1:54321/pod`. */
  readonly url: string;
  readonly port: number;
  /** Stops listening and drops open connections. */
  close(): Promise<void>;
}

/** A connect-style middleware, as Vite's `server.middlewares.use()` takes. */
export type MockPodMiddleware = (req: IncomingMessage, res: ServerResponse, next?: (err?: unknown) => void) => void;

const MIB = 1024 * 1024;

// The pod's headers for cross-origin callers: `sessionToken` is a custom header, so browsers
// preflight, and `Retry-After` must be exposed or scripts cannot read it.
const CORS_HEADERS: Readonly<Record<string, string>> = {
  'access-control-allow-origin': '*',
  'access-control-allow-methods': 'GET, POST, OPTIONS',
  'access-control-allow-headers': 'sessionToken, Content-Type, Cache-Control',
  'access-control-expose-headers': 'Retry-After',
  'access-control-max-age': '600',
};

function send(res: ServerResponse, status: number, headers: Record<string, string>, body: string): void {
  res.writeHead(status, { ...CORS_HEADERS, ...headers });
  res.end(body);
}

function sendError(res: ServerResponse, status: number, message: string, headers: Record<string, string> = {}): void {
  send(res, status, { 'content-type': 'application/json', ...headers }, JSON.stringify({ code: status, message }));
}

/**
 * Reads the body as UTF-8; `null` when it is over the limit. An oversized body is still read to
 * its end but not kept: answering early would make clients fail with a reset instead of a 413.
 */
function readBody(req: IncomingMessage, limit: number): Promise<string | null> {
  return new Promise((resolve, reject) => {
    let chunks: Buffer[] | null = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) chunks = null;
      else chunks?.push(chunk);
    });
    req.on('end', () => resolve(chunks === null ? null : Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

/**
 * Serves `pod` over HTTP as connect-style middleware, e.g. in a Vite dev server:
 * `server.middlewares.use(createMockPodMiddleware(pod))`. Adds CORS headers that allow the
 * `sessionToken` header from any origin and answers preflights.
 */
export function createMockPodMiddleware(pod: MockPod, options: MockPodMiddlewareOptions = {}): MockPodMiddleware {
  const basePath = (options.basePath ?? '/pod').replace(/\/+$/, '');
  const maxBodyBytes = options.maxBodyBytes ?? MIB;
  const sessionToken = options.sessionToken;

  return (req, res, next) => {
    const rawUrl = req.url ?? '/';
    const q = rawUrl.indexOf('?');
    const pathname = q === -1 ? rawUrl : rawUrl.slice(0, q);
    if (basePath !== '' && pathname !== basePath && !pathname.startsWith(`${basePath}/`)) {
      if (next) next();
      else sendError(res, 404, 'Not found');
      return;
    }
    if (req.method === 'OPTIONS') {
      send(res, 204, {}, '');
      return;
    }
    readBody(req, maxBodyBytes)
      .then(async (bodyText) => {
        if (bodyText === null) {
          sendError(res, 413, 'Request body too large');
          return;
        }
        const answer = await pod.handle({
          method: req.method ?? 'GET',
          path: rawUrl.slice(basePath.length),
          headers: sessionToken && !req.headers.sessiontoken ? { ...req.headers, sessiontoken: sessionToken } : req.headers,
          bodyText,
        });
        send(res, answer.status, answer.headers, answer.bodyText);
      })
      .catch(() => {
        if (!res.headersSent) sendError(res, 500, 'Mock pod failed to handle the request');
        else res.destroy();
      });
  };
}

/**
 * Starts an HTTP server for `pod`, for tests that need real network calls (another process,
 * a real browser). Paths outside `basePath` get 404.
 *
 * @example
 * const server = await startMockPodServer(createMockPod());
 * // ... fetch(`${server.url}/v2/user/presence`, { headers: { sessionToken: DEFAULT_SESSION_TOKEN } })
 * await server.close();
 */
export async function startMockPodServer(pod: MockPod, options: MockPodServerOptions = {}): Promise<MockPodServer> {
  const basePath = (options.basePath ?? '/pod').replace(/\/+$/, '');
  const middleware = createMockPodMiddleware(pod, {
    basePath,
    maxBodyBytes: options.maxBodyBytes,
    sessionToken: options.sessionToken,
  });
  const server = createServer((req, res) => middleware(req, res));
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address() as AddressInfo;
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  return {
    url: `http://${host}:${address.port}${basePath}`,
    port: address.port,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
