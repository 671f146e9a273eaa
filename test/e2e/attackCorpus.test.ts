// @vitest-environment node
import { createServer, type Server } from 'node:http';
import { connect, type AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startExampleBackend, type ExampleBackend } from '../../examples/backend/server';
import { createMockPod, type MockPod } from '../../src/mock-pod';
import { startMockPodServer, type MockPodServer } from '../../src/mock-pod/node';
import { createPresenceProxy, toNodeListener } from '../../src/server';
import { attackCorpus, type Attack } from '../fixtures/attackCorpus';
import { rawHttp, type RawAnswer } from '../support/rawHttp';

const MOUNT = '/api/symphony/pod';
const PRESENCE_ROUTES = new Set(['getOwn', 'setOwn', 'register', 'getUser', 'listAll']);

/** A target under attack: where it listens, the pod behind it, and how a request authenticates. */
interface Target {
  readonly name: string;
  readonly port: number;
  readonly pod: MockPod;
  /** Headers that make a request the signed-in user's (the example backend's session cookie). */
  auth: Readonly<Record<string, string>>;
  /** Every spelling of the pod token the browser must never see. */
  readonly secrets: readonly string[];
}

function spellings(token: string): string[] {
  const bytes = Buffer.from(token);
  return [token, encodeURIComponent(token), bytes.toString('base64'), bytes.toString('base64url'), JSON.stringify(token).slice(1, -1)];
}

function serialize(attack: Attack, auth: Readonly<Record<string, string>>): Buffer {
  const body = attack.body === undefined ? undefined : Buffer.isBuffer(attack.body) ? attack.body : Buffer.from(attack.body);
  const headers: Record<string, string> = { host: '127.0.0.1', connection: 'close', ...auth, ...attack.headers };
  const named = Object.keys(headers).map((k) => k.toLowerCase());
  if (body && !named.includes('content-length') && !named.includes('transfer-encoding')) headers['content-length'] = String(body.length);
  const head = `${attack.method} ${attack.target.replace('{mount}', MOUNT)} HTTP/1.1\r\n${Object.entries(headers)
    .map(([k, v]) => `${k}: ${v}\r\n`)
    .join('')}\r\n`;
  return Buffer.concat([Buffer.from(head, 'latin1'), body ?? Buffer.alloc(0)]);
}

