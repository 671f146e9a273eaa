// @vitest-environment node
/**
 * The package as a new user meets it: the packed tarball installed into a fresh Vite + React +
 * TypeScript app with no msw, its entries imported from plain Node, its declarations checked
 * with `skipLibCheck` off, and the README's "Try it locally" block run as written.
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { chromium, type Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { PRESENCE_CATEGORIES } from '../../src/model';
import { chromiumLaunchOptions } from '../support/chromium';
import { waitUntil } from '../support/waitUntil';
import { installConsumerApp } from './consumerApp';
import { readmeBlock } from './readmeBlock';
import { freePort, startServer, type StartedServer } from './startServer';
import { watchPage } from './watchPage';

const run = promisify(execFile);
let app: string;

beforeAll(async () => {
  app = await installConsumerApp(inject('tarball'));
}, 240_000);

/** Runs an ES module in the app's folder with plain Node and returns what it printed. */
async function node(source: string): Promise<string> {
  const file = join(app, `probe-${Math.random().toString(36).slice(2)}.mjs`);
  writeFileSync(file, source);
  try {
    const { stdout } = await run(process.execPath, [file], { cwd: app });
    return stdout.trim();
  } finally {
    // The app folder is kept between local runs: probes must not pile up in it.
    rmSync(file, { force: true });
  }
}

describe('from plain Node, without the optional msw', () => {
  it('msw is not installed (it is an optional peer)', () => {
    expect(existsSync(join(app, 'node_modules/presence-widgets'))).toBe(true);
    expect(existsSync(join(app, 'node_modules/msw'))).toBe(false);
  });

  it('serves the emulator over HTTP with mock-pod and mock-pod/node, and loads the server entry', async () => {
    const out = await node(`
      import { createMockPod, DEFAULT_SESSION_TOKEN, signMockUserJwt } from 'presence-widgets/mock-pod';
      import { startMockPodServer } from 'presence-widgets/mock-pod/node';
      import { createPresenceProxy, verifyUserJwt } from 'presence-widgets/server';
      const pod = createMockPod();
      const server = await startMockPodServer(pod);
      const res = await fetch(server.url + '/v2/user/presence', { headers: { sessionToken: DEFAULT_SESSION_TOKEN } });
      // The server entry's runtime dependency (jose) came with the package.
      const jwt = await signMockUserJwt(pod, { userId: pod.defaultUserId, appId: 'app' });
      const user = await verifyUserJwt(jwt, { podUrl: server.url, appId: 'app' });
      console.log(JSON.stringify({ status: res.status, body: await res.json(), proxy: typeof createPresenceProxy, verified: user.userId === pod.defaultUserId }));
      await server.close();
    `);
    const result = JSON.parse(out) as { status: number; body: { category: string }; proxy: string };
    expect(result).toMatchObject({ status: 200, proxy: 'function', verified: true });
    expect(typeof result.body.category).toBe('string');
  });

  it('keeps msw to its own entry: mock-pod/msw is the one that asks for it', async () => {
    await expect(node(`await import('presence-widgets/mock-pod/msw');`)).rejects.toThrow(/Cannot find package 'msw'/);
  });
});

describe('types, with skipLibCheck off', () => {
  const entries = `
    import { createSymphonyClient, getCategoryInfo, PresenceBadge, PresenceProvider, StatusPicker, usePresence, type CategoryInfo, type PresenceCategory } from 'presence-widgets';
    import { createMockPod, DEFAULT_SESSION_TOKEN, type MockPod } from 'presence-widgets/mock-pod';
    import { createMockPodMiddleware, mockPodPlugin, startMockPodServer } from 'presence-widgets/mock-pod/node';
    import { createPresenceProxy } from 'presence-widgets/server';
    import 'presence-widgets/styles.css';
    import 'presence-widgets/styles/badge.css';

    const known: CategoryInfo = getCategoryInfo('BUSY');
    const any: CategoryInfo | undefined = getCategoryInfo(String(Math.random()));
    const category: PresenceCategory = known.category;
    const pod: MockPod = createMockPod();
    export const used = [createSymphonyClient, PresenceBadge, PresenceProvider, StatusPicker, usePresence, DEFAULT_SESSION_TOKEN,
      createMockPodMiddleware(pod, { sessionToken: DEFAULT_SESSION_TOKEN }), mockPodPlugin, startMockPodServer, createPresenceProxy, any, category];
  `;

  for (const [name, compilerOptions] of [
    ['nodenext', { module: 'nodenext', moduleResolution: 'nodenext' }],
    ['bundler', { module: 'esnext', moduleResolution: 'bundler' }],
  ] as const) {
    it(`type-checks every entry and the README's vite.config.ts (${name} resolution)`, async () => {
      const dir = join(app, `typecheck-${name}`);
      mkdirSync(dir, { recursive: true });
      writeFileSync(join(dir, 'entries.ts'), entries);
      writeFileSync(join(dir, 'vite.config.ts'), readmeBlock('Try it locally', 'ts'));
      writeFileSync(
        join(dir, 'tsconfig.json'),
        JSON.stringify({
          compilerOptions: {
            ...compilerOptions,
            target: 'es2022',
            lib: ['es2023', 'dom', 'dom.iterable'],
            jsx: 'react-jsx',
            strict: true,
            skipLibCheck: false,
            noUncheckedSideEffectImports: true,
            noEmit: true,
            types: ['node'],
          },
          files: ['entries.ts', 'vite.config.ts'],
        }),
      );
      writeFileSync(join(dir, 'package.json'), '{ "type": "module" }\n');
      const tsc = join(app, 'node_modules/typescript/bin/tsc');
      const result = await run(process.execPath, [tsc, '-p', dir], { cwd: app }).then(
        () => '',
        (error: { stdout?: string }) => error.stdout ?? String(error),
      );
      expect(result).toBe('');
    });
  }
});

