// A server component: the widgets are client components rendered into the server HTML.
import { PresenceBadge, StatusPicker, getCategoryInfo } from 'presence-widgets';
import { Providers } from './Providers';

export const dynamic = 'force-dynamic';

const NOW = Date.UTC(2026, 10, 30, 12);

export default function Page() {
  return (
    <main>
      <h1>Desk</h1>
      {/* Model helpers run on the server as plain code. */}
      <p id="server-label">{getCategoryInfo('BE_RIGHT_BACK').label}</p>
      {/* Presentational: no provider needed. */}
      <PresenceBadge id="static-badge" category="BUSY" showLabel now={NOW} />
      <Providers>
        <StatusPicker id="picker" />
        <PresenceBadge id="live-badge" userId="12987981103236" showLabel />
        <PresenceBadge id="self-badge" userId="self" showLabel />
      </Providers>
    </main>
  );
}
