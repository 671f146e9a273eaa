/*
 * Pattern: WAI-ARIA APG "select-only combobox" — a <button role="combobox" aria-haspopup="listbox">
 * whose popup is a role="listbox", with aria-activedescendant pointing at the highlighted option.
 *
 * Why this one: choosing a status is picking one value from a list, which is what a listbox is
 * for (a menu is for commands). Keeping DOM focus on the button means Escape, Tab and clicks
 * outside need no focus juggling, the button always says the current value, and screen readers
 * announce "Change status, combobox, Available". The older "collapsible listbox" (button plus a
 * focused listbox) was dropped from the APG in favour of this pattern.
 *
 * Deliberate differences from the APG example: Tab closes without selecting (selecting a status
 * is a server write, so it should need an explicit Enter, Space or click), and choosing the
 * current value again does not call `onValueChange`.
 */
import {
  forwardRef,
  useCallback,
  useContext,
  useEffect,
  useId,
  useLayoutEffect,
  useMemo,
  useRef,
  useState,
  type ButtonHTMLAttributes,
  type CSSProperties,
  type KeyboardEvent,
} from 'react';
import { PresenceContext, usePresence, usePresenceSync, useSetPresence } from '../hooks';
import {
  getCategoryInfo,
  settableCategories,
  toExternalView,
  type CategoryValue,
  type GraphPresencePair,
  type GraphSetTarget,
  type PresenceCategory,
} from '../model';
import type { GraphLabels } from './graphPresence';
import { PresenceIcon } from './icons';
import { en, formatLabel, type PresenceLabels } from './labels';
import { PresenceUiContext, usePresenceUi, type PresenceViewMode } from './PresenceUiContext';
import type { PresenceBadgeSizeName } from './sizes';
import { composeEventHandlers, composeRefs } from './utils';

/** How long typed letters keep adding to the typeahead search, in milliseconds. */
export const TYPEAHEAD_RESET_MS = 500;

/** Details passed with a new value. */
export interface StatusChangeDetails {
  /** The picker's `soft` prop: let Symphony apply idle/offline rules to the new status. */
  soft: boolean;
}

/** Props of {@link StatusPicker}; other button attributes go to the trigger button. */
export interface StatusPickerProps
  extends Omit<ButtonHTMLAttributes<HTMLButtonElement>, 'value' | 'defaultValue' | 'onChange' | 'children'> {
  /** Current status (controlled). May be any server value, even one that is not offered. */
  value?: CategoryValue;
  /** Initial status when uncontrolled. */
  defaultValue?: CategoryValue;
  /** Called when the user picks a status other than the current one. */
  onValueChange?: (category: PresenceCategory, details: StatusChangeDetails) => void;
  /**
   * Statuses offered, in order.
   * @default settableCategories() — the non-deprecated statuses Symphony accepts
   */
  categories?: readonly PresenceCategory[];
  /**
   * Passed back in `onValueChange` for the `soft` query parameter of Set Presence.
   * @default false
   */
  soft?: boolean;
  /**
   * Disables the trigger.
   * @default false
   */
  disabled?: boolean;
  /**
   * A change is being saved: shows a spinner and announces `labels.saving`.
   * @default false
   */
  pending?: boolean;
  /**
   * Last save failure, announced politely. A string is shown as given (write it for people);
   * an Error shows `labels.saveFailed` (or `labels.readFailed`, see `errorKind`), since its
   * message is for developers.
   */
  error?: string | Error | null;
  /**
   * What an Error in `error` is about: `save` (a change failed) or `read` (the current status
   * could not be loaded, and nothing was changed).
   * @default 'save'
   */
  errorKind?: 'save' | 'read';
  /**
   * `external` shows the current status as other companies see it.
   * @default the PresenceUiProvider's view, else 'internal'
   */
  view?: PresenceViewMode;
  /** Single strings to replace. */
  labels?: Partial<PresenceLabels>;
  /** BCP 47 tag for the labels. @default the PresenceUiProvider's locale */
  locale?: string;
  /**
   * Icon size in the trigger and the options.
   * @default 'medium'
   */
  size?: PresenceBadgeSizeName;
  /** Whether the list is shown (controlled). */
  open?: boolean;
  /**
   * Whether the list starts shown when uncontrolled.
   * @default false
   */
  defaultOpen?: boolean;
  /** Called when the list opens or closes. */
  onOpenChange?: (open: boolean) => void;
  /**
   * Microsoft Graph mode: offers these availability/activity pairs (with Teams' icons and names)
   * instead of `categories`, leaving out any pair `graphTarget` does not accept; `value` and
   * `defaultValue` are then pair keys such as `Busy/InAConferenceCall` (`graphPairKey`).
   * Connected to a Graph source, the picker is in this mode by itself. Needs Graph support from a
   * provider (`graph={graphPresenceUi}`, or a `GraphPresenceProvider`).
   */
  graphPairs?: readonly GraphPresencePair[] | undefined;
  /**
   * Which Graph call the pairs are for, which decides the pairs that may be offered.
   * @default 'setPresence'
   */
  graphTarget?: GraphSetTarget | undefined;
  /** Graph mode: called with the pair chosen when it differs from the current one. */
  onGraphValueChange?: ((pair: GraphPresencePair) => void) | undefined;
  /** Graph mode: single Graph strings to replace. */
  graphLabels?: Partial<GraphLabels> | undefined;
}

