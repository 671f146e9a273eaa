import type { UserId } from '../../model';
import { crossSiteRefusal, isJsonContentType } from '../crossSiteRefusal';
import { readLimited, TOO_LARGE } from '../readLimited';
import { sessionKeyOf } from '../sessionKeyOf';
import type { HubContext, Session } from './HubContext';
import { hubProblem as problem, LOCKED_DOWN } from './hubProblem';
import { wireUserId, type HubControlMessage } from './hubWire';

const HEADER_VALUE = /^[\x21-\x7e]+$/;
const MAX_BODY_BYTES = 256 * 1024;
const STREAM_ID = /^[A-Za-z0-9_-]{1,64}\.[A-Za-z0-9_-]{1,64}$/;

/**
 * The hub's HTTP side: `GET {mountPath}/stream` and `POST {mountPath}/subscriptions`, checked
 * (cross-site refusal, session, ids, caps) before anything is read or spent.
 */
export function createHubRouter(ctx: HubContext): (request: Request) => Promise<Response> {
  const { sessions, streams, store } = ctx;
  const { mountPath, maxSubs, maxStreamsPerSession, nodeId, allowedOrigins } = ctx.config;

  async function authenticate(request: Request): Promise<{ token: string; key: string } | Response> {
    let token: string | null | undefined;
    try {
      token = await ctx.options.getSessionToken(request);
    } catch (error) {
      ctx.report(error, 'getSessionToken');
      return problem(503, 'Could not obtain a Symphony session for this request');
    }
    if (token === undefined || token === null || token === '') return problem(401, 'No Symphony session for this request');
    if (typeof token !== 'string' || !HEADER_VALUE.test(token)) {
      ctx.report(new TypeError('getSessionToken returned something that is not a usable header value'), 'getSessionToken');
      return problem(500, 'Unusable Symphony session');
    }
    return { token, key: sessionKeyOf(token) };
  }

  function parseIds(values: readonly unknown[]): UserId[] | string {
    const out: UserId[] = [];
    for (const value of values) {
      const id = wireUserId(value);
      if (!id) return 'User ids must be positive 64-bit integers (as strings when above 2^53)';
      out.push(id);
    }
    return out;
  }

  async function openStream(request: Request, url: URL): Promise<Response> {
    const rawIds = url.searchParams.get('ids');
    const initial = rawIds === null || rawIds === '' ? [] : parseIds(rawIds.split(','));
    if (typeof initial === 'string') return problem(400, initial);
    if (initial.length > maxSubs) return problem(413, `At most ${maxSubs} users per stream`);
    const auth = await authenticate(request);
    if (auth instanceof Response) return auth;
    let tenant: number | Response;
    try {
      tenant = await ctx.tenantOfSession(auth.key, auth.token);
    } catch (error) {
      ctx.report(error, 'guard');
      return problem(503, 'Presence hub store unavailable', { 'retry-after': '5' });
    }
    if (tenant instanceof Response) return tenant;
    if (ctx.closed) return problem(503, 'The presence hub is shutting down', { 'retry-after': '1' });
    let session: Session | undefined = sessions.get(auth.key);
    if (session && session.streams.size >= maxStreamsPerSession) {
      return problem(429, `At most ${maxStreamsPerSession} streams per session`, { 'retry-after': '30' });
    }
    if (!session || session.dead) {
      session = {
        key: auth.key,
        token: auth.token,
        request,
        tenant,
        streams: new Set(),
        pendingRegistration: new Set(),
        registering: false,
        registrationRetryAt: 0,
        dead: false,
      };
      sessions.set(auth.key, session);
      ctx.acquireTenantChannel(tenant);
    }
    return ctx.startStream(session, request, initial);
  }

  async function changeSubscriptions(request: Request): Promise<Response> {
    if (!isJsonContentType(request.headers.get('content-type'))) {
      await request.body?.cancel().catch(() => undefined);
      return problem(415, 'Content-Type must be application/json');
    }
    const bytes = await readLimited(request.body, MAX_BODY_BYTES).catch((): typeof TOO_LARGE => TOO_LARGE);
    if (bytes === TOO_LARGE) return problem(413, 'Request body too large');
    let body: unknown;
    try {
      body = JSON.parse(new TextDecoder().decode(bytes));
    } catch {
      return problem(400, 'Body must be JSON');
    }
    if (typeof body !== 'object' || body === null || Array.isArray(body)) return problem(400, 'Body must be a JSON object');
    const { stream: streamId, add = [], remove = [] } = body as { stream?: unknown; add?: unknown; remove?: unknown };
    if (typeof streamId !== 'string' || !STREAM_ID.test(streamId)) {
      return problem(400, 'Body must name the "stream" from the ready event');
    }
    if (!Array.isArray(add) || !Array.isArray(remove)) return problem(400, '"add" and "remove" must be arrays of user ids');
    if (add.length > maxSubs || remove.length > maxSubs) return problem(413, `At most ${maxSubs} users per stream`);
    const addIds = parseIds(add);
    const removeIds = parseIds(remove);
    if (typeof addIds === 'string') return problem(400, addIds);
    if (typeof removeIds === 'string') return problem(400, removeIds);
    const auth = await authenticate(request);
    if (auth instanceof Response) return auth;
    const message: HubControlMessage = { stream: streamId, sk: auth.key, add: addIds, remove: removeIds };
    const owner = streamId.slice(0, streamId.indexOf('.'));
    if (owner === nodeId) {
      const local = streams.get(streamId);
      if (!local) return problem(404, 'No such stream: open a new one');
      if (local.session.key !== auth.key) return problem(403, 'The stream belongs to another session');
      const after = new Set(local.subs);
      for (const i of removeIds) after.delete(i);
      for (const i of addIds) after.add(i);
      if (after.size > maxSubs) return problem(413, `At most ${maxSubs} users per stream`);
      await ctx.applyControl(message);
      return new Response(null, { status: 204, headers: LOCKED_DOWN });
    }
    // Held by another node: relayed through the store; a stream that ended makes its page reconnect anyway.
    try {
      await store.publish(`node:${owner}`, JSON.stringify(message));
    } catch (error) {
      ctx.storeFailed(error, 'relay');
      return problem(503, 'Presence hub store unavailable', { 'retry-after': '2' });
    }
    return new Response(null, { status: 202, headers: LOCKED_DOWN });
  }

  return async function handle(request: Request): Promise<Response> {
    let url: URL;
    try {
      url = new URL(request.url);
    } catch {
      return problem(404, 'Not found');
    }
    const path = url.pathname;
    if (mountPath !== '' && !path.startsWith(`${mountPath}/`)) return problem(404, 'Not found');
    const route = path.slice(mountPath.length);
    const method = request.method.toUpperCase();
    if (route !== '/stream' && route !== '/subscriptions') return problem(404, 'Not found');
    const allowed = route === '/stream' ? 'GET' : 'POST';
    if (method !== allowed) return problem(405, 'Method not allowed', { allow: allowed });
    // Before anything is read or spent: a page of another site must not act as the user.
    const refusal = crossSiteRefusal(request, url, allowedOrigins);
    if (refusal !== undefined) return problem(403, refusal);
    return route === '/stream' ? openStream(request, url) : changeSubscriptions(request);
  };
}
