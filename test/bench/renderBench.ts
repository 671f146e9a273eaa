/**
 * Render figures: builds the bench page (render/) with Vite in production mode, serves it over
 * HTTP on 127.0.0.1, and drives headless Chromium. Each run mounts 1,000 badges (cycling all 11
 * categories), re-renders them all with other categories, and reads the JS heap they hold over
 * CDP (after forced garbage collections). Candidates run interleaved A B C A B C after warm-up.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { chromium, type CDPSession, type Page } from 'playwright-core';
import { build, type Rolldown } from 'vite';
import type { Candidate } from './render/main';
import { chromiumLaunchOptions } from '../support/chromium';
import { measureRoster, type RosterOptions, type RosterResult } from './rosterBench';
import { summarize, type Summary } from './stats';

const PAGE_ROOT = fileURLToPath(new URL('./render/', import.meta.url));
export const CANDIDATES: readonly Candidate[] = ['ours', 'fluent', 'bare'];

export interface RenderOptions {
  badges: number;
  warmup: number;
  runs: number;
  /** The roster refresh scenario; left out, it is not run. */
  roster?: RosterOptions | undefined;
}

export interface CandidateRender {
  mountMs: Summary;
  updateMs: Summary;
  /** The part of mount and update spent in React (render and commit), before style and layout. */
  mountReactMs: Summary;
  updateReactMs: Summary;
  /** JS heap held by the mounted (and updated) badges, bytes: used heap after GC minus before mounting. */
  heapBytes: Summary;
  /** What the page showed after mounting: badges with role="img" and distinct accessible names. */
  shown: { badges: number; names: number };
}

export interface RenderResult {
  chromium: string;
  options: RenderOptions;
  candidates: Record<Candidate, CandidateRender>;
  roster?: RosterResult | undefined;
}

type Asset = Rolldown.OutputAsset | Rolldown.OutputChunk;

/** Builds the page in memory: file name -> contents. */
async function buildPage(): Promise<Map<string, string | Uint8Array>> {
  const output = await build({
    configFile: false,
    root: PAGE_ROOT,
    base: './',
    mode: 'production',
    logLevel: 'silent',
    publicDir: false,
    plugins: [react()],
    build: { write: false, minify: true, modulePreload: false, reportCompressedSize: false, copyPublicDir: false },
  });
  const files = new Map<string, string | Uint8Array>();
  const outputs = (Array.isArray(output) ? output : [output]) as Array<{ output: Asset[] }>;
  for (const o of outputs) for (const a of o.output) files.set(a.fileName, a.type === 'chunk' ? a.code : a.source);
  return files;
}

const TYPES: Record<string, string> = { html: 'text/html', js: 'text/javascript', css: 'text/css' };

function serve(files: Map<string, string | Uint8Array>): Promise<Server> {
  const server = createServer((req, res) => {
    const path = decodeURIComponent(new URL(req.url ?? '/', 'http://127.0.0.1').pathname).slice(1) || 'index.html';
    const body = files.get(path);
    if (body === undefined) {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, { 'content-type': TYPES[path.split('.').pop() ?? ''] ?? 'application/octet-stream', 'cache-control': 'no-store' });
    res.end(body);
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

async function usedHeap(cdp: CDPSession): Promise<number> {
  await cdp.send('HeapProfiler.collectGarbage');
  await cdp.send('HeapProfiler.collectGarbage');
  const { usedSize } = await cdp.send('Runtime.getHeapUsage');
  return usedSize;
}

async function sample(page: Page, cdp: CDPSession, candidate: Candidate, count: number, shift: number) {
  const before = await usedHeap(cdp);
  const mount = await page.evaluate(([c, n, s]) => window.__bench.mount(c, n, s), [candidate, count, shift] as const);
  const shown = await page.evaluate(() => window.__bench.inspect());
  const update = await page.evaluate((s) => window.__bench.update(s), shift + 1);
  const after = await usedHeap(cdp);
  await page.evaluate(() => window.__bench.unmount());
  return { mount, update, heapBytes: after - before, shown };
}

export async function measureRender(options: RenderOptions, log: (line: string) => void): Promise<RenderResult> {
  const files = await buildPage();
  const server = await serve(files);
  const browser = await chromium.launch(chromiumLaunchOptions());
  try {
    const page = await browser.newPage();
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(error.message));
    await page.goto(`http://127.0.0.1:${(server.address() as AddressInfo).port}/index.html`);
    await page.waitForFunction(() => window.__bench !== undefined);
    const cdp = await page.context().newCDPSession(page);
    const samples = new Map<Candidate, Array<Awaited<ReturnType<typeof sample>>>>(CANDIDATES.map((c) => [c, []]));
    for (let run = 0; run < options.warmup + options.runs; run++) {
      for (const candidate of CANDIDATES) {
        const s = await sample(page, cdp, candidate, options.badges, run);
        if (run >= options.warmup) samples.get(candidate)!.push(s);
      }
      if ((run + 1) % 5 === 0) log(`render: ${run + 1}/${options.warmup + options.runs} rounds`);
    }
    const roster = options.roster ? await measureRoster(page, cdp, options.roster, log) : undefined;
    if (errors.length > 0) throw new Error(`bench page errors: ${errors.join('; ')}`);
    const candidates = {} as Record<Candidate, CandidateRender>;
    for (const [candidate, list] of samples) {
      candidates[candidate] = {
        mountMs: summarize(list.map((s) => s.mount.totalMs)),
        updateMs: summarize(list.map((s) => s.update.totalMs)),
        mountReactMs: summarize(list.map((s) => s.mount.reactMs)),
        updateReactMs: summarize(list.map((s) => s.update.reactMs)),
        heapBytes: summarize(list.map((s) => s.heapBytes)),
        shown: list[0]!.shown,
      };
    }
    return { chromium: browser.version(), options, candidates, roster };
  } finally {
    await browser.close();
    await new Promise((resolve) => server.close(resolve));
  }
}
