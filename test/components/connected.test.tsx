import { QueryClient } from '@tanstack/react-query';
import { act, fireEvent, render, screen } from '@testing-library/react';
import { Profiler } from 'react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { PresenceAvatar, PresenceBadge, PresenceProvider, StatusPicker } from '../../src/components';
import { SECOND, podClient, setupPod, usersOf } from '../sync/harness';

afterEach(() => {
  vi.useRealTimers();
});

const flush = (ms = SECOND) => act(() => vi.advanceTimersByTimeAsync(ms));

function setup(latencyMs = 0) {
  const pod = setupPod({ latencyMs });
  const client = podClient(pod);
  const wrap = (ui: React.ReactNode, locale?: string) => (
    <PresenceProvider client={client} crossTab={false} queryClient={new QueryClient()} locale={locale} options={{ random: () => 0.5 }}>
      {ui}
    </PresenceProvider>
  );
  return { pod, wrap, ...usersOf(pod) };
}

describe('a last known status (issue 11: reloads and 429s are not errors)', () => {
  it('after a 429 the badge keeps the status, marked data-stale with a countdown, until the next read', async () => {
    const { pod, wrap, external } = setup();
    const id = external[0]!;
    pod.setUserPresence(id, 'BUSY');
    render(wrap(<PresenceBadge userId={id} data-testid="b" />));
    await flush();
    expect(screen.getByTestId('b')).toHaveAttribute('data-category', 'BUSY');
    expect(screen.getByTestId('b')).not.toHaveAttribute('data-stale');
    pod.faults.add({ route: 'getUser', userId: id, status: 429, retryAfter: '120', times: 1 });
    await flush(5 * 60 * SECOND + 5 * SECOND);
    const badge = screen.getByTestId('b');
    expect(badge).toHaveAttribute('data-status', 'ready');
    expect(badge).toHaveAttribute('data-category', 'BUSY');
    expect(badge).toHaveAttribute('data-stale', '');
    const first = badge.getAttribute('title')!;
    expect(first).toMatch(/^last known status, updating in \d:\d\d$/);
    expect(badge).toHaveAccessibleDescription(first);
    await flush(10 * SECOND);
    expect(screen.getByTestId('b').getAttribute('title')).not.toBe(first); // it counts down
    await flush(5 * 60 * SECOND);
    expect(screen.getByTestId('b')).not.toHaveAttribute('data-stale');
    expect(screen.getByTestId('b')).not.toHaveAttribute('title');
    expect(screen.getByTestId('b')).toHaveAttribute('data-category', 'BUSY');
  });
});

