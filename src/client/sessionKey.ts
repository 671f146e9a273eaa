/**
 * The identity of a browser session, derived from its token: a 53-bit digest, so a registration
 * or a stored budget can be tied to the session that made it without ever keeping the token.
 * 53 bits of a token with far more entropy cannot be turned back into the token, and tokens
 * never collide in practice among the few sessions one tab sees.
 */
export function sessionKeyOf(token: string): string {
  // cyrb53: two 32-bit FNV-like lanes mixed together. Synchronous on purpose: crypto.subtle is
  // missing on plain-http intranet pages, where dashboards often live.
  let h1 = 0xdeadbeef;
  let h2 = 0x41c6ce57;
  for (let i = 0; i < token.length; i++) {
    const c = token.charCodeAt(i);
    h1 = Math.imul(h1 ^ c, 2654435761);
    h2 = Math.imul(h2 ^ c, 1597334677);
  }
  h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507) ^ Math.imul(h2 ^ (h2 >>> 13), 3266489909);
  h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507) ^ Math.imul(h1 ^ (h1 >>> 13), 3266489909);
  return `s:${(4294967296 * (2097151 & h2) + (h1 >>> 0)).toString(36)}`;
}