describe("README's Try it locally, as written", () => {
  let server: StartedServer | undefined;
  let browser: Browser | undefined;

  beforeAll(async () => {
    mkdirSync(join(app, 'src'), { recursive: true });
    // The user's own files: the two README blocks verbatim, and the entry Vite's template makes.
    writeFileSync(join(app, 'vite.config.ts'), readmeBlock('Try it locally', 'ts'));
    writeFileSync(join(app, 'src/App.tsx'), readmeBlock('Quick start', 'tsx'));
    writeFileSync(
      join(app, 'src/main.tsx'),
      `import { StrictMode } from 'react';\nimport { createRoot } from 'react-dom/client';\nimport { App } from './App';\n\ncreateRoot(document.getElementById('root')!).render(<StrictMode><App /></StrictMode>);\n`,
    );
    writeFileSync(
      join(app, 'index.html'),
      `<!doctype html>\n<html lang="en"><head><meta charset="UTF-8" /><title>try it</title></head>\n<body><div id="root"></div><script type="module" src="/src/main.tsx"></script></body></html>\n`,
    );
    const port = await freePort();
    server = await startServer(process.execPath, [join(app, 'node_modules/vite/bin/vite.js'), '--port', String(port), '--strictPort', '--host', '127.0.0.1'], {
      cwd: app,
      url: `http://127.0.0.1:${port}/`,
    });
    browser = await chromium.launch(chromiumLaunchOptions());
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  it('shows real presence of the README ids and sets the own status, with no warnings', async () => {
    const page = await browser!.newPage();
    const watch = watchPage(page);
    // Every text the roster ever shows, not a sample: an error shown for a moment on the way to
    // the first value (StrictMode's second run of the effects once did that) is a bug too.
    await page.addInitScript(() => {
      const history: string[][] = [];
      (window as unknown as { rosterHistory: string[][] }).rosterHistory = history;
      new MutationObserver(() => {
        const texts = [...document.querySelectorAll('#root > span:not([class])')].map((s) => s.textContent ?? '');
        if (texts.join('|') !== history.at(-1)?.join('|')) history.push(texts);
      }).observe(document, { subtree: true, childList: true, characterData: true });
    });
    await page.goto(server!.url);

    // The internal user's badge shows the pod's value for them, read here over the same server.
    const pod = `${server!.url}api/symphony/pod`;
    const internal = (await (await fetch(`${pod}/v3/user/12987981103236/presence`)).json()) as { category: string };
    const badge = page.locator('.pw-badge[data-status="ready"]').first();
    await badge.waitFor({ timeout: 30_000 }).catch(async (error: Error) => {
      throw new Error(`${error.message}\npage: ${await page.content()}\nconsole: ${watch.problems().join('\n')}\nserver: ${server!.output()}`);
    });
    expect(await badge.getAttribute('data-category')).toBe(internal.category);

    // The roster's two people, one of them of another company (registered, then read): real
    // categories, never the error text.
    const roster = page.locator('#root > span:not([class])');
    const texts = await waitUntil('roster categories', 30_000, async () => {
      const all = await roster.allInnerTexts();
      return all.length === 2 && all.every((t) => t !== '…') && all;
    });
    // On failure, say what the page and the pod saw.
    const seen = () => `page problems: ${watch.problems().join('\n')}\nserver: ${server!.output()}`;
    for (const text of texts) expect(PRESENCE_CATEGORIES, seen()).toContain(text);
    const history = await page.evaluate(() => (window as unknown as { rosterHistory: string[][] }).rosterHistory);
    for (const texts of history) for (const text of texts) expect(['…', ...PRESENCE_CATEGORIES], `roster history ${JSON.stringify(history)}`).toContain(text);

    // The picker sets the requesting user's presence in the pod behind the dev server.
    await page.getByRole('combobox', { name: /change status/i }).click();
    await page.getByRole('option', { name: /^Busy/ }).click();
    await waitUntil('BUSY in the pod', 15_000, async () => {
      const own = (await (await fetch(`${pod}/v2/user/presence`)).json()) as { category: string };
      return own.category === 'BUSY';
    });
    // Every pod answer was a success; StrictMode raised no warning.
    expect(watch.problems()).toEqual([]);
    await page.close();
  });
});
