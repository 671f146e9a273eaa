process.env.TZ = 'UTC';

import { act, fireEvent, render, screen } from '@testing-library/react';
import { describe, expect, it, vi } from 'vitest';
import { PresenceAvatar, PresenceBadge, StatusMessageEditor, presenceNote, statusMessageExpiresAt } from '../../src/components';

// Monday 30 Nov 2026, 09:15 UTC.
const NOW = Date.UTC(2026, 10, 30, 9, 15);
const HOUR = 3_600_000;

describe('statusMessageExpiresAt', () => {
  it.each([
    ['never', undefined],
    ['1h', NOW + HOUR],
    ['4h', NOW + 4 * HOUR],
    ['today', Date.UTC(2026, 11, 1)],
    ['week', Date.UTC(2026, 11, 7)],
  ] as const)('%s', (expiry, expected) => {
    expect(statusMessageExpiresAt(expiry, NOW)).toBe(expected);
  });

  it('on a Sunday, "this week" ends that night', () => {
    expect(statusMessageExpiresAt('week', Date.UTC(2026, 11, 6, 20))).toBe(Date.UTC(2026, 11, 7));
  });
});

describe('notes on badges and avatars', () => {
  const graph = {
    availability: 'Busy',
    activity: 'InACall',
    outOfOffice: true,
    statusMessage: { text: 'In Lisbon', expiresAt: NOW + HOUR, publishedAt: undefined },
    outOfOfficeMessage: 'Back Monday',
  };

  it('joins the status message and the out-of-office reply; drops an expired message', () => {
    expect(presenceNote(graph, NOW)).toBe('In Lisbon · Back Monday');
    expect(presenceNote(graph, NOW + HOUR)).toBe('Back Monday');
    expect(presenceNote({ ...graph, outOfOffice: false }, NOW + HOUR)).toBeUndefined();
  });

  it('is the tooltip and the accessible description, never the name', () => {
    render(
      <>
        <PresenceBadge category="BUSY" graph={graph} now={NOW} data-testid="icon" />
        <PresenceBadge category="BUSY" graph={graph} now={NOW} showLabel data-testid="label" />
        <PresenceAvatar name="Ada Lovelace" category="BUSY" graph={graph} now={NOW} data-testid="avatar" />
        <PresenceBadge status="error" graph={graph} now={NOW} data-testid="failed" />
      </>,
    );
    const icon = screen.getByTestId('icon');
    expect(icon).toHaveAttribute('title', 'In Lisbon · Back Monday');
    expect(icon).toHaveAccessibleDescription('In Lisbon · Back Monday');
    expect(icon).toHaveAccessibleName('Busy');
    expect(screen.getByTestId('label')).toHaveTextContent(/^Busy, In Lisbon · Back Monday$/);
    expect(screen.getByTestId('avatar')).toHaveAccessibleDescription('In Lisbon · Back Monday');
    expect(screen.getByTestId('avatar')).toHaveAccessibleName('Ada Lovelace, Busy');
    // A failed read shows no stale note.
    expect(screen.getByTestId('failed')).not.toHaveAttribute('title');
  });
});

describe('StatusMessageEditor (not connected)', () => {
  it('saves the trimmed text with the chosen expiry and says until when', async () => {
    const onSave = vi.fn(() => Promise.resolve());
    render(<StatusMessageEditor onSave={onSave} now={() => NOW} locale="en-GB" />);
    const save = screen.getByRole('button', { name: 'Set message' });
    expect(save).toBeDisabled();
    fireEvent.change(screen.getByRole('textbox', { name: 'Message others see' }), { target: { value: '  In Lisbon  ' } });
    fireEvent.change(screen.getByRole('combobox', { name: 'Clear after' }), { target: { value: '4h' } });
    await act(async () => fireEvent.click(save));
    expect(onSave).toHaveBeenCalledExactlyOnceWith({ message: 'In Lisbon', expiresAt: NOW + 4 * HOUR });
    expect(screen.getByRole('status')).toHaveTextContent('Message set until 13:15');
  });

  it('clears, and reports a failure as an error', async () => {
    const onSave = vi.fn().mockResolvedValueOnce(undefined).mockRejectedValueOnce(new Error('429'));
    render(<StatusMessageEditor onSave={onSave} defaultMessage="Old" locale="de" />);
    await act(async () => fireEvent.click(screen.getByRole('button', { name: 'Nachricht löschen' })));
    expect(onSave).toHaveBeenLastCalledWith({ message: '', expiresAt: undefined });
    expect(screen.getByRole('status')).toHaveTextContent('Nachricht gelöscht');
    fireEvent.change(screen.getByRole('textbox'), { target: { value: 'Neu' } });
    await act(async () => fireEvent.click(screen.getByRole('button', { name: 'Nachricht festlegen' })));
    expect(screen.getByRole('status')).toHaveTextContent('Nachricht konnte nicht festgelegt werden');
    expect(screen.getByRole('status')).toHaveAttribute('data-error');
  });
});
