import { createHash } from 'node:crypto';

/**
 * The key the guard files a session under: a SHA-256 hash of its token, base64url-encoded. The
 * same token gives the same key on every backend instance, and the store never holds the token.
 */
export function sessionKeyOf(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('base64url');
}
