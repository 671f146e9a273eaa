import { createRequire } from 'node:module';

/** The part of jsdom's API used here (the project has no @types/jsdom). */
interface JsdomInstance {
  readonly window: Window & typeof globalThis;
}
type JsdomConstructor = new (html: string, options: { url: string }) => JsdomInstance;

const { JSDOM } = createRequire(import.meta.url)('jsdom') as { JSDOM: JsdomConstructor };

/**
 * Gives a plain Node process a jsdom `window` and `document` for React DOM, as vitest's jsdom
 * environment does for the test suite. Globals Node already has (timers, fetch, AbortController,
 * BroadcastChannel, ...) are kept: the library then talks to the emulator through Node's fetch
 * and the virtual clock controls Node's timers.
 */
export function installDom(): JsdomInstance {
  const dom = new JSDOM('<!doctype html><html><body></body></html>', { url: 'http://localhost:3000/' });
  const g = globalThis as unknown as Record<string, unknown>;
  const win = dom.window as unknown as Record<string, unknown>;
  for (const name of Object.getOwnPropertyNames(dom.window)) {
    if (name in globalThis || name.startsWith('_') || name === 'window' || name === 'self') continue;
    Object.defineProperty(globalThis, name, { configurable: true, get: () => win[name] });
  }
  Object.defineProperty(globalThis, 'window', { configurable: true, value: dom.window });
  Object.defineProperty(globalThis, 'self', { configurable: true, value: dom.window });
  // React decides whether to warn about missing act() from this flag: the bench drives React
  // through its own scheduler, as an app does, not through act().
  g.IS_REACT_ACT_ENVIRONMENT = false;
  return dom;
}
