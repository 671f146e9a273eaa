// @vitest-environment jsdom
/**
 * The engine's defaults that need a page (apart from PresenceSync.test.ts, which runs in Node):
 * the document's visibility and the session's storage.
 */
import { afterEach, expect, it, vi } from 'vitest';
import type { PresenceSync } from '../../src/sync';
import { MINUTE, SECOND, readsOf, setupPod, startSync, usersOf } from './harness';

const engines: PresenceSync[] = [];
const track = (s: PresenceSync) => (engines.push(s), s);

let visibility: DocumentVisibilityState = 'visible';
function setVisibility(state: DocumentVisibilityState) {
  visibility = state;
  document.dispatchEvent(new Event('visibilitychange'));
}

afterEach(() => {
  for (const e of engines.splice(0)) e.destroy();
  setVisibility('visible');
  sessionStorage.clear();
  vi.useRealTimers();
});

Object.defineProperty(document, 'visibilityState', { configurable: true, get: () => visibility });

it('follows the document: no reads while the page is hidden, a read when it shows again, nothing after destroy', async () => {
  const pod = setupPod();
  const { internal } = usersOf(pod);
  const id = internal[0]!;
  setVisibility('hidden');
  const sync = startSync(pod, { persistence: false });
  sync.retain(id);
  await vi.advanceTimersByTimeAsync(5 * MINUTE);
  expect(readsOf(pod, id)).toHaveLength(0);
  setVisibility('visible');
  await vi.advanceTimersByTimeAsync(SECOND);
  expect(readsOf(pod, id)).toHaveLength(1);
  setVisibility('hidden');
  await vi.advanceTimersByTimeAsync(5 * MINUTE);
  expect(readsOf(pod, id)).toHaveLength(1);
  const removed = vi.spyOn(document, 'removeEventListener');
  sync.destroy();
  expect(removed).toHaveBeenCalledWith('visibilitychange', expect.any(Function));
  // Its listener is gone: showing the page again reads nothing.
  setVisibility('visible');
  await vi.advanceTimersByTimeAsync(5 * MINUTE);
  expect(readsOf(pod, id)).toHaveLength(1);
});

it('keeps its state in the session’s storage by default, and not when told not to', async () => {
  const pod = setupPod();
  const { internal } = usersOf(pod);
  const kept = track(startSync(pod));
  kept.retain(internal[0]!);
  await vi.advanceTimersByTimeAsync(5 * SECOND);
  kept.destroy();
  expect(sessionStorage.length).toBeGreaterThan(0);
  sessionStorage.clear();
  const notKept = track(startSync(pod, { persistence: false }));
  notKept.retain(internal[0]!);
  await vi.advanceTimersByTimeAsync(5 * SECOND);
  notKept.destroy();
  expect(sessionStorage.length).toBe(0);
});
