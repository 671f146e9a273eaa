// @vitest-environment node
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startExampleBackend, type ExampleBackend } from '../../examples/backend/server';
import { rawHttp } from '../support/rawHttp';

// Every answer the example backend may give; a 5xx or no answer at all is a failure.
const ANSWERS = new Set([200, 302, 400, 401, 403, 404, 405, 413, 414, 415, 428, 429, 431]);

describe('example backend request targets', () => {
  let backend: ExampleBackend;
  let port: number;

  beforeAll(async () => {
    backend = await startExampleBackend({ port: 0, storybookDir: '/nonexistent-storybook-build' });
    port = Number(new URL(backend.url).port);
  });

  afterAll(async () => {
    await backend?.close();
  });

  const get = (target: string) => rawHttp(port, `GET ${target} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n`);

  it('answers 400 to GET //[ and keeps serving', async () => {
    const answer = await get('//[');
    expect(answer.status).toBe(400);
    expect((await get('/dashboard')).status).toBe(200);
  });

  it.each([
    '//[',
    '/api/symphony/pod//[',
    '//[::1',
    'http://[',
    'http://[/',
    '*',
    '//',
    '///',
    '/%',
    '/%zz',
    '/%00',
    '/%2e%2e/%2e%2e/etc/passwd',
    '/..%2f..%2fpackage.json',
    '/api/symphony/pod/%',
    '/api/symphony/pod/v3/user/%ZZ/presence',
    '/api/symphony/pod/v3/user/[1]/presence',
    '/api/symphony/pod/v2/user/presence?%',
    '/api/symphony/pod/v2/user/presence?a=%ff',
    '/dev/user-jwt?userId=%',
    '/dev/user-jwt?userId=../../x',
    '/\\\\evil.example/',
    `/${'a'.repeat(20_000)}`,
    '/?' + 'x'.repeat(9000),
  ])('answers %j without a 5xx and keeps serving', async (target) => {
    const answer = await get(target);
    expect(ANSWERS.has(answer.status), `${target.slice(0, 60)} -> ${answer.status}`).toBe(true);
  });

  it('survives 300 generated request targets, answering each', async () => {
    const pieces = ['/', '//', '[', ']', '%', '%2f', '%00', '..', '.', '?', '&', '=', '#', '@', ':', '\\', 'api', 'symphony', 'pod', 'v2', 'v3', 'user', 'presence', 'dashboard', '12987981103203', '~', '"', "'", '<', '>', '{', '}', '|', '^', '`'];
    const targets = fc.sample(fc.array(fc.constantFrom(...pieces), { minLength: 1, maxLength: 12 }).map((parts) => `/${parts.join('')}`), { numRuns: 300, seed: 13 });
    const statuses = new Map<number, number>();
    for (const target of targets) {
      const answer = await get(target);
      statuses.set(answer.status, (statuses.get(answer.status) ?? 0) + 1);
      expect(ANSWERS.has(answer.status), `${JSON.stringify(target)} -> ${answer.status}`).toBe(true);
    }
    console.info(`example backend target fuzz: ${targets.length} targets, answers ${JSON.stringify(Object.fromEntries(statuses))}`);
    expect((await get('/dashboard')).status).toBe(200);
  }, 60_000);
});
