/**
 * Example app backend: the Symphony presence API reaches the browser only through
 * `createPresenceProxy`, which adds the session token on the server.
 *
 *   node --import tsx examples/backend/server.ts        (PORT=3001 by default)
 *
 * then open http://127.0.0.1:3001/dashboard (polling through the proxy) or /hub (pushed through
 * the presence hub, `createPresenceHub`, mounted at /api/presence-hub). A built Storybook (`npx storybook build -o
 * storybook-static`) is served at `/` when present.
 *
 * The pod is the emulator, started in this process behind a real HTTP server, so every call
 * makes the same hop a real deployment makes. The page signs in as a real extension app does:
 * it gets a user JWT signed by the pod (`GET /dev/user-jwt` stands for Symphony's app
 * authentication), posts it to `POST /api/session`, where the backend verifies it against the
 * pod certificate and opens an on-behalf-of (OBO) session for that user, and from then on its
 * cookie is what `getSessionToken` maps to the OBO token.
 */
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { createServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createMockPod, signMockUserJwt, type MockPod } from '../../src/mock-pod';
import { startMockPodServer } from '../../src/mock-pod/node';
import { createMemoryGuardStore, createPresenceHub, createPresenceProxy, toNodeListener } from '../../src/server';
import { createAppSessions } from './createAppSessions';

/** Where the proxy is mounted; the browser's client uses it as its `podUrl`. */
export const POD_MOUNT_PATH = '/api/symphony/pod';

/** Where the presence hub is mounted: `GET {HUB_MOUNT_PATH}/stream`, `POST {HUB_MOUNT_PATH}/subscriptions`. */
export const HUB_MOUNT_PATH = '/api/presence-hub';

/** The extension app id the example's user JWTs are issued to. */
export const EXAMPLE_APP_ID = 'presence-widgets-example';

/** Options of {@link startExampleBackend}. */
export interface ExampleBackendOptions {
  /** Port to listen on; 0 picks a free one. @default 0 */
  port?: number | undefined;
  /** Interface to bind. @default '127.0.0.1' */
  host?: string | undefined;
  /** Static Storybook build served at `/` when it exists. @default '<repo>/storybook-static' */
  storybookDir?: string | undefined;
}

/** A running example backend. */
export interface ExampleBackend {
  /** Base URL of the app, e.g. `http://127.0.0.1:3001`. */
  readonly url: string;
  /** The emulated pod behind the proxy (for inspecting its ledger in tests). */
  readonly pod: MockPod;
  /** A user of another company the default user is connected to, shown on the dashboard. */
  readonly externalUserId: string;
  /** The emulated pod's base URL (for fetching its certificate in tests). */
  readonly podUrl: string;
  close(): Promise<void>;
}

const CONTENT_TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.woff2': 'font/woff2',
  '.ico': 'image/x-icon',
};

/** The dashboard: plain fetch calls to the proxy, so the page needs no build step. */
function dashboardHtml(externalUserId: string): string {
  return `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>Presence dashboard</title>
<style>body{font:14px system-ui,sans-serif;margin:2rem}td,th{padding:2px 12px;text-align:left}</style></head>
<body>
<h1>Presence dashboard</h1>
<p>Me: <output id="own">…</output></p>
<p>External contact <code>${externalUserId}</code>: <output id="external">…</output>;
read again at once: <output id="external-again">…</output></p>
<table><thead><tr><th>User</th><th>Presence</th></tr></thead><tbody id="colleagues"></tbody></table>
<p id="status" role="status">loading</p>
<script type="module">
const pod = ${JSON.stringify(POD_MOUNT_PATH)};
const external = ${JSON.stringify(externalUserId)};
const show = (id, text) => { document.getElementById(id).textContent = text; };
// Ids are quoted before parsing: JSON.parse would round ids above 2^53.
const parse = (text) => JSON.parse(text.replace(/("userId"\\s*:\\s*)(\\d+)/g, '$1"$2"'));
async function call(path, init) {
  const res = await fetch(pod + path, init);
  const text = await res.text();
  return { status: res.status, body: res.ok ? parse(text) : null };
}
try {
  // Sign in: the user JWT Symphony gives the app (here signed by the emulator), verified by the backend.
  const jwt = await (await fetch('/dev/user-jwt')).text();
  const session = await fetch('/api/session', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ jwt }) });
  const signedIn = await session.text();
  if (!session.ok) throw new Error('sign-in refused: ' + signedIn);
  const own = await call('/v2/user/presence');
  show('own', own.body ? own.body.userId + ' ' + own.body.category : 'HTTP ' + own.status);
  const list = await call('/v2/users/presence?limit=25');
  for (const p of list.body ?? []) {
    const row = document.createElement('tr');
    for (const text of [p.userId, p.category]) row.appendChild(document.createElement('td')).textContent = text;
    document.getElementById('colleagues').appendChild(row);
  }
  await call('/v1/user/presence/register', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '[' + external + ']' });
  const first = await call('/v3/user/' + external + '/presence');
  show('external', first.body ? first.body.category : 'HTTP ' + first.status);
  const again = await call('/v3/user/' + external + '/presence');
  show('external-again', again.body ? again.body.category : 'HTTP ' + again.status);
  show('status', 'ready');
} catch (error) {
  show('status', 'failed: ' + error);
}
</script>
</body>
</html>`;
}

