import type { Meta, StoryObj } from '@storybook/react-vite';
import { expect, waitFor } from 'storybook/test';
import { PresenceProvider, usePresence } from '../src/hooks';
import { storyClient } from './support/storyPod';

function OwnPresence() {
  const q = usePresence();
  if (q.isError) return <p role="alert">Could not load presence: {q.error.message}</p>;
  if (!q.data) return <p>Loading presence…</p>;
  return (
    <p>
      Signed in as <span data-testid="user">{q.data.userId}</span>, status{' '}
      <strong data-testid="category">{q.data.category}</strong>
    </p>
  );
}

/** Reads the requesting user's presence from the pod (the emulator unless POD_URL is set). */
const meta = {
  title: 'Data/Live presence',
  component: OwnPresence,
  decorators: [
    (Story) => (
      <PresenceProvider client={storyClient} crossTab={false}>
        <Story />
      </PresenceProvider>
    ),
  ],
} satisfies Meta<typeof OwnPresence>;
export default meta;

export const Own: StoryObj<typeof meta> = {
  play: async ({ canvas }) => {
    await waitFor(() => expect(canvas.getByTestId('category').textContent).toMatch(/^[A-Z_]+$/), { timeout: 5000 });
  },
};
