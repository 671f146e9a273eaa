import { http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createSymphonyClient, isPresenceApiError } from '../../src/client';

const INT64_MAX = '9223372036854775807';
const seen: Request[] = [];

// A relative pod URL, as an app proxying the pod through its own origin would configure it.
const server = setupServer(
  http.get('/api/symphony/pod/v3/user/:uid/presence', ({ request, params }) => {
    seen.push(request.clone());
    return new HttpResponse(`{"category":"BUSY","userId":${String(params.uid)},"timestamp":1}`, {
      headers: { 'Content-Type': 'application/json' },
    });
  }),
  http.post('/api/symphony/pod/v1/user/presence/register', ({ request }) => {
    seen.push(request.clone());
    return HttpResponse.json({ format: 'TEXT', message: 'OK' });
  }),
  http.get('/api/symphony/pod/v2/user/presence', () =>
    HttpResponse.json({ code: 429, message: 'Too many requests' }, { status: 429, headers: { 'Retry-After': '3' } }),
  ),
);

describe('client over the global fetch patched by msw', () => {
  beforeAll(() => server.listen({ onUnhandledRequest: 'error' }));
  afterEach(() => {
    server.resetHandlers();
    seen.length = 0;
  });
  afterAll(() => server.close());

  it('resolves a relative podUrl against the page and keeps big ids', async () => {
    const client = createSymphonyClient({ podUrl: '/api/symphony/pod/', getSessionToken: () => 'tok' });
    const presence = await client.getUserPresence(INT64_MAX, { local: true });
    expect(presence).toMatchObject({ userId: INT64_MAX, category: 'BUSY' });
    const [request] = seen;
    expect(new URL(request!.url).pathname).toBe(`/api/symphony/pod/v3/user/${INT64_MAX}/presence`);
    expect(new URL(request!.url).search).toBe('?local=true');
    expect(request!.headers.get('sessiontoken')).toBe('tok');
  });

  it('posts the register body with every digit', async () => {
    const client = createSymphonyClient({ podUrl: '/api/symphony/pod' });
    await client.registerInterest([INT64_MAX, '9007199254740993']);
    expect(await seen[0]!.text()).toBe(`[${INT64_MAX},9007199254740993]`);
  });

  it('maps a 429 with Retry-After', async () => {
    const client = createSymphonyClient({ podUrl: '/api/symphony/pod' });
    const error: unknown = await client.getOwnPresence().catch((e: unknown) => e);
    expect(isPresenceApiError(error) && [error.kind, error.retryAfterMs, error.serverMessage]).toEqual([
      'rate-limited',
      3000,
      'Too many requests',
    ]);
  });

  it('an AbortSignal from the page works with the patched fetch', async () => {
    const controller = new AbortController();
    const client = createSymphonyClient({ podUrl: '/api/symphony/pod' });
    const pending = client.getUserPresence('1', { signal: controller.signal }).catch((e: unknown) => e);
    controller.abort();
    const error = await pending;
    expect(isPresenceApiError(error) && error.kind).toBe('aborted');
  });
});
