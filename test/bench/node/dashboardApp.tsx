import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { Profiler, type ProfilerOnRenderCallback, type ReactElement } from 'react';
import { flushSync } from 'react-dom';
import { createRoot, type Root } from 'react-dom/client';
import type { SymphonyClient } from '../../../src/client';
import { PresenceBadge, PresenceProvider } from '../../../src/components';
import { getPresenceSync } from '../../../src/hooks';
import type { PresenceSync, TabCoordinator } from '../../../src/sync';

/** Props of {@link Dashboard}. */
export interface DashboardProps {
  /** Users shown; every view lists all of them. */
  ids: readonly string[];
  /** How many views (list, grid, sidebar, ...) show the roster: the badges per user. */
  views: number;
  /** Called after each badge's subtree renders, with the badge's view and user. */
  onBadgeRender?: ((view: number, id: string) => void) | undefined;
}

/** Views of one roster, each badge connected through `userId`, as an app would write it. */
export function Dashboard({ ids, views, onBadgeRender }: DashboardProps): ReactElement {
  const lists = Array.from({ length: views }, (_, view) => (
    <div key={view}>
      {ids.map((id) =>
        onBadgeRender ? (
          <Profiler key={id} id={`${view}:${id}`} onRender={() => onBadgeRender(view, id)}>
            <PresenceBadge userId={id} data-user={id} />
          </Profiler>
        ) : (
          <PresenceBadge key={id} userId={id} />
        ),
      )}
    </div>
  ));
  return <>{lists}</>;
}

/** One mounted "tab": its own React root, QueryClient and presence engine. */
export interface MountedTab {
  readonly container: HTMLElement;
  readonly queryClient: QueryClient;
  /** The engine the provider created (available once mounted). */
  readonly sync: PresenceSync;
  unmount(): void;
}

export interface MountTabOptions {
  client: SymphonyClient;
  coordinator?: TabCoordinator | undefined;
  ui: ReactElement;
  /** Called on every commit of the tab's tree. */
  onCommit?: ProfilerOnRenderCallback | undefined;
}

/**
 * Mounts `ui` under the components' PresenceProvider (the data provider plus the context through
 * which `<PresenceBadge userId>` reaches it) in a fresh container. `flushSync` makes the first render
 * and its effects (the engine's retains) happen now, as a page load does before any timer fires.
 */
export function mountTab({ client, coordinator, ui, onCommit }: MountTabOptions): MountedTab {
  const container = document.createElement('div');
  document.body.append(container);
  const queryClient = new QueryClient();
  const root: Root = createRoot(container);
  const tree = (
    <QueryClientProvider client={queryClient}>
      <PresenceProvider client={client} crossTab={false} options={{ coordinator, random: () => 0.5 }}>
        {ui}
      </PresenceProvider>
    </QueryClientProvider>
  );
  flushSync(() => root.render(onCommit ? <Profiler id="tab" onRender={onCommit}>{tree}</Profiler> : tree));
  const sync = getPresenceSync(queryClient);
  if (!sync) throw new Error('bench: the PresenceProvider attached no engine');
  return {
    container,
    queryClient,
    sync,
    unmount() {
      root.unmount();
      container.remove();
      queryClient.clear();
    },
  };
}
