import { describe, expect, it, vi } from 'vitest';
import { createTokenSource, TokenUnavailableError } from '../../src/client/createTokenSource';

describe('createTokenSource', () => {
  it('asks the provider without forcing for the current token, forcing for a refresh', async () => {
    const provider = vi.fn(({ forceRefresh }: { forceRefresh: boolean }) => (forceRefresh ? 'fresh' : 'cached'));
    const tokens = createTokenSource(provider);
    expect(await tokens.current()).toBe('cached');
    expect(await tokens.refreshAfter('cached')).toBe('fresh');
    expect(provider.mock.calls).toEqual([[{ forceRefresh: false }], [{ forceRefresh: true }]]);
  });

  it('shares a running refresh among callers that saw the same token rejected', async () => {
    let finish!: (t: string) => void;
    const provider = vi.fn(() => new Promise<string>((r) => (finish = r)));
    const tokens = createTokenSource(provider);
    const a = tokens.refreshAfter('old');
    const b = tokens.refreshAfter('old');
    finish('new');
    expect(await Promise.all([a, b])).toEqual(['new', 'new']);
    expect(provider).toHaveBeenCalledTimes(1);
    // Finished with a different token: still shared by late callers that saw 'old' rejected.
    expect(await tokens.refreshAfter('old')).toBe('new');
    expect(provider).toHaveBeenCalledTimes(1);
  });

  it('does not share a running refresh with a caller whose rejected token was another one', async () => {
    const resolvers: Array<(t: string) => void> = [];
    const provider = vi.fn(() => new Promise<string>((r) => resolvers.push(r)));
    const tokens = createTokenSource(provider);
    void tokens.refreshAfter('a');
    void tokens.refreshAfter('b');
    expect(provider).toHaveBeenCalledTimes(2);
    resolvers.forEach((r) => r('c'));
  });

  it('asks again after a refresh that gave back the rejected token, instead of staying locked out', async () => {
    const provider = vi.fn().mockResolvedValueOnce('same').mockResolvedValueOnce('other');
    const tokens = createTokenSource(provider);
    expect(await tokens.refreshAfter('same')).toBe('same');
    expect(await tokens.refreshAfter('same')).toBe('other');
    expect(provider).toHaveBeenCalledTimes(2);
  });

  it('asks again after a failed refresh', async () => {
    const provider = vi.fn().mockRejectedValueOnce(new Error('sso down')).mockResolvedValueOnce('back');
    const tokens = createTokenSource(provider);
    const error = await tokens.refreshAfter('old').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TokenUnavailableError);
    expect((error as Error).message).toBe('getSessionToken failed');
    expect(await tokens.refreshAfter('old')).toBe('back');
  });

  it.each(['', ' lead', 'trail ', 'new\nline', 'tab\there', 'é', 42, undefined])('refuses the malformed token %j', async (token) => {
    const tokens = createTokenSource(() => token as string);
    const error = await tokens.current().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TokenUnavailableError);
    expect((error as Error).message).toBe('getSessionToken returned an empty or malformed token');
  });
});
