/**
 * The example backend's sign-in: a verified Symphony user JWT becomes an app session (a cookie)
 * that maps to the user's on-behalf-of (OBO) pod session. This is the step between Symphony's
 * app authentication and `createPresenceProxy`'s `getSessionToken`.
 */
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { UserJwtVerificationError, verifyUserJwt } from '../../src/server';

/** Options of {@link createAppSessions}. */
export interface AppSessionsOptions {
  /** The pod the user JWTs come from; its certificate is `GET {podUrl}/v1/podcert`. */
  podUrl: string;
  /** The extension app's id: the `aud` of its user JWTs. */
  appId: string;
  /**
   * Opens an OBO session for a verified user and returns its token. A real backend calls
   * `POST /login/pubkey/app/user/{userId}/authenticate` with its app session.
   */
  authenticateOnBehalfOf(userId: string): Promise<string>;
  /** Most app sessions kept; the oldest is dropped past it. @default 10000 */
  maxSessions?: number | undefined;
}

/** App sessions of the example backend. */
export interface AppSessions {
  /** `POST /api/session` with `{"jwt": "..."}`: verifies it and sets the session cookie. */
  signIn(req: IncomingMessage, res: ServerResponse): Promise<void>;
  /** The OBO token of the user behind a request to the proxy, from its cookie. */
  tokenFor(request: Request): string | undefined;
  /** Drops the session behind a request (its OBO session expired). */
  forget(request: Request): void;
}

export const SESSION_COOKIE = 'example_session';
const MAX_BODY = 16 * 1024;

function cookieValue(header: string | null | undefined, name: string): string | undefined {
  for (const part of (header ?? '').split(';')) {
    const [key, ...rest] = part.trim().split('=');
    if (key === name) return rest.join('=');
  }
  return undefined;
}

function send(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': String(Buffer.byteLength(text)),
    'cache-control': 'no-store',
    ...headers,
  });
  res.end(text);
}

function readJson(req: IncomingMessage): Promise<unknown> {
  return new Promise((resolve) => {
    let size = 0;
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY) {
        resolve(undefined);
        req.destroy();
      } else chunks.push(chunk);
    });
    req.on('end', () => {
      try {
        resolve(JSON.parse(Buffer.concat(chunks).toString('utf8')));
      } catch {
        resolve(undefined);
      }
    });
    req.on('error', () => resolve(undefined));
  });
}

/**
 * App sessions keyed by a random cookie value. The cookie is `HttpOnly; SameSite=Strict` here;
 * inside Symphony's iframe it must be `SameSite=None; Secure`, which is why the proxy refuses
 * cross-site requests itself.
 */
export function createAppSessions(options: AppSessionsOptions): AppSessions {
  const sessions = new Map<string, { userId: string; token: string }>();
  const maxSessions = options.maxSessions ?? 10_000;

  return {
    async signIn(req, res) {
      if ((req.headers['content-type'] ?? '').split(';')[0]?.trim().toLowerCase() !== 'application/json') {
        send(res, 415, { code: 415, message: 'Content-Type must be application/json' });
        return;
      }
      const origin = req.headers.origin;
      if (origin !== undefined && origin !== `http://${req.headers.host}` && origin !== `https://${req.headers.host}`) {
        send(res, 403, { code: 403, message: 'Request from another origin refused' });
        return;
      }
      const body = await readJson(req);
      const jwt = typeof body === 'object' && body !== null ? (body as { jwt?: unknown }).jwt : undefined;
      if (typeof jwt !== 'string') {
        send(res, 400, { code: 400, message: 'Body must be {"jwt": "<user JWT>"}' });
        return;
      }
      let userId: string;
      try {
        ({ userId } = await verifyUserJwt(jwt, { podUrl: options.podUrl, appId: options.appId }));
      } catch (error) {
        const unavailable = error instanceof UserJwtVerificationError && error.reason === 'certificate';
        const reason = error instanceof UserJwtVerificationError ? error.reason : 'signature';
        send(res, unavailable ? 503 : 401, { code: unavailable ? 503 : 401, message: `User JWT refused (${reason})` });
        return;
      }
      const token = await options.authenticateOnBehalfOf(userId);
      const id = randomUUID();
      if (sessions.size >= maxSessions) sessions.delete(sessions.keys().next().value as string);
      sessions.set(id, { userId, token });
      send(res, 200, { userId }, { 'set-cookie': `${SESSION_COOKIE}=${id}; Path=/; HttpOnly; SameSite=Strict` });
    },

    tokenFor(request) {
      const id = cookieValue(request.headers.get('cookie'), SESSION_COOKIE);
      return id === undefined ? undefined : sessions.get(id)?.token;
    },

    forget(request) {
      const id = cookieValue(request.headers.get('cookie'), SESSION_COOKIE);
      if (id !== undefined) sessions.delete(id);
    },
  };
}
