/** Headers of every hub answer: nothing cached, sniffed or run. */
export const LOCKED_DOWN = {
  'cache-control': 'private, no-store',
  'x-content-type-options': 'nosniff',
  'content-security-policy': "default-src 'none'; sandbox",
} as const;

/** A JSON error answer of the hub. */
export function hubProblem(status: number, message: string, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify({ code: status, message }), {
    status,
    headers: { 'content-type': 'application/json; charset=utf-8', ...LOCKED_DOWN, ...headers },
  });
}
