// @vitest-environment node
import { afterEach, describe, expect, it, vi } from 'vitest';
import { PresenceApiError } from '../../src/client';
import { isTimeout, isTransient, toApiError, withTimeout } from '../../src/sync/requests';

afterEach(() => {
  vi.useRealTimers();
});

describe('withTimeout', () => {
  it('a call that does not answer in time fails as a network error the engine knows as its own', async () => {
    vi.useFakeTimers();
    const seen: AbortSignal[] = [];
    const result = withTimeout(1000, (signal) => {
      seen.push(signal);
      return new Promise((_, reject) => signal.addEventListener('abort', () => reject(new Error('aborted'))));
    });
    const settled = result.catch((e: unknown) => e);
    await vi.advanceTimersByTimeAsync(999);
    expect(seen[0]!.aborted).toBe(false);
    await vi.advanceTimersByTimeAsync(1);
    const error = await settled;
    expect(error).toBeInstanceOf(PresenceApiError);
    expect(error).toMatchObject({ kind: 'network', status: 0, endpoint: 'presence read', serverMessage: 'timed out' });
    expect((error as PresenceApiError).message).toBe('presence read failed (network): timed out');
    expect(isTimeout(error)).toBe(true);
  });

  it('only its own timeout is a timeout: not another network error, nor anything that is not an error', () => {
    expect(isTimeout(new PresenceApiError({ kind: 'network', status: 0, endpoint: 'presence read', serverMessage: 'timed out' }))).toBe(false);
    expect(isTimeout(new Error('presence read timed out'))).toBe(false);
    for (const thrown of [undefined, null, 'timed out', 0]) expect(isTimeout(thrown)).toBe(false);
  });

  it('passes answers and other failures through, and leaves no timer behind', async () => {
    vi.useFakeTimers();
    await expect(withTimeout(1000, () => Promise.resolve(42))).resolves.toBe(42);
    const other = new PresenceApiError({ kind: 'server', status: 500, endpoint: 'x' });
    const failure = await withTimeout(1000, () => Promise.reject(other)).catch((e: unknown) => e);
    expect(failure).toBe(other);
    expect(isTimeout(failure)).toBe(false);
    expect(vi.getTimerCount()).toBe(0);
  });
});

describe('toApiError and isTransient', () => {
  it('keeps typed errors and turns anything else into an invalid response of the endpoint', () => {
    const typed = new PresenceApiError({ kind: 'forbidden', status: 403, endpoint: 'x' });
    expect(toApiError(typed, 'y')).toBe(typed);
    const cause = new TypeError('boom');
    expect(toApiError(cause, 'GET /v2/user/presence')).toMatchObject({
      kind: 'invalid-response',
      status: 0,
      endpoint: 'GET /v2/user/presence',
      cause,
    });
  });

  it.each([
    ['rate-limited', true],
    ['server', true],
    ['network', true],
    ['forbidden', false],
    ['not-found', false],
    ['unauthorized', false],
    ['bad-request', false],
    ['invalid-response', false],
  ] as const)('%s is transient: %s', (kind, transient) => {
    expect(isTransient(new PresenceApiError({ kind, status: 0, endpoint: 'x' }))).toBe(transient);
  });
});
