/**
 * A bare page that shows the same users as its sibling tabs through one shared poller. The
 * multi-tab e2e test opens it several times and reads `window.__pw`. Query parameters:
 * `pod` (pod base URL), `ids` (comma-separated user ids), `heartbeat` (ms), `channel` (lock name).
 */
import { createSymphonyClient } from '../../../src/client';
import { DEFAULT_SESSION_TOKEN } from '../../../src/mock-pod/constants';
import { PresenceSync, createBroadcastCoordinator, type TabCoordinator } from '../../../src/sync';
import type { MultiTabProbe, ProbeStats } from './probe';

const params = new URLSearchParams(location.search);
const podUrl = params.get('pod') ?? '';
const ids = (params.get('ids') ?? '').split(',').filter(Boolean);
const heartbeatMs = Number(params.get('heartbeat') ?? '500');
const channel = params.get('channel') ?? 'e2e';

// The emulator's fixed test token, sent only to the local emulator named in the URL.
const client = createSymphonyClient({ podUrl, getSessionToken: () => DEFAULT_SESSION_TOKEN });

let coordinator: TabCoordinator | undefined;
const leadership: ProbeStats['leadership'] = [];
const sync = new PresenceSync(client, {
  internalIntervalMs: 10_000,
  coordinator: () => {
    // Kept so the test can ask who leads: the engine does not expose its coordinator.
    coordinator = createBroadcastCoordinator({ name: channel, heartbeatMs });
    coordinator?.onLeadershipChange((leader) => leadership.push({ leader, at: Date.now() }));
    return coordinator;
  },
});

let readsSent = 0;
let registersSent = 0;
sync.subscribe((event) => {
  if (event.type !== 'request') return;
  if (event.kind === 'read') readsSent += 1;
  if (event.kind === 'register') registersSent += 1;
});

sync.start();
for (const id of ids) sync.retain(sync.keyOf(id));

const probe: MultiTabProbe = {
  tabId: coordinator?.tabId ?? 'local',
  isLeader: () => coordinator?.isLeader() ?? false,
  state(id) {
    const s = sync.getState(sync.keyOf(id));
    return {
      category: s.presence?.category,
      timestamp: s.presence?.timestamp,
      lastReadAt: s.lastReadAt,
      error: s.error?.kind,
    };
  },
  stats() {
    const { entries, retained, registrations, remoteTabs } = sync.stats();
    return { entries, retained, registrations, remoteTabs, readsSent, registersSent, leadership: [...leadership] };
  },
};
window.__pw = probe;
const status = document.getElementById('status');
if (status) status.textContent = `tab ${probe.tabId}: ${ids.length} users`;