const isPrintable = (e: KeyboardEvent): boolean => e.key.length === 1 && !e.ctrlKey && !e.metaKey && !e.altKey;

/** Where the list sits: below or above the button, and which of its edges it lines up with. */
interface ListPlacement {
  side: 'bottom' | 'top';
  /** `end`: the list's inline-end edge on the button's (the list grows towards the start). */
  align: 'start' | 'end';
  /** Room left when the list fits on neither side, in CSS pixels. */
  maxHeight?: number | undefined;
}

/** Space kept between the list and the window's edges, in CSS pixels. */
const VIEWPORT_MARGIN = 8;

/**
 * Chooses the list's side and alignment so that it stays inside the window: below unless it only
 * fits above, lined up with the button's far (inline-end) edge unless it only fits the other way,
 * in either writing direction. When it fits neither way it takes the side with more room and
 * scrolls inside (`--pw-listbox-max-height`), so the page itself never scrolls.
 */
function placeList(button: DOMRect, list: HTMLElement, trigger: HTMLElement): ListPlacement {
  const view = document.documentElement;
  const width = view.clientWidth || window.innerWidth;
  const height = window.innerHeight || view.clientHeight;
  const rtl = getComputedStyle(trigger).direction === 'rtl';
  // scrollHeight: the list's full height even when a previous placement capped it.
  const listHeight = list.scrollHeight + 2;
  const listWidth = list.offsetWidth;
  const gap = 4;
  const below = height - button.bottom - gap - VIEWPORT_MARGIN;
  const above = button.top - gap - VIEWPORT_MARGIN;
  const side = listHeight <= below || below >= above ? 'bottom' : 'top';
  const room = side === 'bottom' ? below : above;
  // Room for the list growing from each edge of the button.
  const towardStart = rtl ? width - button.left - VIEWPORT_MARGIN : button.right - VIEWPORT_MARGIN;
  const towardEnd = rtl ? button.right - VIEWPORT_MARGIN : width - button.left - VIEWPORT_MARGIN;
  const align = listWidth <= towardStart || towardStart >= towardEnd ? 'end' : 'start';
  return { side, align, maxHeight: listHeight > room ? Math.max(room, 0) : undefined };
}

/**
 * Lets the signed-in user choose their status.
 *
 * Keyboard: Enter, Space, Down and Up open the list (Home/End open it at the first/last option);
 * in the list, Up/Down/Home/End/PageUp/PageDown move, typing letters jumps to the matching
 * status, Enter or Space chooses, Escape closes and Tab closes and moves on.
 */
