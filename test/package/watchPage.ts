import type { Page } from 'playwright-core';

/** What a page reported: console errors and warnings, uncaught errors, failed responses. */
export interface PageWatch {
  /** Console errors and warnings and page errors, minus the browser's note for missing favicons. */
  problems(): string[];
}

/**
 * Watches `page` from now on. A missing `/favicon.ico` (fresh apps have none) is the one failed
 * request allowed; any other 4xx/5xx response is a problem, as is every console error or warning.
 */
export function watchPage(page: Page): PageWatch {
  const messages: string[] = [];
  const failed: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error' || m.type() === 'warning') messages.push(`${m.type()}: ${m.text()}`);
  });
  page.on('pageerror', (e) => messages.push(`pageerror: ${e.message}`));
  // A request the browser gave up on (a reload mid-flight, a refused connection) has no response.
  page.on('requestfailed', (r) => {
    if (!r.url().endsWith('/favicon.ico')) failed.push(`failed ${r.url()}: ${r.failure()?.errorText ?? 'unknown'}`);
  });
  page.on('response', (r) => {
    if (r.status() >= 400 && !r.url().endsWith('/favicon.ico')) failed.push(`${r.status()} ${r.url()}`);
  });
  return {
    problems: () => [
      ...failed,
      // Chromium logs every failed load on the console too; the responses above name them.
      ...messages.filter((m) => !/^error: Failed to load resource: the server responded with a status of/.test(m)),
    ],
  };
}
