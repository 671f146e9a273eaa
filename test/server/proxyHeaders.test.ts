// @vitest-environment node
import { createServer, request as httpRequest, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createPresenceProxy, toNodeListener } from '../../src/server';
import { browserRequest, jsonPost, MOUNT, responseText, tokenForms } from './proxyTestUtils';

// Characters that JSON-escaping and URL-encoding change, so all three spellings differ.
const TOKEN = 'srv-s3cr3t/Tok+en="q"';
const BROWSER_TOKEN = 'browser-supplied-token';

/** A pod that misbehaves: echoes the token everywhere and sends every header it should not. */
let pod: Server;
let podUrl: string;
let received: { method: string; url: string; headers: IncomingHttpHeaders; body: string }[] = [];

function listen(server: Server): Promise<number> {
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve((server.address() as AddressInfo).port)));
}

beforeAll(async () => {
  pod = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString('utf8')));
    req.on('end', () => {
      received.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers, body });
      const echoed = tokenForms(TOKEN).join(' | ');
      const json = `{"category":"AVAILABLE","userId":12987981103203,"timestamp":1,"message":"you sent ${JSON.stringify(echoed).slice(1, -1)}"}`;
      res.setHeader('content-type', 'application/json');
      res.setHeader('content-encoding', 'gzip');
      res.setHeader('set-cookie', ['podsession=abc; HttpOnly', `token=${encodeURIComponent(TOKEN)}`]);
      res.setHeader('connection', 'keep-alive, x-hop-private');
      res.setHeader('x-hop-private', 'connection-scoped');
      res.setHeader('keep-alive', 'timeout=5');
      res.setHeader('proxy-authenticate', 'Basic realm="pod"');
      res.setHeader('proxy-connection', 'keep-alive');
      res.setHeader('upgrade', 'h2c');
      res.setHeader('trailer', 'x-checksum');
      res.setHeader('te', 'trailers');
      res.setHeader('www-authenticate', 'Basic realm="pod"');
      res.setHeader('sessiontoken', TOKEN);
      res.setHeader('x-echo', TOKEN);
      res.setHeader('alt-svc', 'h3=":443"');
      res.setHeader('access-control-allow-origin', '*');
      res.setHeader('strict-transport-security', 'max-age=63072000');
      res.setHeader('x-trace-id', 'trace-42');
      res.setHeader('retry-after', '3');
      res.setHeader('cache-control', 'public, max-age=600');
      res.end(gzipSync(json));
    });
  });
  podUrl = `http://127.0.0.1:${await listen(pod)}/pod`;
});

afterAll(async () => {
  pod.closeAllConnections();
  await new Promise((resolve) => pod.close(resolve));
});

beforeEach(() => {
  received = [];
});

const proxy = () => createPresenceProxy({ podUrl, getSessionToken: () => TOKEN });

const BROWSER_HEADERS = {
  cookie: 'app-session=xyz',
  authorization: 'Bearer browser-jwt',
  sessionToken: BROWSER_TOKEN,
  keyManagerToken: 'km-browser',
  'x-forwarded-for': '10.0.0.1',
  'x-custom': 'from-browser',
  // The app's own page: the proxy accepts it, and still sends none of this on.
  origin: 'http://app.test',
  referer: 'http://app.test/dashboard',
};

describe('what reaches the pod', () => {
  it.each([
    ['GET', '/v2/user/presence', undefined],
    ['POST', '/v2/user/presence', '{"category":"BUSY"}'],
    ['POST', '/v1/user/presence/register', '[12987981103236]'],
    ['GET', '/v2/users/presence?limit=2', undefined],
  ])('%s %s carries the server token only, and none of the browser headers', async (method, path, body) => {
    const init: RequestInit = { method, headers: { ...BROWSER_HEADERS, 'content-type': 'application/json' } };
    if (body !== undefined) init.body = body;
    await proxy()(browserRequest(path, init));
    expect(received).toHaveLength(1);
    const { headers } = received[0]!;
    expect(headers.sessiontoken).toBe(TOKEN);
    for (const name of ['cookie', 'authorization', 'keymanagertoken', 'x-forwarded-for', 'x-custom', 'origin', 'referer']) {
      expect(headers[name], name).toBeUndefined();
    }
    expect(JSON.stringify(received)).not.toContain(BROWSER_TOKEN);
    expect(JSON.stringify(received)).not.toContain('browser-jwt');
    expect(received[0]!.url).toBe(`/pod${path}`);
  });
});

