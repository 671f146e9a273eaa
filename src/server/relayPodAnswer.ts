import type { PresenceRoute } from '../model';
import type { PodAnswer } from './callPod';
import { createTokenRedactor } from './createTokenRedactor';
import { PodAnswerError } from './PodAnswerError';
import { LOCKED_DOWN, isJsonType, parseJson } from './proxyAnswer';

/** Pod answer headers always passed on to the browser. */
export const DEFAULT_EXPOSED = ['content-type', 'content-language', 'date', 'etag', 'last-modified', 'retry-after', 'x-trace-id'];
// Never relayed, even when listed in `exposeHeaders`: they describe the proxy-to-pod connection,
// set state on the app's origin, or authenticate.
const NEVER_RELAYED = new Set([
  'connection',
  'keep-alive',
  'transfer-encoding',
  'te',
  'trailer',
  'trailers',
  'upgrade',
  'set-cookie',
  'set-cookie2',
  'content-length',
  'content-encoding',
  'sessiontoken',
  'keymanagertoken',
  'authorization',
  'www-authenticate',
]);
// Statuses whose answers must not carry a body (the Response constructor throws otherwise).
const NULL_BODY_STATUSES = new Set([101, 103, 204, 205, 304]);

/**
 * The pod's answer as the browser may see it: safe headers only (`exposed`, lower case), token
 * redacted, and a 5xx or non-JSON body replaced by the library's `{code, message}` (what it held
 * goes to `report`).
 */
export function relayPodAnswer(
  answer: PodAnswer,
  token: string,
  route: PresenceRoute,
  exposed: ReadonlySet<string>,
  report: (error: unknown, route: PresenceRoute) => void,
): Response {
  const redactor = createTokenRedactor(token);
  const nominated = new Set(
    (answer.headers.get('connection') ?? '')
      .split(',')
      .map((name) => name.trim().toLowerCase())
      .filter(Boolean),
  );
  const headers = new Headers();
  for (const [name, value] of answer.headers) {
    if (!exposed.has(name) || NEVER_RELAYED.has(name) || nominated.has(name) || name.startsWith('proxy-')) continue;
    if (redactor.appearsIn(value)) continue;
    headers.set(name, value);
  }
  for (const [name, value] of Object.entries(LOCKED_DOWN)) headers.set(name, value);
  if (NULL_BODY_STATUSES.has(answer.status)) return new Response(null, { status: answer.status, headers });
  const contentType = answer.headers.get('content-type');
  // Declared JSON is not enough: a JSON-typed HTML page or stack trace is replaced as well.
  const json = isJsonType(contentType) && parseJson(answer.text) !== undefined;
  if (answer.status >= 500 || (!json && answer.text !== '')) {
    report(new PodAnswerError(answer.status, contentType, redactor.redact(answer.text.slice(0, 2048))), route);
    // A 2xx that is not JSON is no presence answer: the browser gets a 502 rather than HTML.
    const status = answer.status >= 400 ? answer.status : 502;
    const message = status >= 500 ? `The pod failed (HTTP ${answer.status})` : `The pod refused the request (HTTP ${answer.status})`;
    headers.set('content-type', 'application/json; charset=utf-8');
    return new Response(JSON.stringify({ code: status, message }), { status, headers });
  }
  return new Response(redactor.redact(answer.text), { status: answer.status, headers });
}