/**
 * The same people through the presence hub: one event stream, pushed changes, no polling. Plain
 * fetch streaming (no build step); the library's `createHubSource` does this for React apps.
 */
function hubHtml(userIds: readonly string[]): string {
  return `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>Presence through the hub</title>
<style>body{font:14px system-ui,sans-serif;margin:2rem}td,th{padding:2px 12px;text-align:left}</style></head>
<body>
<h1>Presence through the hub</h1>
<table><thead><tr><th>User</th><th>Presence</th><th>Read at</th></tr></thead><tbody id="people"></tbody></table>
<p id="status" role="status">connecting</p>
<script type="module">
const ids = ${JSON.stringify(userIds)};
const rows = new Map();
for (const id of ids) {
  const row = document.getElementById('people').appendChild(document.createElement('tr'));
  row.appendChild(document.createElement('td')).textContent = id;
  rows.set(id, [row.appendChild(document.createElement('td')), row.appendChild(document.createElement('td'))]);
  rows.get(id)[0].textContent = '…';
}
const status = (text) => { document.getElementById('status').textContent = text; };
async function run() {
  const jwt = await (await fetch('/dev/user-jwt')).text();
  const session = await fetch('/api/session', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ jwt }) });
  if (!session.ok) throw new Error('sign-in refused');
  for (;;) {
    const res = await fetch(${JSON.stringify(HUB_MOUNT_PATH)} + '/stream?ids=' + ids.join(','));
    if (!res.ok) throw new Error('HTTP ' + res.status);
    status('live');
    const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
    let buffer = '';
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      buffer += value;
      let end;
      while ((end = buffer.indexOf('\\n\\n')) !== -1) {
        const frame = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        const event = /^event: (.*)$/m.exec(frame)?.[1];
        const data = /^data: (.*)$/m.exec(frame)?.[1];
        if (!data) continue;
        // The hub sends ids as strings, so JSON.parse keeps every digit.
        const items = JSON.parse(data);
        if (event === 'presence') for (const p of items) {
          const cells = rows.get(p.userId);
          if (cells) { cells[0].textContent = p.category; cells[1].textContent = new Date(p.observedAt).toLocaleTimeString(); }
        }
        if (event === 'presence-error') for (const f of items) rows.get(f.userId)[0].textContent = 'error ' + f.status;
      }
    }
    status('reconnecting');
    await new Promise((r) => setTimeout(r, 2000));
  }
}
run().catch((error) => status('failed: ' + error));
</script>
</body>
</html>`;
}

async function serveStatic(root: string, pathname: string, res: ServerResponse): Promise<boolean> {
  let decoded: string;
  try {
    decoded = decodeURIComponent(pathname);
  } catch {
    return false;
  }
  const file = resolve(root, `.${decoded.endsWith('/') ? `${decoded}index.html` : decoded}`);
  // Never serve anything outside the build folder ("/../package.json").
  if (file !== root && !file.startsWith(root + sep)) return false;
  const info = await stat(file).catch(() => undefined);
  if (!info?.isFile()) return false;
  res.writeHead(200, { 'content-type': CONTENT_TYPES[extname(file)] ?? 'application/octet-stream', 'content-length': info.size });
  createReadStream(file)
    .on('error', () => res.destroy())
    .pipe(res);
  return true;
}

