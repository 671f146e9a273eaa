import { afterEach, describe, expect, it, vi } from 'vitest';
import { fromSymphonyExtension } from '../../src/extension';

type Global = typeof globalThis & { SYMPHONY?: unknown; matchMedia?: unknown };
const g = globalThis as Global;

const symphonyWith = (hello: () => unknown) => ({ remote: { hello } });

afterEach(() => {
  delete g.SYMPHONY;
  vi.restoreAllMocks();
  vi.unstubAllGlobals();
  vi.useRealTimers();
});

describe('fromSymphonyExtension', () => {
  it('reads locale, theme and size from SYMPHONY.remote.hello()', async () => {
    g.SYMPHONY = symphonyWith(async () => ({ themeV2: { name: 'dark', size: 'large' }, locale: 'fr-FR', pod: 189 }));
    await expect(fromSymphonyExtension()).resolves.toEqual({ locale: 'fr-FR', theme: 'dark', themeSize: 'large', inSymphony: true });
  });

  it('calls hello() on the remote object, as the Extension API expects', async () => {
    const remote = {
      answer: { themeV2: { name: 'light' }, locale: 'ja-JP' },
      hello(this: { answer: unknown }) {
        return Promise.resolve(this.answer);
      },
    };
    g.SYMPHONY = { remote };
    await expect(fromSymphonyExtension()).resolves.toMatchObject({ locale: 'ja-JP', theme: 'light', inSymphony: true });
  });

  it.each([
    ['light', 'light'],
    ['dark', 'dark'],
    ['DARK', 'dark'],
    ['black', 'dark'],
    ['high-contrast-dark', 'dark'],
    ['Light', 'light'],
    ['sepia', 'fallback'],
    [undefined, 'fallback'],
    [42, 'fallback'],
  ])('theme name %j gives %s', async (name, expected) => {
    g.SYMPHONY = symphonyWith(async () => ({ themeV2: { name }, locale: 'en-US' }));
    const context = await fromSymphonyExtension({ fallbackTheme: 'dark' });
    expect(context.theme).toBe(expected === 'fallback' ? 'dark' : expected);
    // An unknown theme still came from Symphony.
    expect(context.inSymphony).toBe(true);
  });

  it.each([
    ['en-US', 'en-US'],
    ['ja-JP', 'ja-JP'],
    ['fr-fr', 'fr-FR'],
    ['en_GB', 'en-GB'],
    ['not a locale!', 'de-CH'],
    ['', 'de-CH'],
    [7, 'de-CH'],
    [undefined, 'de-CH'],
  ])('locale %j gives %s', async (locale, expected) => {
    g.SYMPHONY = symphonyWith(async () => ({ themeV2: { name: 'light' }, locale }));
    expect((await fromSymphonyExtension({ fallbackLocale: 'de-CH' })).locale).toBe(expected);
  });

  it('falls back to the browser language and colour scheme outside Symphony', async () => {
    vi.spyOn(navigator, 'language', 'get').mockReturnValue('pt-BR');
    vi.stubGlobal('matchMedia', (query: string) => ({ matches: query === '(prefers-color-scheme: dark)' }));
    await expect(fromSymphonyExtension()).resolves.toEqual({ locale: 'pt-BR', theme: 'dark', themeSize: undefined, inSymphony: false });
  });

  it('uses light and en-US when the browser tells nothing', async () => {
    vi.spyOn(navigator, 'language', 'get').mockReturnValue('');
    vi.stubGlobal('matchMedia', undefined);
    await expect(fromSymphonyExtension()).resolves.toEqual({ locale: 'en-US', theme: 'light', themeSize: undefined, inSymphony: false });
  });

  it.each([
    ['no remote', { services: {} }],
    ['no hello', { remote: {} }],
    ['hello not a function', { remote: { hello: 'hi' } }],
    ['SYMPHONY is null', null],
    ['hello rejects', symphonyWith(() => Promise.reject(new Error('not in Symphony')))],
    ['hello throws', symphonyWith(() => {
      throw new Error('boom');
    })],
    ['hello resolves to null', symphonyWith(async () => null)],
    ['hello resolves to a string', symphonyWith(async () => 'hello')],
  ])('falls back cleanly when %s', async (_case, symphony) => {
    g.SYMPHONY = symphony;
    const context = await fromSymphonyExtension({ fallbackLocale: 'it-IT', fallbackTheme: 'light' });
    expect(context).toEqual({ locale: 'it-IT', theme: 'light', themeSize: undefined, inSymphony: false });
  });

  it('falls back when hello() does not answer in time, and leaves no timer behind', async () => {
    vi.useFakeTimers();
    g.SYMPHONY = symphonyWith(() => new Promise(() => undefined));
    let result: unknown;
    void fromSymphonyExtension({ timeoutMs: 500, fallbackLocale: 'es-ES', fallbackTheme: 'light' }).then((r) => (result = r));
    await vi.advanceTimersByTimeAsync(499);
    expect(result).toBeUndefined();
    await vi.advanceTimersByTimeAsync(1);
    expect(result).toEqual({ locale: 'es-ES', theme: 'light', themeSize: undefined, inSymphony: false });
    expect(vi.getTimerCount()).toBe(0);
  });

  it('clears its timer when hello() answers first', async () => {
    vi.useFakeTimers();
    g.SYMPHONY = symphonyWith(async () => ({ themeV2: { name: 'dark' }, locale: 'en-US' }));
    await expect(fromSymphonyExtension({ timeoutMs: 500 })).resolves.toMatchObject({ inSymphony: true });
    expect(vi.getTimerCount()).toBe(0);
  });

  it('takes the API object from options over the global', async () => {
    g.SYMPHONY = symphonyWith(async () => ({ themeV2: { name: 'light' }, locale: 'en-US' }));
    const context = await fromSymphonyExtension({ symphony: symphonyWith(async () => ({ themeV2: { name: 'dark' }, locale: 'ja-JP' })) });
    expect(context).toMatchObject({ theme: 'dark', locale: 'ja-JP' });
    expect((await fromSymphonyExtension({ symphony: undefined, fallbackLocale: 'en-GB' })).inSymphony).toBe(false);
  });

  it('ignores a size that is not a short string', async () => {
    g.SYMPHONY = symphonyWith(async () => ({ themeV2: { name: 'dark', size: 'x'.repeat(100) }, locale: 'en-US' }));
    expect((await fromSymphonyExtension()).themeSize).toBeUndefined();
  });
});

