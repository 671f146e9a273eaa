// @vitest-environment node
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMockPod, DEFAULT_SESSION_TOKEN } from '../../src/mock-pod';
import { createPresenceProxy, toNodeListener } from '../../src/server';
import { rawHttp } from '../support/rawHttp';
import { MOUNT, podFetch, POD_URL } from './proxyTestUtils';

describe('toNodeListener on the wire', () => {
  let server: Server;
  let port: number;
  let bytesRead = 0;

  beforeAll(async () => {
    const pod = createMockPod({ churn: false });
    const listener = toNodeListener(
      createPresenceProxy({ podUrl: POD_URL, getSessionToken: () => DEFAULT_SESSION_TOKEN, fetch: podFetch(pod).fetch, maxBodyBytes: 1024 }),
    );
    server = createServer((req, res) => {
      req.on('data', (chunk: Buffer) => (bytesRead += chunk.length));
      listener(req, res);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as AddressInfo).port;
  });

  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  // (Node's parser itself refuses TRACK with 400 and hands CONNECT to a 'connect' listener.)
  it('answers TRACE with 405 and Allow, not 500', async () => {
    const answer = await rawHttp(port, `TRACE ${MOUNT}/v2/user/presence HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n`);
    expect(answer.status).toBe(405);
    expect(answer.head.toLowerCase()).toContain('allow: get, post');
    // TRACE must not echo the request (cross-site tracing).
    expect(answer.body).not.toContain('Host:');
  });

  it.each(['//[', '//[::1', 'http://[/'])('answers 400 to the unparseable target %s, not 500', async (target) => {
    const answer = await rawHttp(port, `GET ${target} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n`);
    expect(answer.status).toBe(400);
    expect(JSON.parse(answer.body)).toEqual({ code: 400, message: 'Bad request' });
  });

  it('closes the connection after a 413 instead of reading the rest of an endless body', async () => {
    bytesRead = 0;
    const head =
      `POST ${MOUNT}/v1/user/presence/register HTTP/1.1\r\nHost: 127.0.0.1\r\n` +
      'Content-Type: application/json\r\nContent-Length: 1000000000\r\n\r\n[';
    const answer = await rawHttp(port, head, { keepWriting: Buffer.alloc(16 * 1024, 0x31), timeoutMs: 3000 });
    expect(answer.status).toBe(413);
    expect(answer.head.toLowerCase()).toContain('connection: close');
    // The server hung up by itself, long before the upload (1 GB at 1.6 MB/s) could end.
    expect(answer.closedAfterMs).toBeLessThan(2000);
    expect(bytesRead).toBeLessThan(4 * 1024 * 1024);
  });

  it('closes after a streamed (chunked) body passes the limit too', async () => {
    const head = `POST ${MOUNT}/v1/user/presence/register HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n`;
    const chunk = Buffer.from(`4000\r\n${'1'.repeat(0x4000)}\r\n`);
    const answer = await rawHttp(port, head, { keepWriting: chunk, timeoutMs: 3000 });
    expect(answer.status).toBe(413);
    expect(answer.closedAfterMs).toBeLessThan(2000);
  });
});
