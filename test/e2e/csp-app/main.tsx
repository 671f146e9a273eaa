/**
 * The strict-CSP fixture: every widget of the library, presentational and connected, in a page
 * served with `default-src 'self'; style-src 'self'; script-src 'self'`. The pod is reached at
 * the same-origin path `/api/symphony/pod`, where the test's server adds the session token the
 * way an app backend would, so the page holds no token. Query parameter: `ids`, the
 * comma-separated users shown live (at least two).
 */
// First import: the violation listener must be in place before the library's modules run.
import { cspProbe } from './cspProbe';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import {
  PRESENCE_CATEGORIES,
  PresenceAvatar,
  PresenceBadge,
  PresenceProvider,
  PresenceRoster,
  StatusPicker,
  createSymphonyClient,
} from '../../../src/index';
// What an app does with `presence-widgets/styles.css` (src/index imports it too; Vite keeps one copy).
import '../../../src/components/presence-widgets.css';

window.__csp = cspProbe;

const ids = (new URLSearchParams(location.search).get('ids') ?? '').split(',').filter(Boolean);
const [first = '', second = ''] = ids;
const client = createSymphonyClient({ podUrl: '/api/symphony/pod' });

function App() {
  return (
    <main>
      <h1>Strict CSP</h1>
      <section aria-label="Every category">
        {PRESENCE_CATEGORIES.map((category) => (
          <PresenceBadge key={category} category={category} showLabel data-testid={`static-${category}`} />
        ))}
        <PresenceBadge category="BE_RIGHT_BACK" view="external" showLabel data-testid="static-external" />
        <PresenceBadge category="SOMETHING_NEW" data-testid="static-unknown" />
        <PresenceBadge status="loading" size="large" data-testid="static-loading" />
        <PresenceBadge status="error" size={24} data-testid="static-error" />
        <PresenceAvatar name="Ada Lovelace" category="AVAILABLE" size={64} data-testid="static-avatar" />
      </section>
      <PresenceProvider client={client} locale="en">
        <section aria-label="Live">
          <StatusPicker data-testid="picker" />
          <PresenceBadge userId="self" showLabel showSince data-testid="own-badge" />
          {ids.map((id) => (
            <PresenceBadge key={id} userId={id} showLabel data-testid={`badge-${id}`} />
          ))}
          {/* Served from public/: same origin, as `img-src` (from default-src 'self') requires. */}
          <PresenceAvatar userId={first} name="Grace Hopper" src="/avatar.svg" size={48} data-testid="avatar-image" />
          <PresenceAvatar userId={second} name="Alan Turing" size={48} data-testid="avatar-initials" />
          {/* Virtual rows are placed through the CSS object model, which the policy allows. */}
          <PresenceRoster
            aria-label="Live roster"
            people={ids.map((id, i) => ({ id, name: `Person ${i + 1}` }))}
            data-testid="roster"
          />
        </section>
      </PresenceProvider>
    </main>
  );
}

const root = document.getElementById('root');
if (!root) throw new Error('#root is missing');
createRoot(root).render(
  <StrictMode>
    <App />
  </StrictMode>,
);
