import { act, fireEvent, render, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { createRef, useState, type KeyboardEvent } from 'react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { PresenceUiProvider, StatusPicker, TYPEAHEAD_RESET_MS, type StatusPickerProps } from '../../src/components';
import { settableCategories, type PresenceCategory } from '../../src/model';

// The default list, written out by hand: settable and not deprecated, in the spec's order.
const DEFAULT_ORDER = [
  ['AVAILABLE', 'Available'],
  ['BUSY', 'Busy'],
  ['ON_THE_PHONE', 'On the phone'],
  ['BE_RIGHT_BACK', 'Be right back'],
  ['IN_A_MEETING', 'In a meeting'],
  ['AWAY', 'Away'],
  ['OUT_OF_OFFICE', 'Out of office'],
] as const;
const LABELS = DEFAULT_ORDER.map(([, label]) => label);

const trigger = (): HTMLElement => screen.getByRole('combobox');
const listbox = (): HTMLElement => screen.getByRole('listbox', { hidden: true });
const options = (): HTMLElement[] => within(listbox()).getAllByRole('option', { hidden: true });
const option = (label: string): HTMLElement => within(listbox()).getByRole('option', { name: label, hidden: true });
/** Name of the option the combobox points at, or null. */
const active = (): string | null => {
  const id = trigger().getAttribute('aria-activedescendant');
  if (!id) return null;
  const el = document.getElementById(id);
  return el?.querySelector('.pw-option__label')?.textContent ?? null;
};
const isOpen = (): boolean => trigger().getAttribute('aria-expanded') === 'true';

function setup(props: StatusPickerProps = {}) {
  const user = userEvent.setup();
  const onValueChange = vi.fn();
  const utils = render(<StatusPicker onValueChange={onValueChange} {...props} />);
  act(() => trigger().focus());
  return { user, onValueChange, ...utils };
}

afterEach(() => {
  vi.useRealTimers();
});

describe('StatusPicker', () => {
  describe('structure', () => {
    it('is a select-only combobox controlling a listbox', () => {
      setup({ defaultValue: 'BUSY' });
      const t = trigger();
      expect(t.tagName).toBe('BUTTON');
      expect(t).toHaveAttribute('type', 'button');
      expect(t).toHaveAccessibleName('Change status');
      expect(t).toHaveAttribute('aria-haspopup', 'listbox');
      expect(t).toHaveAttribute('aria-expanded', 'false');
      expect(t).toHaveAttribute('aria-controls', listbox().id);
      expect(t).not.toHaveAttribute('aria-activedescendant');
      expect(t).toHaveTextContent('Busy');
      expect(t).toHaveAttribute('data-state', 'closed');
      expect(listbox()).toHaveAttribute('data-state', 'closed');
      expect(listbox()).not.toBeVisible();
    });

    it('offers the settable, non-deprecated statuses by default', () => {
      setup();
      expect(settableCategories()).toEqual(DEFAULT_ORDER.map(([c]) => c));
      expect(options().map((o) => o.getAttribute('data-category'))).toEqual(DEFAULT_ORDER.map(([c]) => c));
      expect(options().map((o) => o.textContent)).toEqual(
        LABELS.map((l) => (l === 'Be right back' ? 'Be right backExternal contacts see Away' : l)),
      );
    });

    it('marks the current value as selected', () => {
      setup({ defaultValue: 'AWAY' });
      expect(option('Away')).toHaveAttribute('aria-selected', 'true');
      expect(option('Busy')).toHaveAttribute('aria-selected', 'false');
    });

    it.each([
      { category: 'BE_RIGHT_BACK', name: 'Be right back', hint: 'External contacts see Away' },
      { category: 'OFF_WORK', name: 'Off work', hint: 'External contacts see Offline' },
      { category: 'AVAILABLE', name: 'Available', hint: '' },
    ] as const)('option $category is named "$name" and described "$hint"', ({ category, name, hint }) => {
      setup({ categories: settableCategories({ includeDeprecated: true }) });
      const el = options().find((o) => o.getAttribute('data-category') === category) as HTMLElement;
      expect(el).toHaveAccessibleName(name);
      expect(el).toHaveAccessibleDescription(hint);
    });

    it('shows an unknown current value as "Unknown status", never the raw text', () => {
      const { container } = setup({ value: '<b>NEW</b>' });
      expect(trigger()).toHaveTextContent('Unknown status');
      expect(container.querySelector('b')).toBeNull();
      expect(trigger()).toHaveAttribute('data-category', 'unknown');
      expect(options().every((o) => o.getAttribute('aria-selected') === 'false')).toBe(true);
    });

    it('shows the external view of the value when asked', () => {
      setup({ value: 'BE_RIGHT_BACK', view: 'external' });
      expect(trigger()).toHaveTextContent('Away');
    });

    it('speaks the provider language', () => {
      render(
        <PresenceUiProvider locale="fr">
          <StatusPicker value="BE_RIGHT_BACK" />
        </PresenceUiProvider>,
      );
      expect(trigger()).toHaveAccessibleName('Changer de statut');
      expect(trigger()).toHaveTextContent('Bientôt de retour');
      expect(option('Bientôt de retour')).toHaveAccessibleDescription('Les contacts externes voient «\u00a0Absent\u00a0»');
    });
  });

  describe('opening from the keyboard', () => {
    it.each(['{Enter}', ' ', '{ArrowDown}', '{ArrowUp}'])('%s opens on the current value', async (key) => {
      const { user, onValueChange } = setup({ defaultValue: 'IN_A_MEETING' });
      await user.keyboard(key);
      expect(isOpen()).toBe(true);
      expect(trigger()).toHaveAttribute('data-state', 'open');
      expect(listbox()).toHaveAttribute('data-state', 'open');
      expect(listbox()).toBeVisible();
      expect(active()).toBe('In a meeting');
      expect(onValueChange).not.toHaveBeenCalled();
    });

    it('opens on the first option without a value', async () => {
      const { user } = setup();
      await user.keyboard('{ArrowDown}');
      expect(active()).toBe('Available');
    });

    it.each([
      ['{Home}', 'Available'],
      ['{End}', 'Out of office'],
    ])('%s opens on %s', async (key, expected) => {
      const { user } = setup({ defaultValue: 'AWAY' });
      await user.keyboard(key);
      expect(isOpen()).toBe(true);
      expect(active()).toBe(expected);
    });

    it('ignores other keys while closed', async () => {
      const { user } = setup();
      await user.keyboard('{ArrowLeft}{Shift}{Escape}');
      expect(isOpen()).toBe(false);
    });
  });

  describe('moving in the list', () => {
    it('moves with the arrows and stops at the ends', async () => {
      const { user } = setup({ defaultValue: 'BUSY' });
      await user.keyboard('{ArrowDown}');
      expect(active()).toBe('Busy');
      await user.keyboard('{ArrowDown}');
      expect(active()).toBe('On the phone');
      await user.keyboard('{ArrowUp}{ArrowUp}{ArrowUp}');
      expect(active()).toBe('Available');
      await user.keyboard('{End}{ArrowDown}');
      expect(active()).toBe('Out of office');
      await user.keyboard('{Home}');
      expect(active()).toBe('Available');
      await user.keyboard('{PageDown}');
      expect(active()).toBe('Out of office');
      await user.keyboard('{PageUp}');
      expect(active()).toBe('Available');
    });

    it('highlights the active option for sighted users', async () => {
      const { user } = setup();
      await user.keyboard('{ArrowDown}{ArrowDown}');
      expect(option('Busy')).toHaveAttribute('data-active');
      expect(options().filter((o) => o.hasAttribute('data-active'))).toHaveLength(1);
    });

    it('hovering does not move the keyboard highlight: hover and focus look different', async () => {
      const { user, onValueChange } = setup({ defaultValue: 'AVAILABLE' });
      await user.keyboard('{ArrowDown}');
      await user.hover(option('Away'));
      expect(active()).toBe('Available');
      await user.click(option('Away'));
      expect(onValueChange).toHaveBeenCalledExactlyOnceWith('AWAY', { soft: false });
    });
  });

  describe('choosing', () => {
    it.each(['{Enter}', ' '])('%s chooses the active option and closes', async (key) => {
      const { user, onValueChange } = setup({ defaultValue: 'AVAILABLE' });
      await user.keyboard('{ArrowDown}{ArrowDown}{ArrowDown}');
      await user.keyboard(key);
      expect(onValueChange).toHaveBeenCalledExactlyOnceWith('ON_THE_PHONE', { soft: false });
      expect(isOpen()).toBe(false);
      expect(trigger()).toHaveTextContent('On the phone');
      expect(trigger()).toHaveFocus();
    });

    it('Alt+ArrowUp chooses and closes', async () => {
      const { user, onValueChange } = setup();
      await user.keyboard('{ArrowDown}{ArrowDown}{Alt>}{ArrowUp}{/Alt}');
      expect(onValueChange).toHaveBeenCalledExactlyOnceWith('BUSY', { soft: false });
      expect(isOpen()).toBe(false);
    });

    it('passes soft through', async () => {
      const { user, onValueChange } = setup({ soft: true });
      await user.keyboard('{End}{Enter}');
      expect(onValueChange).toHaveBeenCalledExactlyOnceWith('OUT_OF_OFFICE', { soft: true });
    });

    it('does not report the current value again', async () => {
      const { user, onValueChange } = setup({ defaultValue: 'AWAY' });
      await user.keyboard('{Enter}{Enter}');
      expect(isOpen()).toBe(false);
      expect(onValueChange).not.toHaveBeenCalled();
    });

    it('chooses with the mouse, keeping the focus on the button', async () => {
      const { user, onValueChange } = setup();
      await user.click(trigger());
      expect(isOpen()).toBe(true);
      await user.click(option('In a meeting'));
      expect(onValueChange).toHaveBeenCalledExactlyOnceWith('IN_A_MEETING', { soft: false });
      expect(isOpen()).toBe(false);
      expect(trigger()).toHaveFocus();
    });

    it('a second click on the button closes', async () => {
      const { user } = setup();
      await user.click(trigger());
      await user.click(trigger());
      expect(isOpen()).toBe(false);
    });
  });

  describe('closing without choosing', () => {
    it('Escape closes, keeps the value and returns the focus to the button', async () => {
      const { user, onValueChange } = setup({ defaultValue: 'BUSY' });
      await user.click(trigger());
      await user.keyboard('{ArrowDown}{Escape}');
      expect(isOpen()).toBe(false);
      expect(trigger()).toHaveFocus();
      expect(trigger()).toHaveTextContent('Busy');
      expect(onValueChange).not.toHaveBeenCalled();
    });

    it('Escape while open does not reach enclosing handlers (a dialog stays open)', async () => {
      const outer = vi.fn();
      const user = userEvent.setup();
      render(
        <div onKeyDown={(e: KeyboardEvent) => outer(e.key)}>
          <StatusPicker />
        </div>,
      );
      act(() => trigger().focus());
      await user.keyboard('{ArrowDown}{Escape}');
      expect(outer).not.toHaveBeenCalledWith('Escape');
      await user.keyboard('{Escape}');
      expect(outer).toHaveBeenCalledWith('Escape');
    });

    it('Tab closes without choosing and moves on', async () => {
      const user = userEvent.setup();
      const onValueChange = vi.fn();
      render(
        <>
          <StatusPicker onValueChange={onValueChange} />
          <button type="button">next</button>
        </>,
      );
      act(() => trigger().focus());
      await user.keyboard('{ArrowDown}{ArrowDown}');
      await user.tab();
      expect(isOpen()).toBe(false);
      expect(screen.getByRole('button', { name: 'next' })).toHaveFocus();
      expect(onValueChange).not.toHaveBeenCalled();
    });

    it('a click outside closes', async () => {
      const user = userEvent.setup();
      render(
        <>
          <StatusPicker />
          <p>elsewhere</p>
        </>,
      );
      await user.click(trigger());
      expect(isOpen()).toBe(true);
      await user.click(screen.getByText('elsewhere'));
      expect(isOpen()).toBe(false);
    });

    it('a pointer down outside closes a list opened without focus', async () => {
      const user = userEvent.setup();
      render(
        <>
          <StatusPicker defaultOpen />
          <p>elsewhere</p>
        </>,
      );
      expect(isOpen()).toBe(true);
      await user.pointer({ keys: '[MouseLeft>]', target: screen.getByText('elsewhere') });
      expect(isOpen()).toBe(false);
    });
  });

  describe('typeahead', () => {
    /*
     * Fake timers with synchronous fireEvent: Testing Library's async wrapper drains with a
     * real-looking setTimeout that vitest's fake timers would never fire (it only knows
     * Jest's), so user-event cannot be combined with them here.
     */
    const press = (key: string, init: Partial<globalThis.KeyboardEventInit> = {}): void => {
      fireEvent.keyDown(trigger(), { key, ...init });
    };
    const type = (text: string): void => {
      for (const ch of text) press(ch);
    };
    const setupWithFakeTimers = (props: StatusPickerProps = {}) => {
      vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
      const onValueChange = vi.fn();
      render(<StatusPicker onValueChange={onValueChange} {...props} />);
      act(() => trigger().focus());
      return { onValueChange };
    };

    it('jumps to the first match and cycles on the same letter', () => {
      setupWithFakeTimers();
      press('ArrowDown');
      type('o');
      expect(active()).toBe('On the phone');
      type('o');
      expect(active()).toBe('Out of office');
      type('o');
      expect(active()).toBe('On the phone');
    });

    it('joins letters typed together and forgets them after the pause', () => {
      setupWithFakeTimers();
      press('ArrowDown');
      type('b');
      expect(active()).toBe('Busy');
      type('e');
      expect(active()).toBe('Be right back');
      act(() => vi.advanceTimersByTime(TYPEAHEAD_RESET_MS));
      // A fresh "b" searches after the current option and wraps; "beb" would match nothing.
      type('b');
      expect(active()).toBe('Busy');
    });

    it('keeps the buffer just under the pause', () => {
      setupWithFakeTimers();
      press('ArrowDown');
      type('a');
      act(() => vi.advanceTimersByTime(TYPEAHEAD_RESET_MS - 1));
      type('w');
      expect(active()).toBe('Away');
    });

    it('each letter restarts the pause', () => {
      setupWithFakeTimers();
      press('ArrowDown');
      type('o');
      act(() => vi.advanceTimersByTime(TYPEAHEAD_RESET_MS - 100));
      type('u');
      act(() => vi.advanceTimersByTime(TYPEAHEAD_RESET_MS - 100));
      type('t');
      expect(active()).toBe('Out of office');
    });

    it('matches case-insensitively and ignores a search with no match', () => {
      setupWithFakeTimers();
      press('ArrowDown');
      press('ArrowDown');
      type('Z');
      expect(active()).toBe('Busy');
      act(() => vi.advanceTimersByTime(TYPEAHEAD_RESET_MS));
      type('I');
      expect(active()).toBe('In a meeting');
    });

    it('a space inside a search is part of it, and Enter then chooses', () => {
      const { onValueChange } = setupWithFakeTimers();
      press('ArrowDown');
      type('in ');
      expect(isOpen()).toBe(true);
      expect(active()).toBe('In a meeting');
      expect(onValueChange).not.toHaveBeenCalled();
      press('Enter');
      expect(onValueChange).toHaveBeenCalledExactlyOnceWith('IN_A_MEETING', { soft: false });
    });

    it('a space after the pause chooses again', () => {
      const { onValueChange } = setupWithFakeTimers();
      press('ArrowDown');
      type('b');
      act(() => vi.advanceTimersByTime(TYPEAHEAD_RESET_MS));
      press(' ');
      expect(onValueChange).toHaveBeenCalledExactlyOnceWith('BUSY', { soft: false });
    });

    it('typing while closed opens on the match after the current value', () => {
      const { onValueChange } = setupWithFakeTimers({ defaultValue: 'AVAILABLE' });
      type('a');
      expect(isOpen()).toBe(true);
      expect(active()).toBe('Away');
      expect(onValueChange).not.toHaveBeenCalled();
    });

    it('letters with Ctrl, Meta or Alt are left alone', () => {
      setupWithFakeTimers();
      press('a', { ctrlKey: true });
      press('a', { metaKey: true });
      press('a', { altKey: true });
      expect(isOpen()).toBe(false);
    });

    it('closing forgets the search', () => {
      setupWithFakeTimers();
      press('ArrowDown');
      type('o');
      press('Escape');
      press('ArrowDown');
      type('u');
      // "ou" would have matched Out of office; a fresh "u" matches nothing and stays put.
      expect(active()).toBe('Available');
    });
  });

  describe('controlled and uncontrolled', () => {
    it('uncontrolled: shows the new value at once', async () => {
      const { user } = setup({ defaultValue: 'AVAILABLE' });
      await user.keyboard('{End}{Enter}');
      expect(trigger()).toHaveTextContent('Out of office');
      expect(option('Out of office')).toHaveAttribute('aria-selected', 'true');
    });

    it('controlled: shows only what the parent passes', async () => {
      const { user, onValueChange, rerender } = setup({ value: 'AVAILABLE' });
      await user.keyboard('{End}{Enter}');
      expect(onValueChange).toHaveBeenCalledExactlyOnceWith('OUT_OF_OFFICE', { soft: false });
      expect(trigger()).toHaveTextContent('Available');
      rerender(<StatusPicker value="OUT_OF_OFFICE" onValueChange={onValueChange} />);
      expect(trigger()).toHaveTextContent('Out of office');
    });

    it('controlled through state works end to end', async () => {
      function Parent() {
        const [value, setValue] = useState<PresenceCategory>('BUSY');
        return <StatusPicker value={value} onValueChange={setValue} />;
      }
      const user = userEvent.setup();
      render(<Parent />);
      await user.click(trigger());
      await user.click(option('Away'));
      expect(trigger()).toHaveTextContent('Away');
    });

    it('open can be controlled too', async () => {
      const onOpenChange = vi.fn();
      const user = userEvent.setup();
      const { rerender } = render(<StatusPicker open={false} onOpenChange={onOpenChange} />);
      await user.click(trigger());
      expect(onOpenChange).toHaveBeenCalledExactlyOnceWith(true);
      expect(isOpen()).toBe(false);
      rerender(<StatusPicker open onOpenChange={onOpenChange} />);
      expect(isOpen()).toBe(true);
      await user.keyboard('{Escape}');
      expect(onOpenChange).toHaveBeenLastCalledWith(false);
    });
  });

  describe('composition', () => {
    it('runs the caller handler first; preventDefault skips ours', async () => {
      const calls: string[] = [];
      const user = userEvent.setup();
      render(
        <StatusPicker
          onKeyDown={(e) => {
            calls.push(`key:${e.key}`);
            if (e.key === 'ArrowDown') e.preventDefault();
          }}
          onClick={(e) => {
            calls.push('click');
            e.preventDefault();
          }}
        />,
      );
      act(() => trigger().focus());
      await user.keyboard('{ArrowDown}');
      expect(isOpen()).toBe(false);
      await user.click(trigger());
      expect(isOpen()).toBe(false);
      await user.keyboard('{ArrowUp}');
      expect(isOpen()).toBe(true);
      expect(calls).toEqual(['key:ArrowDown', 'click', 'key:ArrowUp']);
    });

    it('calls the caller blur handler and still closes', async () => {
      const onBlur = vi.fn();
      const user = userEvent.setup();
      render(
        <>
          <StatusPicker onBlur={onBlur} />
          <button type="button">next</button>
        </>,
      );
      await user.click(trigger());
      await user.click(screen.getByRole('button', { name: 'next' }));
      expect(onBlur).toHaveBeenCalledOnce();
      expect(isOpen()).toBe(false);
    });

    it('forwards the ref to the button and spreads other props on it', () => {
      const ref = createRef<HTMLButtonElement>();
      render(<StatusPicker ref={ref} className="mine" data-testid="t" aria-label="My status" title="tip" />);
      expect(ref.current).toBe(trigger());
      expect(trigger()).toHaveClass('pw-picker__trigger', 'mine');
      expect(trigger()).toHaveAttribute('data-testid', 't');
      expect(trigger()).toHaveAccessibleName('My status');
      expect(trigger()).toHaveAttribute('title', 'tip');
    });

    it('accepts a callback ref', () => {
      let node: HTMLButtonElement | null = null;
      render(<StatusPicker ref={(n) => void (node = n)} />);
      expect(node).toBe(trigger());
    });
  });

  describe('disabled, pending and errors', () => {
    it('disabled cannot open', async () => {
      const { user } = setup({ disabled: true });
      expect(trigger()).toBeDisabled();
      await user.click(trigger());
      await user.keyboard('{ArrowDown}');
      expect(isOpen()).toBe(false);
    });

    it('has an empty live region ready before anything happens', () => {
      setup();
      const status = screen.getByRole('status');
      expect(status).toBeEmptyDOMElement();
      expect(trigger()).not.toHaveAttribute('aria-describedby');
    });

    it('announces saving and marks the trigger busy', () => {
      const { rerender } = setup({ value: 'AWAY' });
      rerender(<StatusPicker value="AWAY" pending />);
      expect(screen.getByRole('status')).toHaveTextContent('Saving status…');
      expect(trigger()).toHaveAttribute('aria-busy', 'true');
      expect(trigger()).toHaveAccessibleDescription('Saving status…');
      expect(trigger().querySelector('svg.pw-icon')).toHaveAttribute('data-glyph', 'loading');
    });

    it.each([
      { error: 'Too many changes, try again in a minute', text: 'Too many changes, try again in a minute' },
      { error: new Error('HTTP 429 /pod/v2/user/presence'), text: 'Could not change status' },
      { error: new Error('HTTP 500'), errorKind: 'read' as const, text: 'Could not load your status' },
      { error: 'Written for people', errorKind: 'read' as const, text: 'Written for people' },
    ])('announces an error: "$text"', ({ error, text, ...rest }) => {
      setup({ error, ...rest });
      const status = screen.getByRole('status');
      expect(status).toHaveTextContent(text);
      expect(status).toHaveAttribute('data-error');
      expect(trigger()).toHaveAccessibleDescription(text);
    });

    it('pending wins over an old error, and null clears it', () => {
      const { rerender } = setup({ error: 'Failed' });
      rerender(<StatusPicker error="Failed" pending />);
      expect(screen.getByRole('status')).toHaveTextContent('Saving status…');
      expect(screen.getByRole('status')).not.toHaveAttribute('data-error');
      rerender(<StatusPicker error={null} />);
      expect(screen.getByRole('status')).toBeEmptyDOMElement();
    });
  });
});
