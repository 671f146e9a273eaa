import { parseJsonLossless } from '../model';

// On every answer: even if a browser were made to render one, it could run nothing and load nothing.
export const LOCKED_DOWN = {
  'cache-control': 'private, no-store',
  'x-content-type-options': 'nosniff',
  'content-security-policy': "default-src 'none'; sandbox",
} as const;

/** An answer the proxy writes itself: the library's `{code, message}` body, locked down. */
export function problem(status: number, message: string, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify({ code: status, message }), {
    status,
    headers: { 'content-type': 'application/json; charset=utf-8', ...LOCKED_DOWN, ...headers },
  });
}

/** JSON with int64 ids kept whole, or `undefined` for text that is not JSON. */
export function parseJson(text: string): unknown {
  try {
    return parseJsonLossless(text);
  } catch {
    return undefined;
  }
}

/** True for `application/json` and `application/*+json` content types. */
export function isJsonType(value: string | null): boolean {
  const type = (value ?? '').split(';', 1)[0]?.trim().toLowerCase() ?? '';
  return type === 'application/json' || (type.startsWith('application/') && type.endsWith('+json'));
}
