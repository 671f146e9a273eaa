import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { render } from '@testing-library/react';
import { StrictMode, type ReactNode } from 'react';
import { vi } from 'vitest';
import type { MockPod } from '../src/mock-pod';
import { PresenceDataProvider } from '../src/hooks';
import type { PresenceSyncConfig } from '../src/sync';
import { podClient } from './sync/harness';

/** Renders under a PresenceDataProvider whose client talks to the emulator. */
export function renderWithPod(
  pod: MockPod,
  ui: ReactNode,
  options: { strict?: boolean; sync?: PresenceSyncConfig; queryClient?: QueryClient } = {},
) {
  const client = podClient(pod);
  const queryClient = options.queryClient ?? new QueryClient();
  const wrap = (children: ReactNode) => {
    const tree = (
      <QueryClientProvider client={queryClient}>
        <PresenceDataProvider client={client} crossTab={false} options={{ random: () => 0.5, ...options.sync }}>
          {children}
        </PresenceDataProvider>
      </QueryClientProvider>
    );
    return options.strict ? <StrictMode>{tree}</StrictMode> : tree;
  };
  const result = render(wrap(ui));
  return { ...result, queryClient, client, rerenderUi: (next: ReactNode) => result.rerender(wrap(next)) };
}

export { vi };
