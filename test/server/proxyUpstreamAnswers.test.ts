// @vitest-environment node
import { describe, expect, it, vi } from 'vitest';
import { createPresenceProxy, PodAnswerError } from '../../src/server';
import { browserRequest, jsonPost, POD_URL } from './proxyTestUtils';

const TOKEN = 'srv-s3cr3t/Tok+en="q"&<0123456789abcdef>';

/** A proxy in front of a pod that answers `answer` to everything. */
function behind(answer: () => Response) {
  const onError = vi.fn();
  const proxy = createPresenceProxy({ podUrl: POD_URL, getSessionToken: () => TOKEN, fetch: async () => answer(), onError });
  return { proxy, onError };
}

const JAVA_TRACE =
  'java.lang.NullPointerException: null\n\tat com.symphony.pod.presence.PresenceService.get(PresenceService.java:212)\n' +
  '\tat org.springframework.web.servlet.FrameworkServlet.service(FrameworkServlet.java:897)\n' +
  `upstream: pod-internal-07.acme.corp:8443 token=${TOKEN}`;

function expectLockedDown(response: Response): void {
  expect(response.headers.get('content-security-policy')).toBe("default-src 'none'; sandbox");
  expect(response.headers.get('x-content-type-options')).toBe('nosniff');
}

describe('what the pod says does not reach the browser verbatim', () => {
  it.each([
    ['a 500 with a Java stack trace', 500, 'text/plain', JAVA_TRACE, 500],
    ['a 500 in JSON whose message is a stack trace', 500, 'application/json', JSON.stringify({ code: 500, message: JAVA_TRACE }), 500],
    ['a 503 HTML maintenance page', 503, 'text/html', '<html><body>pod-internal-07 is down</body></html>', 503],
    ['a 200 text/html page with a script', 200, 'text/html', '<script>alert(document.cookie)</script>', 502],
    ['a 200 with no content type', 200, '', '<svg onload=alert(1)>', 502],
    ['a 404 HTML page from a gateway', 404, 'text/html; charset=utf-8', '<h1>Not found on pod-internal-07</h1>', 404],
    ['a 403 XML body', 403, 'application/xml', '<error><host>pod-internal-07</host></error>', 403],
    ['a 200 HTML page declared as JSON', 200, 'application/json', '<html><script>alert(1)</script></html>', 502],
    ['a 400 stack trace declared as JSON', 400, 'application/json', JAVA_TRACE, 400],
  ])('%s becomes {code, message}, and the details go to onError', async (_name, status, type, body, expected) => {
    const { proxy, onError } = behind(() => new Response(body, { status, headers: type ? { 'content-type': type } : {} }));
    const response = await proxy(browserRequest('/v2/user/presence'));
    expect(response.status).toBe(expected);
    expect(response.headers.get('content-type')).toBe('application/json; charset=utf-8');
    const text = await response.text();
    expect(JSON.parse(text)).toEqual({ code: expected, message: expect.stringMatching(/^The pod (failed|refused the request) \(HTTP \d{3}\)$/) });
    for (const leak of ['java', 'pod-internal', 'script', 'svg', 'xml', 'host']) expect(text.toLowerCase()).not.toContain(leak);
    expectLockedDown(response);
    expect(onError).toHaveBeenCalledOnce();
    const [error, context] = onError.mock.calls[0] as [PodAnswerError, { route: string }];
    expect(error).toBeInstanceOf(PodAnswerError);
    expect(context).toEqual({ route: 'getOwn' });
    expect(error.status).toBe(status);
    expect(error.body).toContain(body.slice(0, 20).replace(TOKEN, '[redacted]'));
    expect(JSON.stringify({ message: error.message, body: error.body })).not.toContain(TOKEN);
  });

  it('relays a JSON 4xx and a JSON 2xx as they were, with the same protective headers', async () => {
    const refused = behind(() => new Response('{"code":400,"message":"Unknown presence category"}', { status: 400, headers: { 'content-type': 'application/json' } }));
    const bad = await refused.proxy(jsonPost('/v2/user/presence', '{"category":"BUSY"}'));
    expect(bad.status).toBe(400);
    expect(await bad.clone().json()).toEqual({ code: 400, message: 'Unknown presence category' });
    expectLockedDown(bad);
    expect(refused.onError).not.toHaveBeenCalled();

    const ok = behind(() => new Response('{"category":"BUSY","userId":12987981103203,"timestamp":1}', { headers: { 'content-type': 'application/json;charset=UTF-8' } }));
    const good = await ok.proxy(browserRequest('/v2/user/presence'));
    expect(await good.clone().text()).toBe('{"category":"BUSY","userId":12987981103203,"timestamp":1}');
    expectLockedDown(good);
  });

  it('puts the protective headers on the proxy’s own answers and on empty ones too', async () => {
    const { proxy } = behind(() => new Response(null, { status: 204 }));
    for (const request of [browserRequest('/v2/user/presence'), browserRequest('/nope'), browserRequest('/v3/user/0/presence')]) {
      expectLockedDown(await proxy(request));
    }
  });
});

