import { describe, expect, it } from 'vitest';
import { isPresenceApiError, PresenceApiError } from '../../src/client';
import { PresenceWidgetsError } from '../../src/model';

const ENDPOINT = 'GET /v3/user/{uid}/presence';

describe('PresenceApiError', () => {
  it('keeps every field it was given and is one of our errors', () => {
    const cause = new Error('socket');
    const error = new PresenceApiError({
      kind: 'rate-limited',
      status: 429,
      endpoint: ENDPOINT,
      code: 429,
      serverMessage: 'slow down',
      retryAfterMs: 30_000,
      cause,
    });
    expect(error).toBeInstanceOf(PresenceWidgetsError);
    expect(error.name).toBe('PresenceApiError');
    expect({ ...error, cause: error.cause }).toEqual({
      name: 'PresenceApiError',
      kind: 'rate-limited',
      status: 429,
      endpoint: ENDPOINT,
      code: 429,
      serverMessage: 'slow down',
      retryAfterMs: 30_000,
      cause,
    });
  });

  it.each([
    [{ kind: 'server', status: 503 }, `${ENDPOINT} failed (server, HTTP 503)`],
    [{ kind: 'network', status: 0 }, `${ENDPOINT} failed (network)`],
    [{ kind: 'forbidden', status: 403, serverMessage: 'no entitlement' }, `${ENDPOINT} failed (forbidden, HTTP 403): no entitlement`],
    [{ kind: 'bad-request', status: 400, serverMessage: '' }, `${ENDPOINT} failed (bad-request, HTTP 400)`],
  ] as const)('%j reads %j', (init, message) => {
    expect(new PresenceApiError({ endpoint: ENDPOINT, ...init }).message).toBe(message);
  });

  it('leaves optional fields undefined when not given', () => {
    const error = new PresenceApiError({ kind: 'aborted', status: 0, endpoint: ENDPOINT });
    expect([error.code, error.serverMessage, error.retryAfterMs, error.cause]).toEqual([undefined, undefined, undefined, undefined]);
  });
});

describe('isPresenceApiError', () => {
  /** What a second copy of the library (another bundle) would throw: same shape, other class. */
  class OtherCopyError extends Error {
    readonly kind = 'server';
    readonly status = 500;
    readonly endpoint = ENDPOINT;
    constructor() {
      super('other copy');
      this.name = 'PresenceApiError';
    }
  }

  it('is true for our errors and for those of another copy of the library', () => {
    expect(isPresenceApiError(new PresenceApiError({ kind: 'server', status: 500, endpoint: ENDPOINT }))).toBe(true);
    expect(isPresenceApiError(new OtherCopyError())).toBe(true);
  });

  it.each([
    ['undefined', undefined],
    ['null', null],
    ['a string', 'PresenceApiError'],
    ['a plain object of the right shape', { name: 'PresenceApiError', kind: 'server', status: 500, endpoint: ENDPOINT }],
    ['a plain Error', new Error('boom')],
    ['a TypeError', new TypeError('Failed to fetch')],
    ['one of our other errors', new PresenceWidgetsError('x')],
    ['an Error with a kind but another name', Object.assign(new Error('x'), { kind: 'server', status: 500, endpoint: ENDPOINT })],
    ['a look-alike without kind', Object.assign(new Error('x'), { name: 'PresenceApiError', status: 500, endpoint: ENDPOINT })],
    ['a look-alike whose kind is not a string', Object.assign(new Error('x'), { name: 'PresenceApiError', kind: 42, status: 500, endpoint: ENDPOINT })],
    ['a look-alike without status', Object.assign(new Error('x'), { name: 'PresenceApiError', kind: 'server', endpoint: ENDPOINT })],
    ['a look-alike whose status is a string', Object.assign(new Error('x'), { name: 'PresenceApiError', kind: 'server', status: '500', endpoint: ENDPOINT })],
    ['a look-alike without endpoint', Object.assign(new Error('x'), { name: 'PresenceApiError', kind: 'server', status: 500 })],
  ])('is false for %s', (_label, value) => {
    expect(isPresenceApiError(value)).toBe(false);
  });
});
