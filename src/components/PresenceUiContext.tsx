import { createContext, useContext, useMemo, type ReactElement, type ReactNode } from 'react';
import type { UserIdInput } from '../model';
import type { GraphPresenceUi } from './graphPresenceUi';
import { mergeLabels, resolveLabels, type PresenceBadgeLabels, type PresenceLabels } from './labels';
import type { PresenceData } from './PresenceData';

/** Whose eyes the presence is shown to: a colleague (internal) or another company (external). */
export type PresenceViewMode = 'internal' | 'external';

/** Display settings shared by every presence component below a {@link PresenceUiProvider}. */
export interface PresenceUiContextValue {
  /** BCP 47 tag for dates; also chose `labels`. `undefined` means the runtime's default. */
  readonly locale: string | undefined;
  /**
   * Resolved labels (built-in language plus overrides); `undefined` means English, which each
   * component imports itself so that a badge does not carry the picker's strings.
   */
  readonly labels: PresenceLabels | undefined;
  /** Default view for badges and pickers. */
  readonly view: PresenceViewMode;
  /**
   * Labels for another locale, used when a component's own `locale` prop differs from the
   * context's. Set by {@link PresenceUiProvider}; absent without one, so that a lone badge does
   * not bundle every language (it then uses English unless given `labels`).
   */
  readonly resolve?: ((locale: string) => PresenceLabels) | undefined;
  /**
   * Microsoft Graph support (`graphPresenceUi`), set by a provider's `graph` prop or a
   * `GraphPresenceProvider`. Injected rather than imported so that Symphony-only bundles do not
   * carry Graph's tables; without it a Graph presence shows as its Symphony category.
   */
  readonly graph?: GraphPresenceUi | undefined;
  /**
   * The hook that feeds components given a `userId`; set by `PresenceProvider`. A module-level
   * function, so its identity never changes while a component lives.
   */
  readonly usePresenceData?: ((userId: UserIdInput | 'self') => PresenceData) | undefined;
}

/** The context itself; without a provider components use English and the internal view. */
export const PresenceUiContext = /* @__PURE__ */ createContext<PresenceUiContextValue>({
  locale: undefined,
  labels: undefined,
  view: 'internal',
});

/** Props of {@link PresenceUiProvider}. */
export interface PresenceUiProviderProps {
  /** BCP 47 tag; picks the built-in labels by language and formats dates. */
  locale?: string;
  /** Single strings to replace. Keep the object stable (or memoised) to avoid re-rendering every badge. */
  labels?: Partial<PresenceLabels>;
  /**
   * Default view for every badge and picker below.
   * @default 'internal'
   */
  view?: PresenceViewMode;
  /**
   * Microsoft Graph support: pass `graphPresenceUi` to draw Graph presences with Teams' own states
   * (In a call, Presenting, out of office on top of another state, ...) and to let the picker
   * offer Graph pairs. Left out, Graph code stays out of the bundle.
   * @default undefined (no Graph support)
   */
  graph?: GraphPresenceUi | undefined;
  /** Feeds components given a `userId`; `PresenceProvider` sets it. */
  usePresenceData?: PresenceUiContextValue['usePresenceData'];
  children?: ReactNode;
}

/** Sets language, labels and view for the presence components below it. */
export function PresenceUiProvider({
  locale,
  labels,
  view = 'internal',
  graph,
  usePresenceData,
  children,
}: PresenceUiProviderProps): ReactElement {
  // A provider nested for a part of the page (another language, say) keeps the connection to
  // the data and the Graph support of the one around it.
  const outer = useContext(PresenceUiContext);
  const graphSupport = graph ?? outer.graph;
  const data = usePresenceData ?? outer.usePresenceData;
  const value = useMemo<PresenceUiContextValue>(
    () => ({
      locale,
      labels: resolveLabels(locale, labels),
      view,
      resolve: resolveLabels,
      graph: graphSupport,
      usePresenceData: data,
    }),
    [locale, labels, view, graphSupport, data],
  );
  // `.Provider` rather than React 19's bare `<Context>` so React 18 works too.
  return <PresenceUiContext.Provider value={value}>{children}</PresenceUiContext.Provider>;
}

/** Per-component settings that take precedence over the context. */
export interface PresenceUiOverrides {
  locale?: string | undefined;
  labels?: Partial<PresenceLabels> | undefined;
  view?: PresenceViewMode | undefined;
}

/** What {@link usePresenceUi} returns: the context with the component's props applied. */
export interface PresenceUi<L extends PresenceBadgeLabels> {
  readonly locale: string | undefined;
  readonly labels: L;
  readonly view: PresenceViewMode;
}

/**
 * The context with a component's own props on top. A `locale` prop that differs from the
 * context's starts again from that language's built-in labels (when a provider supplies them);
 * `labels` always win. `fallback` is the component's English set, used without a provider.
 */
export function usePresenceUi<L extends PresenceBadgeLabels>(
  { locale, labels, view }: PresenceUiOverrides,
  fallback: L,
): PresenceUi<L> {
  const ctx = useContext(PresenceUiContext);
  const { resolve } = ctx;
  const own = locale !== undefined && locale !== ctx.locale && resolve ? locale : undefined;
  // Provider labels are complete PresenceLabels, a superset of any L. Not memoised: both steps
  // are cheap (resolve returns a shared object unless overridden) and a memo costs bundle bytes.
  const base = ((own !== undefined && resolve ? resolve(own) : ctx.labels) ?? fallback) as L;
  return { locale: locale ?? ctx.locale, labels: labels ? mergeLabels(base, labels) : base, view: view ?? ctx.view };
}
