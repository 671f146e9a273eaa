// @vitest-environment node
import { chromiumLaunchOptions } from '../support/chromium';
import { chromium, type Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startExampleBackend, type ExampleBackend } from '../../examples/backend/server';
import { DEFAULT_SESSION_TOKEN } from '../../src/mock-pod';
import { tenantOf } from '../../src/model';

describe('example backend, end to end in Chromium', () => {
  let backend: ExampleBackend;
  let browser: Browser;

  beforeAll(async () => {
    backend = await startExampleBackend({ port: 0, storybookDir: '/nonexistent-storybook-build' });
    browser = await chromium.launch(chromiumLaunchOptions());
  }, 30_000);

  afterAll(async () => {
    await browser?.close();
    await backend?.close();
  });

  it('shows presence that came through the proxy, without the browser ever holding the token', async () => {
    const page = await browser.newPage();
    const seen: string[] = [];
    page.on('request', (request) => {
      seen.push(`${request.method()} ${request.url()} ${JSON.stringify(request.headers())} ${request.postData() ?? ''}`);
    });
    const reading: Promise<void>[] = [];
    page.on('response', (response) => {
      reading.push(
        (async () => {
          const headers = JSON.stringify(response.headers());
          const body = await response.text().catch(() => '');
          seen.push(`${response.status()} ${headers} ${body}`);
        })(),
      );
    });

    await page.goto(`${backend.url}/dashboard`);
    await page.locator('#status').filter({ hasText: /ready|failed/ }).waitFor({ timeout: 15_000 });
    expect(await page.locator('#status').textContent()).toBe('ready');

    const { pod } = backend;
    expect(await page.locator('#own').textContent()).toMatch(new RegExp(`^${pod.defaultUserId} [A-Z_]+$`));
    const ids = await page.locator('#colleagues tr td:first-child').allTextContents();
    expect(ids.length).toBeGreaterThan(5);
    expect(ids.every((id) => tenantOf(id) === pod.homeTenantId)).toBe(true);
    expect(await page.locator('#external').textContent()).toMatch(/^[A-Z_]+$/);
    // The second read within 5 minutes was answered by the proxy itself.
    expect(await page.locator('#external-again').textContent()).toBe('HTTP 429');

    // Every call reached the pod over HTTP, authenticated as the session user, and the pod
    // was never asked to break its limit.
    const routes = pod.ledger.map((e) => `${e.route} ${e.status}`);
    expect(routes).toEqual(expect.arrayContaining(['getOwn 200', 'listAll 200', 'register 200', 'getUser 200']));
    expect(pod.ledger.every((e) => e.sessionUserId === pod.defaultUserId)).toBe(true);
    expect(pod.reads(backend.externalUserId)).toHaveLength(1);

    // A route outside the allow-list, tried from the page, is refused.
    const blocked = await page.evaluate(async () => {
      const res = await fetch('/api/symphony/pod/v1/admin/user/list');
      return { status: res.status, body: await res.text() };
    });
    expect(blocked).toEqual({ status: 404, body: '{"code":404,"message":"Not found"}' });

    await Promise.all(reading);
    expect(seen.length).toBeGreaterThan(5);
    expect(seen.join('\n')).not.toContain(DEFAULT_SESSION_TOKEN);
    await page.close();
  }, 30_000);
});