const StatusPickerView = /* @__PURE__ */ forwardRef<HTMLButtonElement, StatusPickerProps>(function StatusPickerView(props, forwardedRef) {
  const {
    value: valueProp,
    defaultValue,
    onValueChange,
    categories: categoriesProp,
    soft = false,
    disabled = false,
    pending = false,
    error,
    errorKind = 'save',
    view: viewProp,
    labels: labelsProp,
    locale,
    size = 'medium',
    open: openProp,
    defaultOpen = false,
    onOpenChange,
    className,
    onKeyDown,
    onClick,
    onBlur,
    graphPairs,
    graphTarget = 'setPresence',
    onGraphValueChange,
    graphLabels: graphLabelsProp,
    ...rest
  } = props;
  const { labels, view, locale: uiLocale } = usePresenceUi({ locale, labels: labelsProp, view: viewProp }, en);
  const categories = useMemo(() => categoriesProp ?? settableCategories(), [categoriesProp]);
  // Graph mode: pair keys instead of categories, only those the target call accepts. The Graph
  // code comes from the context, so that Symphony-only bundles do not carry it.
  const graphUi = useContext(PresenceUiContext).graph;
  if (graphPairs && !graphUi) {
    throw new Error('presence-widgets: graphPairs needs Graph support: graph={graphPresenceUi} on a provider');
  }
  const graphOptions = useMemo(
    () => (graphPairs && graphUi ? graphUi.optionKeys(graphPairs, graphTarget) : undefined),
    [graphPairs, graphTarget, graphUi],
  );
  const options: readonly string[] = graphOptions ?? categories;
  const graphLook = (v: string | undefined) => (graphOptions ? graphUi?.describeKey(v, labels, uiLocale, graphLabelsProp) : undefined);
  const optionLabel = (v: string): string => graphLook(v)?.label ?? labels[v as PresenceCategory] ?? labels.unknown;

  const [ownValue, setOwnValue] = useState(defaultValue);
  const value = valueProp !== undefined ? valueProp : ownValue;
  const selected = value === undefined ? -1 : options.indexOf(value);

  const [ownOpen, setOwnOpen] = useState(defaultOpen);
  const open = (openProp ?? ownOpen) && !disabled;
  const [active, setActive] = useState(() => (defaultOpen ? Math.max(selected, 0) : -1));

  const id = useId();
  const listId = `${id}list`;
  const statusId = `${id}status`;
  const optionId = (i: number): string => `${id}opt${i}`;
  const rootRef = useRef<HTMLSpanElement>(null);
  const listRef = useRef<HTMLSpanElement>(null);
  const triggerRef = useRef<HTMLButtonElement>(null);
  const typed = useRef<{ text: string; timer?: ReturnType<typeof setTimeout> }>({ text: '' });
  const [placement, setPlacement] = useState<ListPlacement>({ side: 'bottom', align: 'end' });

  const setOpen = useCallback(
    (next: boolean) => {
      if (openProp === undefined) setOwnOpen(next);
      if (next !== open) onOpenChange?.(next);
    },
    [openProp, open, onOpenChange],
  );

  const close = useCallback(() => {
    clearTimeout(typed.current.timer);
    typed.current.text = '';
    setOpen(false);
  }, [setOpen]);

  const openAt = (index: number): void => {
    setActive(index);
    setOpen(true);
  };

  const commit = (index: number): void => {
    const category = options[index];
    close();
    if (category === undefined || category === value) return;
    if (valueProp === undefined) setOwnValue(category);
    const pair = graphOptions ? graphUi?.parseKey(category) : undefined;
    if (pair) onGraphValueChange?.(pair);
    else onValueChange?.(category as PresenceCategory, { soft });
  };

  /**
   * Typeahead: letters typed within TYPEAHEAD_RESET_MS of each other form one search term;
   * the same letter repeated cycles through the statuses starting with it.
   */
  const search = (key: string, from: number): number => {
    const t = typed.current;
    clearTimeout(t.timer);
    t.text += key.toLowerCase();
    // The global setTimeout is looked up at call time, so fake timers in tests control it.
    t.timer = setTimeout(() => {
      t.text = '';
    }, TYPEAHEAD_RESET_MS);
    const text = t.text;
    const repeated = [...text].every((c) => c === text[0]);
    const term = repeated ? text.slice(0, 1) : text;
    const start = repeated ? from + 1 : Math.max(from, 0);
    for (let k = 0; k < options.length; k++) {
      const i = (start + k) % options.length;
      if (optionLabel(options[i] as string).toLowerCase().startsWith(term)) return i;
    }
    return -1;
  };

  const handleKeyDown = (e: KeyboardEvent<HTMLButtonElement>): void => {
    const last = options.length - 1;
    if (last < 0) return;
    const { key } = e;
    if (!open) {
      let index: number;
      if (key === 'Enter' || key === ' ' || key === 'ArrowDown' || key === 'ArrowUp') index = Math.max(selected, 0);
      else if (key === 'Home') index = 0;
      else if (key === 'End') index = last;
      else if (isPrintable(e)) index = search(key, selected);
      else return;
      // preventDefault also stops the browser turning Enter/Space into a click that would toggle back.
      e.preventDefault();
      if (index >= 0) openAt(index);
      return;
    }
    let next: number;
    switch (key) {
      case 'ArrowDown':
        next = Math.min(active + 1, last);
        break;
      case 'ArrowUp':
        if (e.altKey) {
          e.preventDefault();
          commit(active);
          return;
        }
        next = Math.max(active - 1, 0);
        break;
      case 'Home':
        next = 0;
        break;
      case 'End':
        next = last;
        break;
      case 'PageUp':
        next = Math.max(active - 10, 0);
        break;
      case 'PageDown':
        next = Math.min(active + 10, last);
        break;
      case 'Escape':
        e.preventDefault();
        // Only this popup closes, not a dialog around it.
        e.stopPropagation();
        close();
        triggerRef.current?.focus();
        return;
      case 'Tab':
        close();
        return;
      case 'Enter':
        e.preventDefault();
        commit(active);
        return;
      default:
        // Space chooses, unless the user is in the middle of typing a name with a space.
        if (key === ' ' && typed.current.text === '') {
          e.preventDefault();
          commit(active);
          return;
        }
        if (!isPrintable(e)) return;
        next = search(key, active);
        if (next < 0) {
          e.preventDefault();
          return;
        }
    }
    e.preventDefault();
    setActive(next);
  };

  const handleClick = (): void => {
    if (disabled) return;
    // Safari does not focus buttons on click; keyboard use after a click needs the focus here.
    triggerRef.current?.focus();
    if (open) close();
    else openAt(Math.max(selected, 0));
  };

  // Clicks outside close the list (blur covers most cases; this also covers a list opened by
  // `defaultOpen` or `open` while the focus was elsewhere).
  useEffect(() => {
    if (!open) return;
    const onPointerDown = (e: PointerEvent): void => {
      if (!rootRef.current?.contains(e.target as Node)) close();
    };
    document.addEventListener('pointerdown', onPointerDown);
    return () => document.removeEventListener('pointerdown', onPointerDown);
  }, [open, close]);

  // Place the list where it fits, before it is painted, and again when the page moves under it.
  useLayoutEffect(() => {
    if (!open) return undefined;
    const place = (): void => {
      const trigger = triggerRef.current;
      const list = listRef.current;
      if (!trigger || !list) return;
      const next = placeList(trigger.getBoundingClientRect(), list, trigger);
      setPlacement((p) => (p.side === next.side && p.align === next.align && p.maxHeight === next.maxHeight ? p : next));
    };
    place();
    window.addEventListener('resize', place);
    // Capture: scrolling any ancestor moves the button.
    window.addEventListener('scroll', place, true);
    return () => {
      window.removeEventListener('resize', place);
      window.removeEventListener('scroll', place, true);
    };
  }, [open]);

  useEffect(() => {
    if (!open || active < 0) return;
    // Scrolls the list only: scrollIntoView would scroll the page too when the option is off screen.
    const list = listRef.current;
    const option = list?.children[active] as HTMLElement | undefined;
    if (!list || !option) return;
    const top = option.offsetTop;
    const bottom = top + option.offsetHeight;
    if (top < list.scrollTop) list.scrollTop = top;
    else if (bottom > list.scrollTop + list.clientHeight) list.scrollTop = bottom - list.clientHeight;
  }, [open, active]);

  useEffect(() => () => clearTimeout(typed.current.timer), []);

  const ref = useMemo(() => composeRefs(triggerRef, forwardedRef), [forwardedRef]);

  // The external view is Symphony's; Graph pairs are shown as they are.
  const shown = value === undefined ? undefined : view === 'external' && !graphOptions ? toExternalView(value) : value;
  const shownGraph = graphLook(shown);
  const info = shown === undefined || graphOptions ? undefined : getCategoryInfo(shown);
  const valueLabel = shownGraph
    ? shownGraph.label
    : info
      ? labels[info.category]
      : shown === undefined
        ? labels.changeStatus
        : labels.unknown;
  const errorText = errorKind === 'read' ? labels.readFailed : labels.saveFailed;
  const message = pending ? labels.saving : error ? (typeof error === 'string' ? error : errorText) : '';
  const state = open ? 'open' : 'closed';

  return (
    <span className="pw-picker" data-state={state} data-size={size} ref={rootRef}>
      {/* The list is placed against the button alone (not the whole picker, which a flex parent may
          stretch, or whose status line may add height). */}
      <span className="pw-picker__anchor">
        <button
          type="button"
          role="combobox"
          aria-haspopup="listbox"
          aria-expanded={open}
          aria-controls={listId}
          aria-activedescendant={open && active >= 0 ? optionId(active) : undefined}
          aria-label={labels.changeStatus}
          aria-describedby={message ? statusId : undefined}
          aria-busy={pending || undefined}
          data-state={state}
          data-tone={shownGraph?.tone ?? info?.tone ?? 'unknown'}
          data-category={info ? info.category : shown === undefined || shownGraph ? undefined : 'unknown'}
          data-graph={shownGraph ? shown : undefined}
          disabled={disabled}
          {...rest}
          className={className ? `pw-picker__trigger ${className}` : 'pw-picker__trigger'}
          ref={ref}
          onKeyDown={composeEventHandlers(onKeyDown, handleKeyDown)}
          onClick={composeEventHandlers(onClick, handleClick)}
          onBlur={composeEventHandlers(onBlur, (e) => {
            if (open && !rootRef.current?.contains(e.relatedTarget as Node | null)) close();
          })}
        >
          <PresenceIcon
            glyph={pending ? 'loading' : (shownGraph?.glyph ?? info?.glyph ?? 'unknown')}
            marker={!pending && shownGraph?.outOfOfficeMarker ? 'out-of-office' : undefined}
          />
          <span className="pw-picker__value">
            <span className="pw-picker__label">{valueLabel}</span>
            {/* Every option's label in the same grid cell, unseen: the button is as wide as the
                longest, so it keeps its width when the status (or the language) changes. Drawn by
                the stylesheet from data-label, so they stay out of the button's text. */}
            {options.map((key) => (
              <span key={key} className="pw-picker__sizer" aria-hidden="true" data-label={optionLabel(key)} />
            ))}
          </span>
          <svg className="pw-picker__chevron" viewBox="0 0 16 16" aria-hidden="true" focusable="false">
            <path d="M4 6l4 4 4-4" />
          </svg>
        </button>
        <span
          role="listbox"
          id={listId}
          className="pw-listbox"
          aria-label={labels.changeStatus}
          data-state={state}
          data-side={placement.side}
          data-align={placement.align}
          // Through the CSS object model, which a strict CSP allows; only set once measured, never on a server render.
          style={
            placement.maxHeight === undefined
              ? undefined
              : ({ '--pw-listbox-max-height': `${placement.maxHeight}px` } as CSSProperties)
          }
          hidden={!open}
          ref={listRef}
        >
          {options.map((key, i) => {
            const graphOption = graphLook(key);
            const category = key as PresenceCategory;
            const option = graphOption ?? getCategoryInfo(category);
            const external = graphOption ? category : (toExternalView(category) as PresenceCategory);
            const oid = optionId(i);
            const hint =
              external !== category
                ? formatLabel(labels.externalSees, { label: labels[category], external: labels[external] })
                : undefined;
            return (
              <span
                key={category}
                role="option"
                id={oid}
                className="pw-option"
                aria-selected={category === value}
                aria-describedby={hint ? `${oid}hint` : undefined}
                data-category={graphOption ? undefined : category}
                data-graph={graphOption ? key : undefined}
                data-tone={option?.tone ?? 'unknown'}
                data-active={i === active ? '' : undefined}
                // Keep the focus on the button, which owns the keyboard.
                onMouseDown={(e) => e.preventDefault()}
                onClick={() => commit(i)}
              >
                <PresenceIcon glyph={option?.glyph ?? 'unknown'} />
                <span className="pw-option__text">
                  <span className="pw-option__label">{optionLabel(key)}</span>
                  {/* Out of the name (which stays the label, as typeahead and "label in name"
                      expect) but still the description: aria-describedby reads hidden nodes. */}
                  {hint && (
                    <span id={`${oid}hint`} className="pw-option__hint" aria-hidden="true">
                      {hint}
                    </span>
                  )}
                </span>
                <svg className="pw-option__check" viewBox="0 0 16 16" aria-hidden="true" focusable="false">
                  <path d="M3.5 8.5l3 3 6-7" />
                </svg>
              </span>
            );
          })}
        </span>
      </span>
      {/* Always rendered: a live region only announces changes once it is in the tree. */}
      <span id={statusId} role="status" className="pw-picker__status" data-error={!pending && error ? '' : undefined}>
        {message}
      </span>
    </span>
  );
});

