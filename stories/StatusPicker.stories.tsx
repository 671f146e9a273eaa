import type { Meta, StoryObj } from '@storybook/react-vite';
import { useState } from 'react';
import { expect, fn, waitFor } from 'storybook/test';
import '../src/components/presence-widgets.css';
import { PresenceUiProvider, StatusPicker } from '../src/components';
import type { PresenceCategory } from '../src/model';

const meta = {
  title: 'Components/StatusPicker',
  component: StatusPicker,
  tags: ['autodocs'],
  args: { defaultValue: 'AVAILABLE', onValueChange: fn(), onOpenChange: fn() },
  // Room below the trigger for the list.
  decorators: [
    (Story) => (
      <div style={{ minHeight: 400, paddingBlockStart: 16 }}>
        <Story />
      </div>
    ),
  ],
  parameters: { layout: 'padded' },
} satisfies Meta<typeof StatusPicker>;
export default meta;
type Story = StoryObj<typeof meta>;

export const Default: Story = {};

/** The list open, showing the external-view hints. */
export const Open: Story = {
  args: { defaultOpen: true, defaultValue: 'BE_RIGHT_BACK' },
  play: async ({ canvas }) => {
    await expect(canvas.getByRole('listbox')).toBeVisible();
    await expect(canvas.getByRole('option', { name: 'Be right back' })).toHaveAccessibleDescription(
      'External contacts see Away',
    );
  },
};

export const KeyboardSelect: Story = {
  play: async ({ canvas, userEvent, args }) => {
    const trigger = canvas.getByRole('combobox', { name: 'Change status' });
    await userEvent.tab();
    await expect(trigger).toHaveFocus();
    await userEvent.keyboard('{ArrowDown}');
    await expect(trigger).toHaveAttribute('aria-expanded', 'true');
    await userEvent.keyboard('{ArrowDown}{ArrowDown}{Enter}');
    await expect(args.onValueChange).toHaveBeenCalledWith('ON_THE_PHONE', { soft: false });
    await expect(trigger).toHaveAttribute('aria-expanded', 'false');
    await expect(trigger).toHaveTextContent('On the phone');
    await expect(trigger).toHaveFocus();
  },
};

export const Typeahead: Story = {
  play: async ({ canvas, userEvent, args }) => {
    const trigger = canvas.getByRole('combobox');
    await userEvent.tab();
    await userEvent.keyboard('o');
    await expect(trigger).toHaveAttribute('aria-expanded', 'true');
    await userEvent.keyboard('o{Enter}');
    await expect(args.onValueChange).toHaveBeenCalledWith('OUT_OF_OFFICE', { soft: false });
  },
};

export const EscapeCloses: Story = {
  play: async ({ canvas, userEvent, args }) => {
    const trigger = canvas.getByRole('combobox');
    await userEvent.click(trigger);
    await expect(canvas.getByRole('listbox')).toBeVisible();
    await userEvent.keyboard('{ArrowDown}{Escape}');
    await expect(trigger).toHaveAttribute('aria-expanded', 'false');
    await expect(trigger).toHaveFocus();
    await expect(trigger).toHaveTextContent('Available');
    await expect(args.onValueChange).not.toHaveBeenCalled();
  },
};

export const MouseSelect: Story = {
  play: async ({ canvas, userEvent, args }) => {
    await userEvent.click(canvas.getByRole('combobox'));
    await userEvent.click(canvas.getByRole('option', { name: 'Away' }));
    await expect(args.onValueChange).toHaveBeenCalledWith('AWAY', { soft: false });
    await expect(canvas.getByRole('combobox')).toHaveTextContent('Away');
  },
};

