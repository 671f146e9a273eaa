// @vitest-environment node
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { resolve } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createMockPod } from '../../src/mock-pod';
import { tenantOf } from '../../src/model';
import { mockPodPlugin, type MockPodPluginOptions, type MockPodVitePlugin } from '../../src/mock-pod/node';
import type { MockPodMiddleware } from '../../src/mock-pod/node';

let server: Server | undefined;
afterEach(async () => {
  await new Promise<void>((done) => (server ? server.close(() => done()) : done()));
  server = undefined;
});

/** Mounts the plugin the way Vite does (`configureServer`), on a real connect-like server. */
async function serve(options: MockPodPluginOptions = {}, hook: 'configureServer' | 'configurePreviewServer' = 'configureServer') {
  const plugin: MockPodVitePlugin = mockPodPlugin(options);
  const stack: MockPodMiddleware[] = [];
  plugin[hook]({ middlewares: { use: (mw) => stack.push(mw) } });
  server = createServer((req, res) => {
    const run = (i: number) => {
      const mw = stack[i];
      if (mw) mw(req, res, () => run(i + 1));
      else {
        res.writeHead(404, { 'content-type': 'text/plain' });
        res.end('app page');
      }
    };
    run(0);
  });
  await new Promise<void>((done) => server!.listen(0, '127.0.0.1', done));
  return { plugin, base: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
}

describe('mockPodPlugin', () => {
  it('answers the pod API under /api/symphony/pod as the default user, with no token from the browser', async () => {
    const { plugin, base } = await serve();
    const res = await fetch(`${base}/api/symphony/pod/v2/user/presence`);
    expect(res.status).toBe(200);
    expect(((await res.json()) as { userId: number }).userId).toBe(Number(plugin.pod.defaultUserId));
  });

  it('also serves `vite preview`', async () => {
    const { base } = await serve({}, 'configurePreviewServer');
    expect((await fetch(`${base}/api/symphony/pod/v2/user/presence`)).status).toBe(200);
  });

  it('sets presence through the added session, visible in the pod', async () => {
    const { plugin, base } = await serve({ basePath: '/pod' });
    const res = await fetch(`${base}/pod/v2/user/presence`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ category: 'BUSY' }),
    });
    expect(res.status).toBe(200);
    expect(plugin.pod.getUser(plugin.pod.defaultUserId)?.category).toBe('BUSY');
  });

  it("keeps a token the request brings: another user's session, and a bad token still gets 401", async () => {
    const pod = createMockPod({ churn: false });
    const other = pod.users.find((u) => u.id !== pod.defaultUserId && tenantOf(u.id) === pod.homeTenantId)!;
    const { base } = await serve({ pod });
    const token = pod.createSession({ userId: other.id });
    const own = await fetch(`${base}/api/symphony/pod/v2/user/presence`, { headers: { sessionToken: token } });
    expect(((await own.json()) as { userId: number }).userId).toBe(Number(other.id));
    expect((await fetch(`${base}/api/symphony/pod/v2/user/presence`, { headers: { sessionToken: 'nope' } })).status).toBe(401);
  });

  it('with sessionToken: false serves the pod as is (401 without a token)', async () => {
    const { base } = await serve({ sessionToken: false });
    expect((await fetch(`${base}/api/symphony/pod/v2/user/presence`)).status).toBe(401);
  });

  it("leaves other paths to the app's server", async () => {
    const { base } = await serve();
    const res = await fetch(`${base}/index.html`);
    expect(await res.text()).toBe('app page');
  });
});

describe("README's Quick start", () => {
  const readme = readFileSync(resolve(import.meta.dirname, '../../README.md'), 'utf8');
  const quickStart = readme.slice(readme.indexOf('## Quick start'), readme.indexOf('\n## ', readme.indexOf('## Quick start') + 5));
  const ids = [...new Set([...quickStart.matchAll(/'(\d{11,20})'/g)].map((m) => m[1]!))];

  it('names real users of the default emulator: one of its own company, one of another that is connected', () => {
    const pod = createMockPod();
    expect(ids.length).toBeGreaterThanOrEqual(2);
    for (const id of ids) expect(pod.getUser(id), id).toBeDefined();
    const external = ids.filter((id) => tenantOf(id) !== pod.homeTenantId);
    expect(ids.some((id) => tenantOf(id) === pod.homeTenantId && id !== pod.defaultUserId)).toBe(true);
    expect(external.length).toBeGreaterThan(0);
    for (const id of external) expect(pod.isConnected(pod.defaultUserId, id), id).toBe(true);
  });
});
