import type { Meta, StoryObj } from '@storybook/react-vite';
import { expect, waitFor } from 'storybook/test';
import { PresenceBadge, PresenceProvider, en } from '../src/components';
import { usePresence } from '../src/hooks';
import { PRESENCE_CATEGORIES } from '../src/model';
import { storyClient } from './support/storyPod';

/** The requesting user's presence as people see it: a badge with its label and time, and the id behind it. */
function OwnPresence() {
  const q = usePresence();
  return (
    <p>
      Your status: <PresenceBadge userId="self" showLabel showSince data-testid="own" />
      {q.data && (
        <span className="story-muted">
          {' '}
          (user <code data-testid="user">{q.data.userId}</code>)
        </span>
      )}
    </p>
  );
}

/** Reads the requesting user's presence from the pod (the emulator unless POD_URL is set). */
const meta = {
  title: 'Data/Live presence',
  component: OwnPresence,
  decorators: [
    (Story) => (
      <PresenceProvider client={storyClient} crossTab={false} locale="en">
        <Story />
      </PresenceProvider>
    ),
  ],
} satisfies Meta<typeof OwnPresence>;
export default meta;

export const Own: StoryObj<typeof meta> = {
  play: async ({ canvas }) => {
    const own = canvas.getByTestId('own');
    await waitFor(() => expect(own).toHaveAttribute('data-status', 'ready'), { timeout: 5000 });
    // A label people read, never the raw value the pod sent.
    const labels = PRESENCE_CATEGORIES.map((c) => en[c]);
    await expect(labels).toContain(own.querySelector('.pw-badge__label')?.textContent);
    await expect(own).not.toHaveTextContent(/\b[A-Z]+_[A-Z_]+\b|\bAVAILABLE\b/);
    await expect(canvas.getByTestId('user').textContent).toMatch(/^\d+$/);
  },
};