describe('what reaches the browser', () => {
  it('drops hop-by-hop, cookie, auth, CORS and transport headers and keeps the harmless ones', async () => {
    const response = await proxy()(browserRequest('/v2/user/presence'));
    expect(response.status).toBe(200);
    for (const name of [
      'set-cookie',
      'connection',
      'x-hop-private',
      'keep-alive',
      'proxy-authenticate',
      'proxy-connection',
      'upgrade',
      'trailer',
      'te',
      'transfer-encoding',
      'content-encoding',
      'content-length',
      'www-authenticate',
      'sessiontoken',
      'x-echo',
      'alt-svc',
      'access-control-allow-origin',
      'strict-transport-security',
    ]) {
      expect(response.headers.get(name), name).toBeNull();
    }
    expect(response.headers.get('x-trace-id')).toBe('trace-42');
    expect(response.headers.get('retry-after')).toBe('3');
    expect(response.headers.get('content-type')).toBe('application/json');
    // Per-user data: no shared cache may keep it, whatever the pod said.
    expect(response.headers.get('cache-control')).toBe('private, no-store');
    // The body was decompressed by fetch; it is relayed as plain JSON.
    expect(await response.clone().json()).toMatchObject({ category: 'AVAILABLE', userId: 12987981103203 });
  });

  it('never returns the token in any spelling, even when the pod echoes it', async () => {
    for (const request of [
      browserRequest('/v2/user/presence'),
      jsonPost('/v2/user/presence', '{"category":"BUSY"}'),
      browserRequest('/v2/users/presence'),
      jsonPost('/v1/user/presence/register', '[12987981103236]'),
    ]) {
      const text = await responseText(await proxy()(request));
      for (const form of tokenForms(TOKEN)) expect(text).not.toContain(form);
      expect(text).toContain('[redacted]');
    }
  });

  it('lets the app expose another header, but never a forbidden one', async () => {
    const custom = createPresenceProxy({ podUrl, getSessionToken: () => TOKEN, exposeHeaders: ['Alt-Svc', 'Set-Cookie', 'X-Hop-Private'] });
    const response = await custom(browserRequest('/v2/user/presence'));
    expect(response.headers.get('alt-svc')).toBe('h3=":443"');
    expect(response.headers.get('set-cookie')).toBeNull();
    expect(response.headers.get('x-hop-private')).toBeNull();
  });
});

describe('toNodeListener over real HTTP', () => {
  let app: Server;
  let appPort: number;

  beforeAll(async () => {
    const listener = toNodeListener(createPresenceProxy({ podUrl, getSessionToken: () => TOKEN, maxBodyBytes: 1024 }));
    app = createServer((req, res) => listener(req, res));
    appPort = await listen(app);
  });

  afterAll(async () => {
    app.closeAllConnections();
    await new Promise((resolve) => app.close(resolve));
  });

  function raw(
    method: string,
    path: string,
    body?: { chunks: number; size: number },
  ): Promise<{ status: number; headers: IncomingHttpHeaders; text: string }> {
    return new Promise((resolve, reject) => {
      const headers = { cookie: 'a=b', sessiontoken: BROWSER_TOKEN, 'content-type': 'application/json' };
      const req = httpRequest({ host: '127.0.0.1', port: appPort, method, path, headers }, (res) => {
        let text = '';
        res.on('data', (c: Buffer) => (text += c.toString('utf8')));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, text }));
      });
      req.on('error', reject);
      if (body) for (let i = 0; i < body.chunks; i++) req.write('1'.repeat(body.size));
      req.end();
    });
  }

  it('relays a clean answer on the wire', async () => {
    const answer = await raw('GET', `${MOUNT}/v2/user/presence`);
    expect(answer.status).toBe(200);
    expect(answer.headers['set-cookie']).toBeUndefined();
    expect(answer.headers['x-hop-private']).toBeUndefined();
    expect(answer.headers['content-encoding']).toBeUndefined();
    expect(Number(answer.headers['content-length'])).toBe(Buffer.byteLength(answer.text));
    for (const form of tokenForms(TOKEN)) expect(JSON.stringify(answer)).not.toContain(form);
    expect(received[0]?.headers.sessiontoken).toBe(TOKEN);
  });

  it('answers 413 to an oversized chunked body instead of resetting the connection', async () => {
    const answer = await raw('POST', `${MOUNT}/v1/user/presence/register`, { chunks: 64, size: 1024 });
    expect(answer.status).toBe(413);
    expect(JSON.parse(answer.text)).toMatchObject({ code: 413 });
    expect(received).toHaveLength(0);
  });

  it('uses originalUrl when Express stripped the mount path from req.url', async () => {
    const listener = toNodeListener(createPresenceProxy({ podUrl, getSessionToken: () => TOKEN }));
    const express = createServer((req, res) => {
      const withOriginal = Object.assign(req, { originalUrl: req.url });
      req.url = req.url?.slice(MOUNT.length);
      listener(withOriginal, res);
    });
    const port = await listen(express);
    try {
      const status = await new Promise<number>((resolve, reject) => {
        httpRequest({ host: '127.0.0.1', port, path: `${MOUNT}/v2/user/presence` }, (res) => {
          res.resume();
          resolve(res.statusCode ?? 0);
        })
          .on('error', reject)
          .end();
      });
      expect(status).toBe(200);
    } finally {
      express.closeAllConnections();
      await new Promise((resolve) => express.close(resolve));
    }
  });
});