describe('fromSymphonyExtension never rejects, even on hostile objects', () => {
  const boom = () => {
    throw new Error('getter throws');
  };
  const throwing = (key: string, rest: object = {}) => Object.defineProperty({ ...rest }, key, { get: boom, enumerable: true });
  const fallback = { locale: 'de-DE', theme: 'dark', themeSize: undefined, inSymphony: false };

  it.each([
    ['SYMPHONY.remote throws', () => throwing('remote')],
    ['SYMPHONY.remote.hello throws', () => ({ remote: throwing('hello') })],
    ['SYMPHONY is a Proxy that throws on every read', () => new Proxy({}, { get: boom, has: boom })],
  ])('falls back when %s', async (_name, make) => {
    await expect(fromSymphonyExtension({ symphony: make(), fallbackLocale: 'de-DE', fallbackTheme: 'dark' })).resolves.toEqual(fallback);
  });

  it('falls back when the global SYMPHONY getter itself throws', async () => {
    Object.defineProperty(g, 'SYMPHONY', { get: boom, configurable: true });
    try {
      await expect(fromSymphonyExtension({ fallbackLocale: 'de-DE', fallbackTheme: 'dark' })).resolves.toEqual(fallback);
    } finally {
      Object.defineProperty(g, 'SYMPHONY', { value: undefined, configurable: true, writable: true });
    }
  });

  it.each([
    ['the answer throws on themeV2', () => throwing('themeV2', { locale: 'fr-FR' }), { locale: 'fr-FR', theme: 'dark' }],
    ['the answer throws on locale', () => throwing('locale', { themeV2: { name: 'light' } }), { locale: 'de-DE', theme: 'light' }],
    [
      'themeV2 throws on name and size',
      () => ({ locale: 'ja-JP', themeV2: Object.defineProperties({}, { name: { get: boom }, size: { get: boom } }) }),
      { locale: 'ja-JP', theme: 'dark', themeSize: undefined, inSymphony: true },
    ],
    ['the answer is a Proxy that throws on every read', () => new Proxy({}, { get: boom }), { locale: 'de-DE', theme: 'dark' }],
  ])('uses what it can read when %s', async (_name, answer, expected) => {
    const symphony = { remote: { hello: async () => answer() } };
    const result = await fromSymphonyExtension({ symphony, fallbackLocale: 'de-DE', fallbackTheme: 'dark' });
    expect(result).toMatchObject(expected);
  });

  it('falls back when the answer is a thenable whose then getter throws', async () => {
    const symphony = { remote: { hello: () => throwing('then') } };
    await expect(fromSymphonyExtension({ symphony, fallbackLocale: 'de-DE', fallbackTheme: 'dark' })).resolves.toEqual(fallback);
  });
});
