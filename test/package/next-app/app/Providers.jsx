'use client';
import { useState } from 'react';
import { PresenceProvider, createSymphonyClient } from 'presence-widgets';

// The client is created in the browser (and once per server render): it holds no token, the
// route handler below adds the user's session.
export function Providers({ children }) {
  const [client] = useState(() => createSymphonyClient({ podUrl: '/api/symphony/pod' }));
  return <PresenceProvider client={client}>{children}</PresenceProvider>;
}