/** Checks the invariants every answer keeps, and returns the problems found. */
function problemsOf(answer: RawAnswer, target: Target, allow5xx = false): string[] {
  const problems: string[] = [];
  if (answer.status === 0) problems.push('no answer');
  if (answer.status >= 500 && !allow5xx) problems.push(`status ${answer.status}`);
  const raw = `${answer.head}\n${answer.body}`;
  for (const secret of target.secrets) if (raw.includes(secret)) problems.push('token leaked');
  // Every answer the proxy writes carries the lock-down headers (Node's own 400s have no body).
  if (/^\{"code":\d{3},/.test(answer.body) && !/content-security-policy: default-src 'none'; sandbox/i.test(answer.head)) problems.push('no CSP');
  if (/<html|<script|java\.lang|Exception/i.test(answer.body)) problems.push('upstream body relayed verbatim');
  return problems;
}

async function runCorpus(target: Target): Promise<Record<string, number>> {
  const ext = target.pod.users.find((u) => u.tenantId !== target.pod.homeTenantId && target.pod.isConnected(target.pod.defaultUserId, u.id))!.id;
  const far = target.pod.users.find((u) => u.tenantId === 200000)!.id;
  const corpus = attackCorpus({ ext, far });
  const counts: Record<string, number> = {};
  const statuses: Record<number, number> = {};
  const failures: string[] = [];
  for (const [category, attacks] of Object.entries(corpus)) {
    const ledgerBefore = target.pod.ledger.length;
    const before = target.pod.getUser(target.pod.defaultUserId)!.chosenCategory;
    for (const attack of attacks) {
      const answer = await rawHttp(target.port, serialize(attack, target.auth), { timeoutMs: 10_000 });
      statuses[answer.status] = (statuses[answer.status] ?? 0) + 1;
      for (const problem of problemsOf(answer, target)) failures.push(`${category} / ${attack.name}: ${problem}`);
    }
    counts[category] = attacks.length;
    const reached = target.pod.ledger.slice(ledgerBefore);
    for (const entry of reached) if (!PRESENCE_ROUTES.has(entry.route)) failures.push(`${category}: ${entry.method} ${entry.url} reached the pod`);
    if (category === 'csrf' && reached.length > 0) failures.push(`csrf: ${reached.length} requests reached the pod`);
    if (category === 'csrf' && target.pod.getUser(target.pod.defaultUserId)!.chosenCategory !== before) failures.push('csrf: presence changed');
  }
  expect(failures).toEqual([]);
  counts.statuses = Object.keys(statuses).length;
  console.info(
    `attack corpus against ${target.name}: ${Object.entries(counts)
      .filter(([k]) => k !== 'statuses')
      .map(([k, v]) => `${k} ${v}`)
      .join(', ')}; answers ${JSON.stringify(statuses)}; 0 crashes, 0 5xx, 0 token leaks, nothing outside the allow-list reached the pod`,
  );
  return counts;
}

async function upstreamFaults(target: Target): Promise<number> {
  const { pod } = target;
  const faults = [
    { status: 500, body: 'java.lang.IllegalStateException\n\tat com.symphony.Pod(Pod.java:1) host=pod-internal-07' },
    { status: 502, body: '<html><body>Bad gateway</body></html>' },
    { status: 503, retryAfter: '7' },
    { status: 200, body: '<script>alert(1)</script>' },
    { status: 200, body: '{"category":' },
    { status: 429, retryAfter: '3' },
    { status: 401 },
  ];
  let sent = 0;
  for (const fault of faults) {
    const remove = pod.faults.add({ route: 'getOwn', ...fault, times: 1 });
    const answer = await rawHttp(target.port, serialize({ name: 'own', method: 'GET', target: `${MOUNT}/v2/user/presence` }, target.auth));
    remove();
    sent++;
    expect(problemsOf(answer, target, true), JSON.stringify(fault)).toEqual([]);
    if (fault.status === 200) expect(answer.status, JSON.stringify(fault)).not.toBe(500);
    expect(answer.status).toBeGreaterThanOrEqual(200);
    if (fault.status >= 500) expect(JSON.parse(answer.body)).toEqual({ code: fault.status, message: `The pod failed (HTTP ${fault.status})` });
    if (fault.status === 429) expect(answer.head.toLowerCase()).toContain('retry-after: 3');
  }
  return sent;
}

async function slowClients(target: Target): Promise<number> {
  // An endless upload: 413 and the connection closed, not drained.
  const head = Buffer.from(
    `POST ${MOUNT}/v1/user/presence/register HTTP/1.1\r\nhost: 127.0.0.1\r\n${Object.entries(target.auth)
      .map(([k, v]) => `${k}: ${v}\r\n`)
      .join('')}content-type: application/json\r\ncontent-length: 2000000000\r\n\r\n[`,
  );
  const endless = await rawHttp(target.port, head, { keepWriting: Buffer.alloc(32 * 1024, 0x31), timeoutMs: 5000 });
  expect(endless.status).toBe(413);
  expect(endless.closedAfterMs).toBeLessThan(4000);

  // A client that sends half a body and hangs up, and one that hangs up while the pod is slow.
  await rawHttp(target.port, head.subarray(0, head.length - 20), { timeoutMs: 200 });
  target.pod.faults.add({ route: 'getOwn', latencyMs: 1500, times: 1 });
  await rawHttp(target.port, serialize({ name: 'own', method: 'GET', target: `${MOUNT}/v2/user/presence` }, target.auth), { timeoutMs: 100 });

  // A client that sends its body in two parts, half a second apart, still gets its answer.
  const request = serialize({ name: 'set', method: 'POST', target: `${MOUNT}/v2/user/presence`, headers: { 'content-type': 'application/json' }, body: '{"category":"BUSY"}' }, target.auth);
  const slow = await new Promise<number>((resolve) => {
    const socket = connect(target.port, '127.0.0.1', () => {
      socket.write(request.subarray(0, request.length - 8));
      setTimeout(() => socket.write(request.subarray(request.length - 8)), 500);
    });
    let text = '';
    socket.on('data', (chunk) => (text += chunk.toString('latin1')));
    socket.on('close', () => resolve(Number(/^HTTP\/1\.1 (\d{3})/.exec(text)?.[1] ?? 0)));
    socket.on('error', () => undefined);
  });
  expect(slow).toBe(200);
  await new Promise((resolve) => setTimeout(resolve, 1600));
  return 4;
}

async function stillServes(target: Target): Promise<void> {
  const answer = await rawHttp(target.port, serialize({ name: 'own', method: 'GET', target: `${MOUNT}/v2/user/presence` }, target.auth));
  expect(answer.status).toBe(200);
}

describe('attack corpus', () => {
  describe('against createPresenceProxy behind toNodeListener, with the emulator over HTTP', () => {
    let pod: MockPod;
    let podServer: MockPodServer;
    let server: Server;
    let target: Target;

    beforeAll(async () => {
      pod = createMockPod({ churn: false });
      podServer = await startMockPodServer(pod);
      const token = pod.createSession({ userId: pod.defaultUserId });
      const listener = toNodeListener(createPresenceProxy({ podUrl: podServer.url, getSessionToken: () => token, timeoutMs: 5000 }));
      server = createServer((req, res) => listener(req, res));
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      target = { name: 'the proxy', port: (server.address() as AddressInfo).port, pod, auth: {}, secrets: [...spellings(token), 'mock-session-'] };
    });

    afterAll(async () => {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
      await podServer.close();
    });

    it('answers every request of the corpus without a crash, a 5xx, a leak or a forwarded refusal', async () => {
      const counts = await runCorpus(target);
      expect(Object.values(counts).reduce((a, b) => a + b, 0)).toBeGreaterThan(150);
      await stillServes(target);
    }, 120_000);

    it('turns upstream faults into clean answers', async () => {
      expect(await upstreamFaults(target)).toBe(7);
      await stillServes(target);
    }, 30_000);

    it('survives slow and vanishing clients', async () => {
      expect(await slowClients(target)).toBe(4);
      await stillServes(target);
    }, 30_000);
  });

  describe('against the example backend, signed in', () => {
    let backend: ExampleBackend;
    let target: Target;

    /** Signs in as the example's page does, and returns the session cookie. */
    async function signIn(): Promise<Record<string, string>> {
      const jwt = await (await fetch(`${backend.url}/dev/user-jwt`)).text();
      const session = await fetch(`${backend.url}/api/session`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ jwt }) });
      return { cookie: session.headers.get('set-cookie')!.split(';')[0]! };
    }

    beforeAll(async () => {
      backend = await startExampleBackend({ port: 0, storybookDir: '/nonexistent-storybook-build' });
      // The OBO tokens the backend holds are the emulator's `mock-session-...` tokens.
      target = { name: 'the example backend', port: Number(new URL(backend.url).port), pod: backend.pod, auth: await signIn(), secrets: ['mock-session-', 'mock-pod-default-session-token'] };
    });

    afterAll(async () => {
      await backend?.close();
    });

    it('answers every request of the corpus without a crash, a 5xx, a leak or a forwarded refusal', async () => {
      await runCorpus(target);
      await stillServes(target);
    }, 120_000);

    it('turns upstream faults into clean answers', async () => {
      expect(await upstreamFaults(target)).toBe(7);
      // The pod's 401 made the backend drop the OBO session (onUnauthorized): sign in again.
      expect((await rawHttp(target.port, serialize({ name: 'own', method: 'GET', target: `${MOUNT}/v2/user/presence` }, target.auth))).status).toBe(401);
      target.auth = await signIn();
      await stillServes(target);
    }, 30_000);

    it('survives slow and vanishing clients', async () => {
      expect(await slowClients(target)).toBe(4);
      await stillServes(target);
    }, 30_000);
  });
});
