import { createSymphonyClient } from '../../src/client';
import { DEFAULT_SESSION_TOKEN, createMockPod, type MockPod, type MockPodOptions } from '../../src/mock-pod';
import { createMockPodHandlers } from '../../src/mock-pod/msw';

/** Where stories reach the pod: the app's own backend path, as in an extension app. */
export const STORY_POD_BASE = '/api/symphony/pod';

/** A pod whose people change status every few seconds, so dashboards look alive. */
export const STORY_POD_OPTIONS: MockPodOptions = { seed: 42, churn: { everyMs: 15_000, fraction: 0.04 } };

/** The client every story uses. It sends no token: the backend (or MSW stand-in) adds it. */
export const storyClient = createSymphonyClient({ podUrl: STORY_POD_BASE });

let browserPod: MockPod | undefined;

/** The in-browser emulator used where no dev server answers (static build, story tests). */
export function getBrowserPod(): MockPod {
  browserPod ??= createMockPod(STORY_POD_OPTIONS);
  return browserPod;
}

/** MSW handlers that act like the backend: add the session token, then ask the emulator. */
export function storyPodHandlers(pod: MockPod = getBrowserPod()) {
  const withToken: MockPod = Object.assign(Object.create(pod) as MockPod, {
    handle: (request: Parameters<MockPod['handle']>[0]) => {
      const headers = new Headers(request.headers as HeadersInit | undefined);
      if (!headers.has('sessionToken')) headers.set('sessionToken', DEFAULT_SESSION_TOKEN);
      return pod.handle({ ...request, headers });
    },
  });
  return createMockPodHandlers(withToken, { baseUrl: STORY_POD_BASE });
}