describe('connected components', () => {
  it('PresenceBadge with a userId shows loading, then the live category in the provider locale', async () => {
    const { pod, wrap, internal } = setup();
    const id = internal[0]!;
    pod.setUserPresence(id, 'BUSY');
    render(wrap(<PresenceBadge userId={id} data-testid="b" />, 'fr'));
    expect(screen.getByTestId('b')).toHaveAttribute('data-status', 'loading');
    await flush();
    expect(screen.getByTestId('b')).toHaveAttribute('data-category', 'BUSY');
    expect(screen.getByTestId('b')).toHaveAccessibleName('Occupé');
  });

  it.each([
    [403, 'forbidden'],
    [404, 'not-found'],
    [500, 'error'],
  ] as const)('a %i shows the %s state, not a status', async (status, state) => {
    const { pod, wrap, internal } = setup();
    const id = internal[1]!;
    pod.faults.add({ route: 'getUser', userId: id, status });
    render(wrap(<PresenceBadge userId={id} data-testid="b" />));
    await flush();
    expect(screen.getByTestId('b')).toHaveAttribute('data-status', state);
    expect(screen.getByTestId('b')).not.toHaveAttribute('data-category');
  });

  it('PresenceAvatar with a userId reads name and live status together', async () => {
    const { pod, wrap, internal } = setup();
    const id = internal[2]!;
    pod.setUserPresence(id, 'ON_THE_PHONE');
    render(wrap(<PresenceAvatar userId={id} name="Ada Lovelace" data-testid="a" />));
    await flush();
    expect(screen.getByTestId('a')).toHaveAccessibleName('Ada Lovelace, On the phone');
  });

  it('StatusPicker in a provider sets the own presence optimistically and rolls back on error', async () => {
    const { pod, wrap } = setup(300);
    pod.setUserPresence(pod.defaultUserId, 'AVAILABLE');
    render(
      wrap(
        <>
          <StatusPicker />
          <PresenceBadge userId="self" data-testid="me" />
        </>,
      ),
    );
    await flush();
    expect(screen.getByTestId('me')).toHaveAttribute('data-category', 'AVAILABLE');
    const trigger = screen.getByRole('combobox');
    fireEvent.click(trigger);
    fireEvent.click(screen.getByRole('option', { name: /^Busy/ }));
    await flush(10);
    expect(screen.getByTestId('me')).toHaveAttribute('data-category', 'BUSY');
    await flush();
    expect(pod.getUser(pod.defaultUserId)!.chosenCategory).toBe('BUSY');

    pod.faults.add({ route: 'setOwn', status: 403 });
    fireEvent.click(trigger);
    fireEvent.click(screen.getByRole('option', { name: /^On the phone/ }));
    await flush(10);
    expect(screen.getByTestId('me')).toHaveAttribute('data-category', 'ON_THE_PHONE');
    await flush();
    expect(screen.getByTestId('me')).toHaveAttribute('data-category', 'BUSY');
    expect(screen.getByRole('status').textContent).toMatch(/could not/i);
  });

  it.each([
    ['en', 'Could not load your status'],
    ['fr', 'Impossible de charger votre statut'],
    ['de', 'Ihr Status konnte nicht geladen werden'],
    ['ja', 'ステータスを読み込めませんでした'],
  ])('StatusPicker whose first read fails says so (%s), not that a change failed', async (locale, text) => {
    const { pod, wrap } = setup();
    pod.faults.add({ route: 'getOwn', status: 500 });
    render(wrap(<StatusPicker />, locale));
    await flush();
    await flush(60 * SECOND);
    const status = screen.getByRole('status');
    expect(status).toHaveTextContent(text);
    expect(status).toHaveAttribute('data-error');
    expect(pod.ledger.filter((e) => e.route === 'setOwn')).toHaveLength(0);
  });

  it('a controlled StatusPicker inside a provider makes no request', async () => {
    const { pod, wrap } = setup();
    const onValueChange = vi.fn();
    render(wrap(<StatusPicker value="AVAILABLE" onValueChange={onValueChange} />));
    await flush();
    fireEvent.click(screen.getByRole('combobox'));
    fireEvent.click(screen.getByRole('option', { name: /^Busy/ }));
    await flush();
    expect(onValueChange).toHaveBeenCalledWith('BUSY', { soft: false });
    expect(pod.ledger.filter((e) => e.route === 'setOwn')).toHaveLength(0);
  });
});

describe('the connected StatusPicker while loading and saving', () => {
  it('says it is loading (never "Saving status…") while the own presence is read, and saving only while a set is in flight', async () => {
    const { pod, wrap } = setup();
    pod.setUserPresence(pod.defaultUserId, 'AVAILABLE');
    const read = 3 * SECOND;
    pod.faults.add({ route: 'getOwn', latencyMs: read, times: 1 });
    render(wrap(<StatusPicker />));
    const trigger = screen.getByRole('combobox');
    const status = screen.getByRole('status');
    for (const wait of [0, 10, SECOND]) {
      await flush(wait);
      expect(status).toHaveTextContent('Loading status');
      expect(status).not.toHaveTextContent(/saving/i);
      expect(trigger).toHaveAccessibleDescription('Loading status');
      expect(trigger).toHaveAttribute('aria-busy', 'true');
    }
    await flush(read);
    expect(trigger).toHaveAttribute('data-category', 'AVAILABLE');
    expect(status).toHaveTextContent('');
    expect(trigger).not.toHaveAttribute('aria-describedby');
    expect(trigger).not.toHaveAttribute('aria-busy');

    pod.faults.add({ route: 'setOwn', latencyMs: 2 * SECOND, times: 1 });
    fireEvent.click(trigger);
    fireEvent.click(screen.getByRole('option', { name: /^Busy/ }));
    await flush(10);
    expect(status).toHaveTextContent('Saving status…');
    expect(trigger).toHaveAccessibleDescription('Saving status…');
    expect(trigger).toHaveAttribute('aria-busy', 'true');
    await flush(3 * SECOND);
    expect(status).toHaveTextContent('');
    expect(trigger).not.toHaveAttribute('aria-busy');
    expect(pod.getUser(pod.defaultUserId)!.chosenCategory).toBe('BUSY');
  });

  it('a French picker says "Chargement du statut" while loading', async () => {
    const { pod, wrap } = setup();
    pod.faults.add({ route: 'getOwn', latencyMs: 3 * SECOND, times: 1 });
    render(wrap(<StatusPicker />, 'fr'));
    await flush(10);
    expect(screen.getByRole('combobox')).toHaveAccessibleDescription('Chargement du statut');
  });
});

