import type { Meta, StoryObj } from '@storybook/react-vite';
import { expect, fn, waitFor } from 'storybook/test';
import { PresenceUiProvider, StatusMessageEditor } from '../src/components';

/**
 * Sets the signed-in user's Teams status message (Microsoft Graph `statusMessage`) with an expiry.
 * Connected inside a `PresenceProvider` on a Graph source (see Graph › Status message); here with
 * `onSave`, as an app with its own data layer would use it.
 */
const meta = {
  title: 'Graph/StatusMessageEditor',
  component: StatusMessageEditor,
  tags: ['autodocs'],
  args: { onSave: fn(async () => {}) },
} satisfies Meta<typeof StatusMessageEditor>;
export default meta;
type Story = StoryObj<typeof meta>;

export const Default: Story = {
  play: async ({ canvas, userEvent, args }) => {
    await userEvent.type(canvas.getByRole('textbox', { name: 'Message others see' }), 'Back at 2 pm');
    await userEvent.selectOptions(canvas.getByRole('combobox', { name: 'Clear after' }), '1h');
    await userEvent.click(canvas.getByRole('button', { name: 'Set message' }));
    await expect(args.onSave).toHaveBeenCalledWith({ message: 'Back at 2 pm', expiresAt: expect.any(Number) });
    await waitFor(() => expect(canvas.getByRole('status')).toHaveTextContent(/^Message set until /));
  },
};

/** A save that fails says so, in the error colour. */
export const Failed: Story = {
  args: { defaultMessage: 'In Lisbon', onSave: fn(async () => Promise.reject(new Error('HTTP 429'))) },
  play: async ({ canvas, userEvent }) => {
    await userEvent.click(canvas.getByRole('button', { name: 'Set message' }));
    await waitFor(() => expect(canvas.getByRole('status')).toHaveTextContent('Could not set the message'));
  },
};

export const Japanese: Story = {
  args: { defaultMessage: '午後2時に戻ります' },
  render: (args) => (
    <PresenceUiProvider locale="ja">
      <StatusMessageEditor {...args} />
    </PresenceUiProvider>
  ),
  play: async ({ canvas }) => {
    await expect(canvas.getByRole('button', { name: 'メッセージを設定' })).toBeEnabled();
  },
};
