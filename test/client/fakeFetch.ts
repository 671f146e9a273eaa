/** One request as the client sent it. */
export interface RecordedCall {
  /** The URL string exactly as passed to fetch (may be relative). */
  url: string;
  /** The same request as a `Request`, resolved against http://localhost for inspection. */
  request: Request;
  /** Body text as sent, or `undefined` when there was none. */
  body: string | undefined;
  init: RequestInit | undefined;
}

export type Responder = (call: RecordedCall, index: number) => Response | Promise<Response>;

export interface FakeFetch {
  fetch: typeof fetch;
  calls: RecordedCall[];
}

/** A fetch stand-in that records every call and answers through `respond`. */
export function createFakeFetch(respond: Responder): FakeFetch {
  const calls: RecordedCall[] = [];
  const fakeFetch = async (input: RequestInfo | URL, init?: RequestInit): Promise<Response> => {
    const url = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
    const { signal: _signal, ...rest } = init ?? {};
    // The signal is left out of the recorded Request: jsdom's AbortSignal is not the one Node's
    // Request accepts. The raw init (signal included) stays available on `init`.
    const request = new Request(new URL(url, 'http://localhost/'), rest);
    const body = typeof init?.body === 'string' ? init.body : undefined;
    const call: RecordedCall = { url, request, body, init };
    calls.push(call);
    return respond(call, calls.length - 1);
  };
  return { fetch: fakeFetch as typeof fetch, calls };
}

/** A JSON response from literal text (so tests can write integer literals above 2^53). */
export function jsonText(text: string, status = 200, headers: Record<string, string> = {}): Response {
  return new Response(text, { status, headers: { 'Content-Type': 'application/json', ...headers } });
}

/** A JSON response from a value. */
export function json(value: unknown, status = 200, headers: Record<string, string> = {}): Response {
  return jsonText(JSON.stringify(value), status, headers);
}

/** A fetch that never settles until its signal aborts, like a real request in flight. */
export function hangingFetch(): FakeFetch {
  const calls: RecordedCall[] = [];
  const fakeFetch = (input: RequestInfo | URL, init?: RequestInit): Promise<Response> =>
    new Promise<Response>((_resolve, reject) => {
      const url = String(input);
      const { signal: _signal, ...rest } = init ?? {};
      calls.push({ url, request: new Request(new URL(url, 'http://localhost/'), rest), body: undefined, init });
      init?.signal?.addEventListener('abort', () => reject(new DOMException('aborted', 'AbortError')));
    });
  return { fetch: fakeFetch as typeof fetch, calls };
}