describe('the connected StatusPicker after a choice', () => {
  // Every commit of the picker, as the DOM stood after it: what a frame could paint.
  function recordFrames(ui: React.ReactNode) {
    const frames: string[] = [];
    const record = () => {
      const trigger = document.querySelector('.pw-picker__trigger');
      if (trigger) frames.push(`${trigger.getAttribute('data-state')} ${trigger.querySelector('.pw-picker__label')!.textContent}`);
    };
    return { frames, ui: <Profiler id="picker" onRender={record}>{ui}</Profiler> };
  }

  it.each(['mouse', 'keyboard'] as const)('never renders the old value again once a status is chosen (%s)', async (input) => {
    const { pod, wrap } = setup(300);
    pod.setUserPresence(pod.defaultUserId, 'BUSY');
    const { frames, ui } = recordFrames(<StatusPicker />);
    render(wrap(ui));
    await flush();
    const trigger = screen.getByRole('combobox');
    expect(trigger).toHaveTextContent('Busy');
    if (input === 'mouse') {
      fireEvent.click(trigger);
      frames.length = 0;
      fireEvent.click(screen.getByRole('option', { name: /^Be right back/ }));
    } else {
      trigger.focus();
      fireEvent.keyDown(trigger, { key: 'Enter' });
      fireEvent.keyDown(trigger, { key: 'b' });
      expect(trigger.getAttribute('aria-activedescendant')).toBe(screen.getByRole('option', { name: /^Be right back/ }).id);
      frames.length = 0;
      fireEvent.keyDown(trigger, { key: 'Enter' });
    }
    // At once, in the same commit that closes the list, and saying it is saving.
    const atOnce = [trigger.getAttribute('data-state'), trigger.textContent, screen.getByRole('status').textContent];
    await flush();
    expect(pod.getUser(pod.defaultUserId)!.chosenCategory).toBe('BE_RIGHT_BACK');
    expect(frames.length).toBeGreaterThan(0);
    expect(frames.filter((f) => f !== 'closed Be right back')).toEqual([]);
    expect(atOnce).toEqual(['closed', 'Be right back', 'Saving status…']);
    expect(screen.getByRole('status')).toHaveTextContent('');
  });

  it('a failed set goes back to the old value, and a later choice starts from it', async () => {
    const { pod, wrap } = setup(300);
    pod.setUserPresence(pod.defaultUserId, 'BUSY');
    render(wrap(<StatusPicker />));
    await flush();
    const trigger = screen.getByRole('combobox');
    pod.faults.add({ route: 'setOwn', status: 500, times: 10 });
    fireEvent.click(trigger);
    fireEvent.click(screen.getByRole('option', { name: /^Away/ }));
    expect(trigger).toHaveTextContent('Away');
    await flush(30 * SECOND);
    expect(trigger).toHaveTextContent('Busy');
    expect(trigger).toHaveAttribute('data-category', 'BUSY');
    expect(screen.getByRole('status')).toHaveTextContent('Could not change status');
    pod.faults.clear();
    fireEvent.click(trigger);
    fireEvent.click(screen.getByRole('option', { name: /^Away/ }));
    expect(trigger).toHaveTextContent('Away');
    await flush();
    expect(trigger).toHaveAttribute('data-category', 'AWAY');
    expect(pod.getUser(pod.defaultUserId)!.chosenCategory).toBe('AWAY');
  });
});
