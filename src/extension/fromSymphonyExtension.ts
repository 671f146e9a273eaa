/** The two colour schemes the widgets come in. */
export type ExtensionTheme = 'light' | 'dark';

/** What {@link fromSymphonyExtension} found out about where the app runs. */
export interface SymphonyExtensionContext {
  /** BCP 47 locale, canonical (`'fr-FR'`): Symphony's when in Symphony, else the browser's. */
  readonly locale: string;
  /** Symphony's theme when in Symphony, else the system's `prefers-color-scheme`. */
  readonly theme: ExtensionTheme;
  /** Symphony's font size setting (e.g. `'normal'`, `'small'`, `'large'`), when Symphony gave one. */
  readonly themeSize: string | undefined;
  /** True when the values came from `SYMPHONY.remote.hello()`; false for the fallbacks. */
  readonly inSymphony: boolean;
}

/** Options of {@link fromSymphonyExtension}. */
export interface FromSymphonyExtensionOptions {
  /** How long to wait for `hello()` before falling back. @default 3000 */
  timeoutMs?: number | undefined;
  /** Locale when not in Symphony. @default navigator.language, else 'en-US' */
  fallbackLocale?: string | undefined;
  /** Theme when not in Symphony. @default 'dark' when the system prefers it, else 'light' */
  fallbackTheme?: ExtensionTheme | undefined;
  /** The Extension API object to use instead of the global `SYMPHONY` (tests, iframes). */
  symphony?: unknown;
}

interface HelloAnswer {
  themeV2?: { name?: unknown; size?: unknown } | undefined;
  locale?: unknown;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}

/**
 * `object[key]`, or undefined when reading it throws: the Extension API's objects come from
 * another frame's script, and a getter (or a Proxy) there may throw.
 */
function read(object: unknown, key: string): unknown {
  if (!isRecord(object) && typeof object !== 'function') return undefined;
  try {
    return (object as Record<string, unknown>)[key];
  } catch {
    return undefined;
  }
}

/** Canonical form of a locale tag, or undefined when it is not one (`'en_US'` is accepted). */
function canonicalLocale(value: unknown): string | undefined {
  if (typeof value !== 'string' || value.length === 0 || value.length > 64) return undefined;
  try {
    return Intl.getCanonicalLocales(value.replace(/_/g, '-'))[0];
  } catch {
    return undefined;
  }
}

function themeOf(name: unknown): ExtensionTheme | undefined {
  if (typeof name !== 'string') return undefined;
  const lower = name.toLowerCase();
  if (lower.includes('dark') || lower === 'black') return 'dark';
  if (lower.includes('light') || lower === 'white') return 'light';
  return undefined;
}

function systemTheme(): ExtensionTheme {
  const match = read(globalThis, 'matchMedia');
  try {
    return typeof match === 'function' && read(match.call(globalThis, '(prefers-color-scheme: dark)'), 'matches') === true ? 'dark' : 'light';
  } catch {
    return 'light';
  }
}

function browserLocale(): string | undefined {
  return canonicalLocale(read(read(globalThis, 'navigator'), 'language'));
}

/** Calls `hello()` if the API has one; resolves to its answer, or undefined on any failure or timeout. */
async function callHello(symphony: unknown, timeoutMs: number): Promise<HelloAnswer | undefined> {
  const remote = read(symphony, 'remote');
  const hello = read(remote, 'hello');
  if (typeof hello !== 'function') return undefined;
  let timer: ReturnType<typeof setTimeout> | undefined;
  try {
    const answer: unknown = await Promise.race([
      Promise.resolve().then(() => hello.call(remote)),
      new Promise<undefined>((resolve) => {
        timer = setTimeout(() => resolve(undefined), timeoutMs);
      }),
    ]);
    if (!isRecord(answer)) return undefined;
    // Copied out field by field, so no getter of the answer runs after this point.
    const themeV2 = read(answer, 'themeV2');
    return { locale: read(answer, 'locale'), themeV2: isRecord(themeV2) ? { name: read(themeV2, 'name'), size: read(themeV2, 'size') } : undefined };
  } catch {
    return undefined;
  } finally {
    if (timer !== undefined) clearTimeout(timer);
  }
}

/**
 * Reads the user's locale and theme from the Symphony client through the Extension API
 * (`SYMPHONY.remote.hello()`), for passing to the presence provider. Outside Symphony (no
 * `SYMPHONY` global), or when `hello()` fails or takes longer than `timeoutMs`, it falls back
 * to the browser's language and colour scheme, so the same code serves a plain dashboard.
 * Never rejects.
 *
 * Symphony sends a `themeChangeV2` event on its `ui` service when the user switches theme: call
 * this again then.
 *
 * @example
 * const { locale, theme } = await fromSymphonyExtension();
 * root.render(<PresenceProvider client={client} locale={locale}><App theme={theme} /></PresenceProvider>);
 */
export async function fromSymphonyExtension(options: FromSymphonyExtensionOptions = {}): Promise<SymphonyExtensionContext> {
  const timeoutMs = options.timeoutMs ?? 3000;
  const symphony = 'symphony' in options ? options.symphony : read(globalThis, 'SYMPHONY');
  const fallbackLocale = canonicalLocale(options.fallbackLocale) ?? browserLocale() ?? 'en-US';
  const fallbackTheme = options.fallbackTheme ?? systemTheme();

  const hello = await callHello(symphony, timeoutMs);
  if (!hello) return { locale: fallbackLocale, theme: fallbackTheme, themeSize: undefined, inSymphony: false };
  const themeV2 = isRecord(hello.themeV2) ? hello.themeV2 : undefined;
  const size = themeV2?.size;
  return {
    locale: canonicalLocale(hello.locale) ?? fallbackLocale,
    theme: themeOf(themeV2?.name) ?? fallbackTheme,
    themeSize: typeof size === 'string' && size.length > 0 && size.length <= 32 ? size : undefined,
    inSymphony: true,
  };
}