/** Controlled, with a save that takes a moment: the picker announces it, then shows the result. */
export const SavingFlow: Story = {
  render: function SavingFlow(args) {
    const [value, setValue] = useState<PresenceCategory>('AVAILABLE');
    const [pending, setPending] = useState(false);
    return (
      <StatusPicker
        {...args}
        value={value}
        pending={pending}
        onValueChange={(next, details) => {
          args.onValueChange?.(next, details);
          setPending(true);
          setTimeout(() => {
            setValue(next);
            setPending(false);
          }, 300);
        }}
      />
    );
  },
  play: async ({ canvas, userEvent }) => {
    const trigger = canvas.getByRole('combobox');
    await userEvent.click(trigger);
    await userEvent.click(canvas.getByRole('option', { name: 'Busy' }));
    await expect(canvas.getByRole('status')).toHaveTextContent('Saving status…');
    await waitFor(() => expect(trigger).toHaveTextContent('Busy'));
    await expect(canvas.getByRole('status')).toHaveTextContent('');
  },
};

export const Pending: Story = { args: { pending: true } };

export const Failed: Story = {
  args: { error: 'Your status could not be saved. Try again in a minute.' },
  play: async ({ canvas }) => {
    await expect(canvas.getByRole('status')).toHaveTextContent('Your status could not be saved');
  },
};

export const Disabled: Story = { args: { disabled: true } };

export const DarkFrench: Story = {
  args: { defaultOpen: true, defaultValue: 'IN_A_MEETING' },
  render: (args) => (
    <PresenceUiProvider locale="fr-FR">
      <div
        data-pw-theme="dark"
        lang="fr"
        style={{ background: 'var(--pw-surface)', color: 'var(--pw-text)', padding: 16, minHeight: 380 }}
      >
        <StatusPicker {...args} />
      </div>
    </PresenceUiProvider>
  ),
  play: async ({ canvas }) => {
    await expect(canvas.getByRole('combobox', { name: 'Changer de statut' })).toHaveTextContent('En réunion');
  },
};

/** Window-edge checks shared by the placement stories: nothing sticks out, nothing scrolled. */
async function expectInsideWindow(list: HTMLElement) {
  const r = list.getBoundingClientRect();
  const doc = document.documentElement;
  await expect(r.left).toBeGreaterThanOrEqual(0);
  await expect(r.right).toBeLessThanOrEqual(doc.clientWidth);
  await expect(r.top).toBeGreaterThanOrEqual(0);
  await expect(r.bottom).toBeLessThanOrEqual(window.innerHeight);
  await expect(doc.scrollWidth).toBeLessThanOrEqual(doc.clientWidth);
  await expect(window.scrollX).toBe(0);
}

/** At the window's right edge the list lines up with the button's far edge and stays on screen. */
export const AtTheEnd: Story = {
  decorators: [
    (Story) => (
      <div style={{ display: 'flex', justifyContent: 'flex-end', minHeight: 400 }}>
        <Story />
      </div>
    ),
  ],
  play: async ({ canvas, userEvent }) => {
    await userEvent.click(canvas.getByRole('combobox'));
    const list = canvas.getByRole('listbox');
    await expect(list).toHaveAttribute('data-align', 'end');
    await expect(list).toHaveAttribute('data-side', 'bottom');
    await expect(Math.round(list.getBoundingClientRect().right)).toBe(Math.round(canvas.getByRole('combobox').getBoundingClientRect().right));
    // Right under the button, although the flex row around stretches the picker to 400 px.
    await expect(list.getBoundingClientRect().top - canvas.getByRole('combobox').getBoundingClientRect().bottom).toBeCloseTo(4, 0);
    await expectInsideWindow(list);
    // Moving to the last option scrolls the list only, never the page.
    const y = window.scrollY;
    await userEvent.keyboard('{End}');
    await expect(window.scrollY).toBe(y);
    await expectInsideWindow(list);
  },
};

/** At the window's left edge there is no room towards the start: the list flips to the start edge. */
export const AtTheStart: Story = {
  play: async ({ canvas, userEvent }) => {
    await userEvent.click(canvas.getByRole('combobox'));
    const list = canvas.getByRole('listbox');
    await expect(list).toHaveAttribute('data-align', 'start');
    await expect(Math.round(list.getBoundingClientRect().left)).toBe(Math.round(canvas.getByRole('combobox').getBoundingClientRect().left));
    await expectInsideWindow(list);
  },
};

