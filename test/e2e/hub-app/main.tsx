/**
 * A page that shows users with the library's own provider and badges, fed by the presence hub
 * (`source={createHubSource(...)}`), as an app would. The hub e2e test opens it in several tabs.
 * Query parameters: `pod` (pod base URL, for the own presence and the fallback polling), `ids`,
 * `channel` (the tabs' lock name).
 */
import { createRoot } from 'react-dom/client';
import { createSymphonyClient } from '../../../src/client';
import { createHubSource } from '../../../src/sync';
import { PresenceBadge, PresenceProvider } from '../../../src/components';
import { DEFAULT_SESSION_TOKEN } from '../../../src/mock-pod/constants';

declare global {
  interface Window {
    __hub?: { clientReads: number; states: string[] };
  }
}

const params = new URLSearchParams(location.search);
const ids = (params.get('ids') ?? '').split(',').filter(Boolean);
const probe = { clientReads: 0, states: [] as string[] };
window.__hub = probe;

// Reads of users through the client (the proxy's way) are counted: with the hub they should not happen.
const client = createSymphonyClient({
  podUrl: params.get('pod') ?? '',
  getSessionToken: () => DEFAULT_SESSION_TOKEN,
  fetch: (input, init) => {
    if (/\/v3\/user\/\d+\/presence/.test(String(input instanceof Request ? input.url : input))) probe.clientReads += 1;
    return fetch(input, init);
  },
});
// The page authenticates to the hub with a header, which an EventSource could not send.
const hub = createHubSource({ url: '/api/presence-hub', headers: () => ({ authorization: 'Bearer e2e-page' }) });
// The connection's states, for the test to read.
const source: typeof hub = {
  ...hub,
  connect: (handlers) => hub.connect({ ...handlers, state: (state) => (probe.states.push(state), handlers.state(state)) }),
};

createRoot(document.getElementById('root')!).render(
  <PresenceProvider client={client} source={source} crossTab={params.get('channel') ?? 'hub-e2e'} options={{ internalIntervalMs: 10_000 }}>
    <ul>
      {ids.map((id) => (
        <li key={id}>
          <PresenceBadge userId={id} data-user={id} />
        </li>
      ))}
    </ul>
  </PresenceProvider>,
);
