/**
 * One presence hub node of the hub benchmark, in its own process (so it can be killed with
 * SIGKILL, and its memory is its own): a real Redis store and guard store, the pod over HTTP.
 * Args: <name> <port> <redisPort> <podUrl> <timeScale>. Prints "ready" when listening.
 * `GET /__bench/stats` answers its hub's counters and its heap after a full collection.
 */
import { createServer } from 'node:http';
import { createClient } from 'redis';
import { createPresenceHub, createRedisGuardStore, createRedisHubStore, toNodeListener } from '../../../src/server';

const [name = 'a', port = '0', redisPort = '6379', podUrl = '', scale = '1'] = process.argv.slice(2);

async function connect() {
  const client = createClient({ socket: { host: '127.0.0.1', port: Number(redisPort), reconnectStrategy: () => 50 } });
  client.on('error', () => undefined);
  await client.connect();
  return client;
}

const client = await connect();
const subscriber = await connect();
let storeErrors = 0;
const hub = createPresenceHub({
  podUrl,
  nodeId: name,
  timeScale: Number(scale),
  getSessionToken: (request) => request.headers.get('x-bench-token'),
  store: createRedisHubStore({ client, subscriber, timeoutMs: 2000 }),
  guardStore: createRedisGuardStore(client),
  heartbeatMs: 15_000,
  onError: (_error, context) => {
    if (context.during.startsWith('store')) storeErrors += 1;
  },
});
const listener = toNodeListener(hub.handle);

function heapAfterGc(): number {
  const gc = (globalThis as { gc?: () => void }).gc;
  gc?.();
  gc?.();
  return process.memoryUsage().heapUsed;
}

const server = createServer((req, res) => {
  if (req.url === '/__bench/stats') {
    const body = JSON.stringify({ ...hub.stats(), heapUsed: heapAfterGc(), rss: process.memoryUsage().rss, storeErrors });
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(body);
    return;
  }
  listener(req, res);
});
// 1,000 streams and their reconnects: the default backlog and timeouts are fine, keep-alive is not needed.
server.keepAliveTimeout = 1000;
server.listen(Number(port), '127.0.0.1', () => process.stdout.write('ready\n'));
