import type { ReactElement } from 'react';
import { PresenceDataProvider, type PresenceDataProviderProps } from '../hooks';
import type { GraphPresenceUi } from './graphPresenceUi';
import type { PresenceLabels } from './labels';
import { PresenceUiProvider, type PresenceViewMode } from './PresenceUiContext';
import { usePresenceData } from './usePresenceData';

/** Props of {@link PresenceProvider}: the data provider's, plus language, labels and view. */
export interface PresenceProviderProps extends PresenceDataProviderProps {
  /**
   * BCP 47 locale for labels and times; English, French, German and Japanese are built in.
   * @default the runtime's language
   */
  locale?: string | undefined;
  /** Label overrides, or a whole table for another language. */
  labels?: Partial<PresenceLabels> | undefined;
  /**
   * The viewer's side: `external` shows what users of another company see.
   * @default 'internal'
   */
  view?: PresenceViewMode | undefined;
  /**
   * Microsoft Graph support, for a `client` that is a Graph source
   * (`createGraphPresenceClient(...)`): pass `graphPresenceUi`. The widgets then show Teams' states
   * and the picker offers the pairs the source can set. Left out, no Graph code is bundled.
   * @default undefined (Symphony only)
   */
  graph?: GraphPresenceUi | undefined;
}

/**
 * Everything the widgets below need: the presence engine on `client` (inside the app's own
 * QueryClientProvider, or with its own QueryClient) and the language and view of the components.
 *
 * ```tsx
 * <PresenceProvider client={createSymphonyClient({ podUrl: '/api/symphony/pod' })} locale="fr">
 *   <StatusPicker />
 * </PresenceProvider>
 * ```
 */
export function PresenceProvider({ locale, labels, view, graph, children, ...data }: PresenceProviderProps): ReactElement {
  return (
    <PresenceDataProvider {...data}>
      <PresenceUiProvider locale={locale} labels={labels} view={view} graph={graph} usePresenceData={usePresenceData}>
        {children}
      </PresenceUiProvider>
    </PresenceDataProvider>
  );
}