/** Starts the emulated pod, the proxy in front of it and the app server. */
export async function startExampleBackend(options: ExampleBackendOptions = {}): Promise<ExampleBackend> {
  const pod = createMockPod();
  const podServer = await startMockPodServer(pod);
  const external = pod.users.find((u) => u.tenantId !== pod.homeTenantId && pod.isConnected(pod.defaultUserId, u.id));
  if (!external) throw new Error('the emulator population has no connected external user');

  const sessions = createAppSessions({
    podUrl: podServer.url,
    appId: EXAMPLE_APP_ID,
    // Stands for `POST /login/pubkey/app/user/{userId}/authenticate` with the app's session.
    authenticateOnBehalfOf: async (userId) => pod.createSession({ userId }),
  });
  // One guard for the proxy and the hub: a page that falls back from the hub to polling stays
  // within the same per-session limits.
  const guardStore = createMemoryGuardStore();
  const proxy = createPresenceProxy({
    podUrl: podServer.url,
    store: guardStore,
    // The OBO session of the user behind this request, found by the app session cookie.
    getSessionToken: (request) => sessions.tokenFor(request),
    onUnauthorized: (request) => sessions.forget(request),
    mountPath: POD_MOUNT_PATH,
    onError: (error) => console.error('presence proxy:', error instanceof Error ? error.message : error),
  });
  const api = toNodeListener(proxy);
  const hub = createPresenceHub({
    podUrl: podServer.url,
    getSessionToken: (request) => sessions.tokenFor(request),
    onUnauthorized: (request) => sessions.forget(request),
    mountPath: HUB_MOUNT_PATH,
    guardStore,
    onError: (error) => console.error('presence hub:', error instanceof Error ? error.message : error),
  });
  const hubApi = toNodeListener(hub.handle);
  const storybookDir = resolve(options.storybookDir ?? fileURLToPath(new URL('../../storybook-static', import.meta.url)));
  const dashboard = dashboardHtml(external.id);
  const colleagues = pod.users.filter((u) => u.tenantId === pod.homeTenantId).slice(1, 26).map((u) => u.id);
  const hubPage = hubHtml([...colleagues, external.id]);

  const server = createServer((req, res) => {
    let pathname: string;
    try {
      ({ pathname } = new URL(req.url ?? '/', 'http://localhost'));
    } catch {
      // `GET //[` is no URL: one bad request must not take the server down.
      res.writeHead(400, { 'content-type': 'text/plain; charset=utf-8', connection: 'close' });
      res.end('Bad request');
      return;
    }
    if (pathname === POD_MOUNT_PATH || pathname.startsWith(`${POD_MOUNT_PATH}/`)) {
      api(req, res);
      return;
    }
    if (pathname.startsWith(`${HUB_MOUNT_PATH}/`)) {
      hubApi(req, res);
      return;
    }
    if (pathname === '/api/session' && req.method === 'POST') {
      sessions.signIn(req, res).catch(() => {
        if (!res.headersSent) res.writeHead(500);
        res.end();
      });
      return;
    }
    if (pathname === '/dev/user-jwt' && req.method === 'GET') {
      // Development only: what the Symphony client hands the app after app authentication.
      const requested = new URL(req.url ?? '/', 'http://localhost').searchParams.get('userId');
      const userId = requested !== null && pod.getUser(requested) ? requested : pod.defaultUserId;
      signMockUserJwt(pod, { userId, appId: EXAMPLE_APP_ID }).then(
        (jwt) => {
          res.writeHead(200, { 'content-type': 'text/plain; charset=utf-8', 'cache-control': 'no-store' });
          res.end(jwt);
        },
        () => {
          res.writeHead(500);
          res.end();
        },
      );
      return;
    }
    if (pathname === '/hub') {
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' });
      res.end(hubPage);
      return;
    }
    if (pathname === '/dashboard') {
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' });
      res.end(dashboard);
      return;
    }
    serveStatic(storybookDir, pathname, res)
      .then((served) => {
        if (served) return;
        if (pathname === '/') {
          res.writeHead(302, { location: '/dashboard' });
          res.end();
          return;
        }
        res.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' });
        res.end('Not found');
      })
      .catch(() => {
        if (!res.headersSent) res.writeHead(500, { 'content-type': 'text/plain; charset=utf-8' });
        res.end();
      });
  });

  await new Promise<void>((resolveListen, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => {
      server.off('error', reject);
      resolveListen();
    });
  });
  const address = server.address() as AddressInfo;
  return {
    url: `http://${address.family === 'IPv6' ? `[${address.address}]` : address.address}:${address.port}`,
    pod,
    externalUserId: external.id,
    podUrl: podServer.url,
    async close() {
      await hub.close();
      await new Promise<void>((done) => {
        server.close(() => done());
        server.closeAllConnections();
      });
      await podServer.close();
    },
  };
}

const runDirectly = process.argv[1] !== undefined && resolve(process.argv[1]) === fileURLToPath(import.meta.url);
if (runDirectly) {
  const backend = await startExampleBackend({ port: Number(process.env.PORT ?? 3001), host: process.env.HOST });
  console.log(`Presence dashboard: ${backend.url}/dashboard (proxy at ${backend.url}${POD_MOUNT_PATH}); through the hub: ${backend.url}/hub (${HUB_MOUNT_PATH})`);
  const stop = () => void backend.close().then(() => process.exit(0));
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}
