import { describe, expect, it, vi } from 'vitest';
import { PresenceApiError } from '../../src/client';
import type { TokenSource } from '../../src/client/createTokenSource';
import { AbortNoticed, callFailure, exchange, raceAbort } from '../../src/client/exchange';
import { sessionKeyOf } from '../../src/client/sessionKey';

const ENDPOINT = 'GET /v2/user/presence';

function tokensOf(current: () => Promise<string>, refreshAfter: (t: string) => Promise<string> = () => Promise.resolve('renewed')): TokenSource & {
  current: ReturnType<typeof vi.fn>;
  refreshAfter: ReturnType<typeof vi.fn>;
} {
  return { current: vi.fn(current), refreshAfter: vi.fn(refreshAfter) };
}

/** Settles `promise` within the current turn of microtasks, or says it is still pending. */
async function settled<T>(promise: Promise<T>): Promise<{ value: T } | { error: unknown } | 'pending'> {
  let result: { value: T } | { error: unknown } | 'pending' = 'pending';
  promise.then(
    (value) => (result = { value }),
    (error: unknown) => (result = { error }),
  );
  for (let i = 0; i < 20; i++) await Promise.resolve();
  return result;
}

describe('raceAbort', () => {
  it('passes a value through with or without a signal, and reads plain values and thenables alike', async () => {
    const signal = new AbortController().signal;
    await expect(raceAbort(Promise.resolve(1), undefined)).resolves.toBe(1);
    await expect(raceAbort(Promise.resolve(2), signal)).resolves.toBe(2);
    await expect(raceAbort(3, signal)).resolves.toBe(3);
    const thenable = { then: (ok: (v: number) => void) => ok(4) } as unknown as PromiseLike<number>;
    await expect(raceAbort(thenable, signal)).resolves.toBe(4);
  });

  it('passes a failure through under an attached signal that never aborts, at once', async () => {
    const signal = new AbortController().signal;
    const boom = new Error('boom');
    expect(await settled(raceAbort(Promise.reject(boom), signal))).toEqual({ error: boom });
  });

  it('rejects with AbortNoticed when the signal aborts first, and then ignores the work', async () => {
    const controller = new AbortController();
    let fail!: (e: unknown) => void;
    const work = new Promise<number>((_, reject) => (fail = reject));
    const raced = settled(raceAbort(work, controller.signal));
    controller.abort('stop');
    const result = await raced;
    expect(result).toEqual({ error: expect.any(AbortNoticed) });
    expect((result as { error: AbortNoticed }).error.reason).toBe('stop');
    fail(new Error('late')); // handled: no unhandled rejection fails the run
    await Promise.resolve();
  });

  it('rejects at once for an already aborted signal and keeps the late failure handled', async () => {
    const controller = new AbortController();
    controller.abort('gone');
    const unhandled = vi.fn();
    process.on('unhandledRejection', unhandled);
    try {
      const result = await settled(raceAbort(Promise.reject(new Error('late')), controller.signal));
      expect((result as { error: AbortNoticed }).error).toEqual(new AbortNoticed('gone'));
      await new Promise((r) => setTimeout(r, 0));
      expect(unhandled).not.toHaveBeenCalled();
    } finally {
      process.off('unhandledRejection', unhandled);
    }
  });

  it('detaches its abort listener once the work settles', async () => {
    const controller = new AbortController();
    const remove = vi.spyOn(controller.signal, 'removeEventListener');
    await raceAbort(Promise.resolve('x'), controller.signal);
    await Promise.resolve();
    expect(remove).toHaveBeenCalledWith('abort', expect.any(Function));
    await raceAbort(Promise.reject(new Error('no')), controller.signal).catch(() => undefined);
    await Promise.resolve();
    expect(remove).toHaveBeenCalledTimes(2);
  });
});

