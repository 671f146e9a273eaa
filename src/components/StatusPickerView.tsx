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
  useEffect,
  useId,
  useMemo,
  useRef,
  useState,
  type CSSProperties,
  type KeyboardEvent,
} from 'react';
import { getCategoryInfo, settableCategories, toExternalView, type PresenceCategory } from '../model';
import { PresenceIcon } from './icons';
import { en, formatLabel } from './labels';
import { usePresenceUi } from './PresenceUiContext';
import type { StatusPickerProps } from './StatusPickerProps';
import { useControllableState } from './useControllableState';
import { usePairOptions } from './usePairOptions';
import { useListPlacement } from './useListPlacement';
import { useTypeahead } from './useTypeahead';
import { composeEventHandlers, composeRefs } from './utils';

/**
 * The view's props: the public ones, and whether the current status is still being read (set by
 * the connected picker alone, so it is not part of {@link StatusPickerProps}).
 */
export interface StatusPickerViewProps extends StatusPickerProps {
  /**
   * The current status is not known yet: shows a spinner and announces `labels.loading`. Unlike
   * `pending`, nothing is being saved.
   * @default false
   */
  loading?: boolean;
}

const isPrintable = (e: KeyboardEvent): boolean => e.key.length === 1 && !e.ctrlKey && !e.metaKey && !e.altKey;

/**
 * Lets the signed-in user choose their status.
 *
 * Keyboard: Enter, Space, Down and Up open the list (Home/End open it at the first/last option);
 * in the list, Up/Down/Home/End/PageUp/PageDown move, typing letters jumps to the matching
 * status, Enter or Space chooses, Escape closes and Tab closes and moves on.
 */
export const StatusPickerView = /* @__PURE__ */ forwardRef<HTMLButtonElement, StatusPickerViewProps>(function StatusPickerView(props, forwardedRef) {
  const {
    value: valueProp,
    defaultValue,
    onValueChange,
    categories: categoriesProp,
    soft = false,
    disabled = false,
    pending = false,
    loading = false,
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
  const graph = usePairOptions(graphPairs, graphTarget, labels, uiLocale, graphLabelsProp);
  const graphOptions = graph.keys;
  const graphLook = graph.look;
  const options: readonly string[] = graphOptions ?? categories;
  const optionLabel = (v: string): string => graphLook(v)?.label ?? labels[v as PresenceCategory] ?? labels.unknown;

  const [value, setOwnValue] = useControllableState(valueProp, defaultValue);
  const selected = value === undefined ? -1 : options.indexOf(value);

  const [openState, setOwnOpen] = useControllableState(openProp, defaultOpen);
  const open = (openState ?? false) && !disabled;
  const [active, setActive] = useState(() => (defaultOpen ? Math.max(selected, 0) : -1));

  const id = useId();
  const listId = `${id}list`;
  const statusId = `${id}status`;
  const optionId = (i: number): string => `${id}opt${i}`;
  const rootRef = useRef<HTMLSpanElement>(null);
  const listRef = useRef<HTMLSpanElement>(null);
  const triggerRef = useRef<HTMLButtonElement>(null);
  const typeahead = useTypeahead(options.length, (i) => optionLabel(options[i] as string));
  const resetTypeahead = typeahead.reset;
  const placement = useListPlacement(open, triggerRef, listRef);

  const setOpen = useCallback(
    (next: boolean) => {
      setOwnOpen(next);
      if (next !== open) onOpenChange?.(next);
    },
    [setOwnOpen, open, onOpenChange],
  );

  const close = useCallback(() => {
    resetTypeahead();
    setOpen(false);
  }, [setOpen, resetTypeahead]);

  const openAt = (index: number): void => {
    setActive(index);
    setOpen(true);
  };

  const commit = (index: number): void => {
    const category = options[index];
    close();
    if (category === undefined || category === value) return;
    setOwnValue(category);
    const pair = graphOptions ? graph.graphUi?.parseKey(category) : undefined;
    if (pair) onGraphValueChange?.(pair);
    else onValueChange?.(category as PresenceCategory, { soft });
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
      else if (isPrintable(e)) index = typeahead.search(key, selected);
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
        if (key === ' ' && !typeahead.typing()) {
          e.preventDefault();
          commit(active);
          return;
        }
        if (!isPrintable(e)) return;
        next = typeahead.search(key, active);
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
  // Saving, then a failure, then loading: a set made before the first read answered is still a set.
  const message = pending ? labels.saving : error ? (typeof error === 'string' ? error : errorText) : loading ? labels.loading : '';
  const busy = pending || loading;
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
          aria-busy={busy || undefined}
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
            glyph={busy ? 'loading' : (shownGraph?.glyph ?? info?.glyph ?? 'unknown')}
            marker={!busy && shownGraph?.outOfOfficeMarker ? 'out-of-office' : undefined}
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
