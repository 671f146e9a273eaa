import type { MockPod } from '../../src/mock-pod';

/** The app origin requests are made against in tests. */
export const APP = 'http://app.test';
export const MOUNT = '/api/symphony/pod';
export const POD_URL = 'http://pod.test/pod';

/** One request the proxy sent to the pod. */
export interface UpstreamCall {
  readonly method: string;
  /** Path and query below the pod URL. */
  readonly path: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string | undefined;
}

/** A fetch that answers from an in-memory emulator and records every call. */
export function podFetch(pod: MockPod): { fetch: typeof fetch; calls: UpstreamCall[] } {
  const calls: UpstreamCall[] = [];
  const fetchImpl = async (input: RequestInfo | URL, init: RequestInit = {}): Promise<Response> => {
    const url = String(input);
    if (!url.startsWith(POD_URL)) throw new TypeError(`unexpected upstream URL ${url}`);
    const headers = Object.fromEntries(new Headers(init.headers));
    const body = typeof init.body === 'string' ? init.body : undefined;
    const call: UpstreamCall = { method: init.method ?? 'GET', path: url.slice(POD_URL.length), headers, body };
    calls.push(call);
    const answer = await pod.handle({ method: call.method, path: call.path, headers, bodyText: body });
    return new Response(answer.status === 204 ? null : answer.bodyText, { status: answer.status, headers: answer.headers });
  };
  return { fetch: fetchImpl as typeof fetch, calls };
}

/** A browser request to the proxy. */
export function browserRequest(path: string, init: RequestInit & { duplex?: 'half' } = {}): Request {
  return new Request(`${APP}${MOUNT}${path}`, init);
}

export function jsonPost(path: string, body: string, headers: Record<string, string> = {}): Request {
  return browserRequest(path, { method: 'POST', body, headers: { 'content-type': 'application/json', ...headers } });
}

/** Every spelling of a token that must never appear in what the browser receives. */
export function tokenForms(token: string): string[] {
  return [token, JSON.stringify(token).slice(1, -1), encodeURIComponent(token)];
}

/** Full text of a response (status line parts, headers and body) for scanning. */
export async function responseText(response: Response): Promise<string> {
  const headers = [...response.headers].map(([k, v]) => `${k}: ${v}`).join('\n');
  return `${response.status}\n${headers}\n\n${await response.text()}`;
}