/** Every spelling of the token a pod might echo, built independently of the proxy's redactor. */
function spellings(token: string): Record<string, string> {
  const bytes = Buffer.from(token);
  return {
    exact: token,
    json: JSON.stringify(token).slice(1, -1),
    'upper-case %': encodeURIComponent(token),
    'lower-case %': encodeURIComponent(token).replace(/%[0-9A-F]{2}/g, (m) => m.toLowerCase()),
    'every byte %': [...bytes].map((b) => `%${b.toString(16)}`).join(''),
    base64: bytes.toString('base64'),
    base64url: bytes.toString('base64url'),
    'base64 of "token=" + token': Buffer.from(`token=${token}`).toString('base64'),
    'base64 of "x" + token + "y"': Buffer.from(`x${token}y`).toString('base64url'),
    '\\u-escaped': [...token].map((c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`).join(''),
    '\\U-escaped': [...token].map((c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0').toUpperCase()}`).join(''),
    'HTML-escaped': token.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;'),
    'HTML numeric': [...token].map((c) => `&#${c.charCodeAt(0)};`).join(''),
    'long prefix': token.slice(0, Math.ceil(token.length * 0.6)),
    'upper case': token.toUpperCase(),
  };
}

describe('token redaction catches every encoded form', () => {
  const forms = Object.entries(spellings(TOKEN));

  it.each(forms)('drops a relayed header holding the token %s', async (_name, form) => {
    const { proxy } = behind(
      () => new Response('{"category":"BUSY","userId":1,"timestamp":1}', { headers: { 'content-type': 'application/json', 'x-trace-id': `t-${form}-1`, etag: `"${form}"` } }),
    );
    const response = await proxy(browserRequest('/v2/user/presence'));
    expect(response.headers.get('x-trace-id')).toBeNull();
    expect(response.headers.get('etag')).toBeNull();
  });

  it.each(forms)('redacts the token %s from a relayed body', async (_name, form) => {
    // Spliced in as it is: a pod that echoes a token does not re-encode it for our benefit.
    const body = `{"code":400,"message":"bad session ${form} here"}`;
    const { proxy } = behind(() => new Response(body, { status: 400, headers: { 'content-type': 'application/json' } }));
    const text = await (await proxy(browserRequest('/v2/user/presence'))).text();
    for (const [name, spelling] of forms) expect(text.toLowerCase(), name).not.toContain(spelling.toLowerCase());
    let valid = true;
    try {
      JSON.parse(body);
    } catch {
      valid = false;
    }
    // A spelling with a bare quote breaks the JSON, and then the whole body is replaced.
    if (valid) expect(text).toMatch(/bad session .*\[redacted\].* here/);
    else expect(JSON.parse(text)).toEqual({ code: 400, message: 'The pod refused the request (HTTP 400)' });
  });

  const PLAIN = 'srv-S3cr3t-0123456789abcdef/+=';
  it.each(Object.entries(spellings(PLAIN)))('redacts a quote-free token %s inside a valid JSON body', async (_name, form) => {
    const body = `{"code":400,"message":"bad session ${form} here"}`;
    const proxy = createPresenceProxy({
      podUrl: POD_URL,
      getSessionToken: () => PLAIN,
      fetch: async () => new Response(body, { status: 400, headers: { 'content-type': 'application/json' } }),
    });
    const text = await (await proxy(browserRequest('/v2/user/presence'))).text();
    expect(text).toMatch(/^\{"code":400,"message":"bad session .*\[redacted\].* here"\}$/);
    for (const [name, spelling] of Object.entries(spellings(PLAIN))) expect(text.toLowerCase(), name).not.toContain(spelling.toLowerCase());
  });

  it('leaves ordinary text alone', async () => {
    const body = '{"code":400,"message":"srv- and s3cr3t and Tok are not the token; neither is 0123456789"}';
    const { proxy } = behind(() => new Response(body, { status: 400, headers: { 'content-type': 'application/json', 'x-trace-id': 'trace-42' } }));
    const response = await proxy(browserRequest('/v2/user/presence'));
    expect(await response.clone().text()).toBe(body);
    expect(response.headers.get('x-trace-id')).toBe('trace-42');
  });
});