/** Near the bottom of the window the list opens above the button. */
export const AtTheBottom: Story = {
  decorators: [
    (Story) => (
      <div style={{ display: 'flex', flexDirection: 'column', justifyContent: 'flex-end', height: 'calc(100vh - 40px)' }}>
        <div>
          <Story />
        </div>
      </div>
    ),
  ],
  play: async ({ canvas, userEvent }) => {
    const trigger = canvas.getByRole('combobox');
    await userEvent.click(trigger);
    const list = canvas.getByRole('listbox');
    await expect(list).toHaveAttribute('data-side', 'top');
    await expect(list.getBoundingClientRect().bottom).toBeLessThanOrEqual(trigger.getBoundingClientRect().top);
    await expectInsideWindow(list);
  },
};

/** Right to left: the far edge is the left one; at the window's left edge the list still fits. */
export const RightToLeft: Story = {
  args: { defaultValue: 'IN_A_MEETING' },
  decorators: [
    (Story) => (
      <div dir="rtl" style={{ display: 'flex', justifyContent: 'flex-end', minHeight: 400 }}>
        <Story />
      </div>
    ),
  ],
  play: async ({ canvas, userEvent }) => {
    const trigger = canvas.getByRole('combobox');
    await userEvent.click(trigger);
    const list = canvas.getByRole('listbox');
    await expect(list).toHaveAttribute('data-align', 'end');
    await expect(Math.round(list.getBoundingClientRect().left)).toBe(Math.round(trigger.getBoundingClientRect().left));
    await expectInsideWindow(list);
  },
};

/** The button is as wide as its longest label, so it does not jump when the status changes. */
export const KeepsItsWidth: Story = {
  play: async ({ canvas, userEvent }) => {
    const trigger = canvas.getByRole('combobox');
    const widths = new Set<number>();
    for (const name of ['Away', 'Be right back', 'Busy', 'Out of office']) {
      await userEvent.click(trigger);
      await userEvent.click(canvas.getByRole('option', { name }));
      await expect(trigger).toHaveTextContent(name);
      widths.add(Math.round(trigger.getBoundingClientRect().width));
    }
    await expect([...widths]).toHaveLength(1);
  },
};

/** Hover, keyboard focus and the chosen status each have their own look. */
export const DistinctLooks: Story = {
  args: { defaultValue: 'BUSY' },
  play: async ({ canvas, userEvent }) => {
    await userEvent.click(canvas.getByRole('combobox'));
    await userEvent.keyboard('{ArrowDown}');
    const look = (name: string) => {
      const option = canvas.getByRole('option', { name });
      const style = getComputedStyle(option);
      return {
        background: style.backgroundColor,
        outline: style.outlineStyle,
        bar: getComputedStyle(option, '::before').content !== 'none',
        bold: getComputedStyle(option.querySelector('.pw-option__label')!).fontWeight === '600',
      };
    };
    const selected = look('Busy');
    const active = look('On the phone');
    const plain = look('Available');
    await expect(selected).toMatchObject({ outline: 'none', bar: true, bold: true });
    await expect(active).toMatchObject({ outline: 'solid', bar: false, bold: false });
    await expect(active.background).toBe(plain.background);
    // Scripted pointers do not trigger :hover, so the hover look is read from its rule: a
    // background of its own, and no outline (that is the keyboard's).
    const hover = [...document.styleSheets]
      .flatMap((sheet) => [...sheet.cssRules])
      .find((rule): rule is CSSStyleRule => rule instanceof CSSStyleRule && rule.selectorText === '.pw-option:hover');
    await expect(hover?.style.getPropertyValue('background')).toBe('var(--pw-active)');
    await expect(hover?.style.outlineStyle).toBe('');
  },
};
