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
