// @vitest-environment node
import { describe, expect, it } from 'vitest';
import { PresenceApiError } from '../../src/client';
import { summarizeError } from '../../src/sync/messages';

describe('summarizeError', () => {
  it('keeps every field another tab needs to show the same error, and nothing else (no cause)', () => {
    const error = new PresenceApiError({
      kind: 'rate-limited',
      status: 429,
      endpoint: 'GET /v3/user/{uid}/presence',
      code: 4291,
      serverMessage: 'slow down',
      retryAfterMs: 120_000,
      cause: new Error('with the token abc in it'),
    });
    const summary = summarizeError(error);
    expect(summary).toStrictEqual({
      kind: 'rate-limited',
      status: 429,
      endpoint: 'GET /v3/user/{uid}/presence',
      code: 4291,
      serverMessage: 'slow down',
      retryAfterMs: 120_000,
    });
    // What the other tab rebuilds reads the same.
    const rebuilt = new PresenceApiError(structuredClone(summary));
    expect(rebuilt.message).toBe(error.message);
  });
});