describe('callFailure', () => {
  it('keeps a typed error, names an abort, and wraps anything else in the given kind', () => {
    const typed = new PresenceApiError({ kind: 'forbidden', status: 403, endpoint: ENDPOINT });
    expect(callFailure('network', ENDPOINT, typed)).toBe(typed);
    expect(callFailure('network', ENDPOINT, new AbortNoticed('why'))).toMatchObject({ kind: 'aborted', status: 0, endpoint: ENDPOINT, cause: 'why' });
    const controller = new AbortController();
    controller.abort('user left');
    const dom = new DOMException('aborted', 'AbortError');
    expect(callFailure('network', ENDPOINT, dom, controller.signal)).toMatchObject({ kind: 'aborted', cause: 'user left' });
    const cause = new TypeError('Failed to fetch');
    expect(callFailure('network', ENDPOINT, cause, new AbortController().signal)).toMatchObject({ kind: 'network', status: 0, endpoint: ENDPOINT, cause });
    expect(callFailure('unauthorized', ENDPOINT, cause)).toMatchObject({ kind: 'unauthorized', cause });
  });
});

describe('exchange', () => {
  const ok = (body = '{"a":1}', init: ResponseInit = { status: 200, headers: { 'Retry-After': '7' } }) => new Response(body, init);

  it('sends the current token and returns status, body, tokens sent and Retry-After', async () => {
    const send = vi.fn((_token: string | undefined) => Promise.resolve(ok()));
    const result = await exchange(ENDPOINT, tokensOf(() => Promise.resolve('t1')), send, undefined);
    expect(send).toHaveBeenCalledWith('t1');
    expect(result).toMatchObject({ text: '{"a":1}', sentTokens: ['t1'], retryAfter: '7' });
    expect(result.response.status).toBe(200);
  });

  it('sends without a token source, and reads a stand-in without text() or headers as empty', async () => {
    const send = vi.fn(() => Promise.resolve({ status: 204 } as Response));
    const result = await exchange(ENDPOINT, undefined, send, new AbortController().signal);
    expect(send).toHaveBeenCalledWith(undefined);
    expect(result).toMatchObject({ text: '', sentTokens: [], retryAfter: null });
  });

  it('reads a stand-in body given as a plain value the same with a signal as without', async () => {
    const standIn = { status: 200, text: () => 'plain', headers: new Headers() } as unknown as Response;
    const withSignal = await exchange(ENDPOINT, undefined, () => Promise.resolve(standIn), new AbortController().signal);
    const without = await exchange(ENDPOINT, undefined, () => Promise.resolve(standIn), undefined);
    expect(withSignal.text).toBe('plain');
    expect(without.text).toBe('plain');
  });

  it('a token failure under an attached signal rejects at once as unauthorized, nothing sent', async () => {
    const send = vi.fn(() => Promise.resolve(ok()));
    const cause = new Error('provider down');
    const call = exchange(ENDPOINT, tokensOf(() => Promise.reject(cause)), send, new AbortController().signal);
    const result = await settled(call);
    expect(result).not.toBe('pending');
    expect((result as { error: PresenceApiError }).error).toMatchObject({ kind: 'unauthorized', status: 0, cause });
    expect(send).not.toHaveBeenCalled();
  });

  it('a body read failure under an attached signal rejects at once as network', async () => {
    const cause = new TypeError('stream broke');
    const response = ok();
    vi.spyOn(response, 'text').mockRejectedValue(cause);
    const result = await settled(exchange(ENDPOINT, undefined, () => Promise.resolve(response), new AbortController().signal));
    expect(result).not.toBe('pending');
    expect((result as { error: PresenceApiError }).error).toMatchObject({ kind: 'network', status: 0, cause });
  });

  it('a send failure is a network error; an abort while the body is read is aborted', async () => {
    const cause = new TypeError('Failed to fetch');
    await expect(exchange(ENDPOINT, undefined, () => Promise.reject(cause), undefined)).rejects.toMatchObject({ kind: 'network', cause });
    const controller = new AbortController();
    const slowBody = { status: 200, text: () => new Promise<string>(() => undefined) } as unknown as Response;
    const pending = exchange(ENDPOINT, undefined, () => Promise.resolve(slowBody), controller.signal);
    await Promise.resolve();
    controller.abort('left');
    await expect(pending).rejects.toMatchObject({ kind: 'aborted', cause: 'left' });
  });

  it('on 401 cancels the body, refreshes the rejected token once and retries with the new one', async () => {
    const cancel = vi.fn(() => Promise.resolve());
    const refused = { status: 401, body: { cancel }, text: () => Promise.resolve('') } as unknown as Response;
    const send = vi.fn().mockResolvedValueOnce(refused).mockResolvedValueOnce(ok('{}'));
    const tokens = tokensOf(
      () => Promise.resolve('old'),
      () => Promise.resolve('new'),
    );
    const result = await exchange(ENDPOINT, tokens, send, undefined);
    expect(cancel).toHaveBeenCalled();
    expect(tokens.refreshAfter).toHaveBeenCalledWith('old');
    expect(send.mock.calls).toEqual([['old'], ['new']]);
    expect(result.sentTokens).toEqual(['old', 'new']);
    expect(result.response.status).toBe(200);
  });

  it('retries a 401 that has no body at all (nothing to cancel)', async () => {
    const send = vi.fn().mockResolvedValueOnce(new Response(null, { status: 401 })).mockResolvedValueOnce(ok('{}'));
    const result = await exchange(ENDPOINT, tokensOf(() => Promise.resolve('old')), send, undefined);
    expect(send.mock.calls).toEqual([['old'], ['renewed']]);
    expect(result.response.status).toBe(200);
  });

  it('a second 401 is returned as it is, not retried again', async () => {
    const send = vi.fn(() => Promise.resolve(new Response('', { status: 401 })));
    const result = await exchange(ENDPOINT, tokensOf(() => Promise.resolve('a')), send, undefined);
    expect(send).toHaveBeenCalledTimes(2);
    expect(result.response.status).toBe(401);
  });

  it('a 401 without a token source is not retried', async () => {
    const send = vi.fn(() => Promise.resolve(new Response('', { status: 401 })));
    const result = await exchange(ENDPOINT, undefined, send, undefined);
    expect(send).toHaveBeenCalledTimes(1);
    expect(result.response.status).toBe(401);
  });

  it('a failed refresh after 401 is unauthorized, with the provider error as cause', async () => {
    const cause = new Error('sso expired');
    const send = vi.fn(() => Promise.resolve(new Response('', { status: 401 })));
    const tokens = tokensOf(
      () => Promise.resolve('a'),
      () => Promise.reject(cause),
    );
    await expect(exchange(ENDPOINT, tokens, send, new AbortController().signal)).rejects.toMatchObject({ kind: 'unauthorized', cause });
    expect(send).toHaveBeenCalledTimes(1);
  });

  describe('pinned to a session', () => {
    it('sends when the token is still the session’s', async () => {
      const send = vi.fn(() => Promise.resolve(ok()));
      await exchange(ENDPOINT, tokensOf(() => Promise.resolve('t1')), send, undefined, sessionKeyOf('t1'));
      expect(send).toHaveBeenCalledWith('t1');
    });

    it('sends nothing under another session’s token: session-changed with status 0', async () => {
      const send = vi.fn(() => Promise.resolve(ok()));
      await expect(exchange(ENDPOINT, tokensOf(() => Promise.resolve('t2')), send, undefined, sessionKeyOf('t1'))).rejects.toMatchObject({
        kind: 'session-changed',
        status: 0,
        endpoint: ENDPOINT,
      });
      expect(send).not.toHaveBeenCalled();
    });

    it('does not retry a 401 under the renewed token: session-changed with status 401', async () => {
      const send = vi.fn(() => Promise.resolve(new Response('', { status: 401 })));
      const tokens = tokensOf(
        () => Promise.resolve('t1'),
        () => Promise.resolve('t2'),
      );
      await expect(exchange(ENDPOINT, tokens, send, undefined, sessionKeyOf('t1'))).rejects.toMatchObject({ kind: 'session-changed', status: 401 });
      expect(tokens.refreshAfter).toHaveBeenCalledWith('t1');
      expect(send).toHaveBeenCalledTimes(1);
    });
  });
});