/**
 * Sets the requesting user's presence through the provider: shows their live status, sends the
 * choice with `useSetPresence` (optimistic, rolled back with an announced error on failure).
 */
const ConnectedStatusPicker = /* @__PURE__ */ forwardRef<HTMLButtonElement, StatusPickerProps>(function ConnectedStatusPicker(
  { onValueChange, onGraphValueChange, pending, error, graphPairs, graphTarget, ...props },
  ref,
) {
  const own = usePresence();
  const setPresence = useSetPresence();
  // On a Graph source (told by the provider's Graph support) the picker offers the pairs that
  // source can set, and sets them by pair key (which the Graph adapter accepts as a category).
  const client = usePresenceSync().client;
  const graphUi = useContext(PresenceUiContext).graph;
  const source = graphUi?.sourceOf(client);
  const target = graphTarget ?? source?.target;
  const pairs = graphPairs ?? source?.pairs;
  const ownGraph = own.data?.graph;
  return (
    <StatusPickerView
      {...props}
      ref={ref}
      graphPairs={pairs}
      graphTarget={target}
      value={pairs && ownGraph && graphUi ? graphUi.pairKey(ownGraph) : own.data?.category}
      pending={pending ?? (setPresence.isPending || own.isPending)}
      error={error ?? setPresence.error ?? (own.isError ? own.error : undefined)}
      // A failed first read changed nothing: it gets its own words, not "could not change".
      errorKind={error === undefined && !setPresence.error && own.isError ? 'read' : 'save'}
      onValueChange={(category, details) => {
        onValueChange?.(category, details);
        setPresence.mutate({ category, soft: details.soft });
      }}
      onGraphValueChange={(pair) => {
        onGraphValueChange?.(pair);
        if (graphUi) setPresence.mutate({ category: graphUi.pairKey(pair) });
      }}
    />
  );
});

/**
 * Lets the requesting user choose their presence. Inside a `PresenceProvider` and without
 * `value`/`defaultValue` it is connected: it shows and sets the user's live presence. With
 * `value` (controlled) or `defaultValue` it is a plain input that makes no request.
 *
 * ```tsx
 * <StatusPicker />                                        // connected
 * <StatusPicker value={status} onValueChange={setStatus} /> // controlled, no network
 * ```
 */
export const StatusPicker = /* @__PURE__ */ forwardRef<HTMLButtonElement, StatusPickerProps>(function StatusPicker(props, ref) {
  const connected = useContext(PresenceContext) !== null && props.value === undefined && props.defaultValue === undefined;
  return connected ? <ConnectedStatusPicker {...props} ref={ref} /> : <StatusPickerView {...props} ref={ref} />;
});
