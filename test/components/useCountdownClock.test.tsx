import { act, render, screen } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { useCountdownClock } from '../../src/components/useCountdownClock';

afterEach(() => vi.useRealTimers());

function Wait({ dueAt, id }: { dueAt: number | undefined; id: number }) {
  const now = useCountdownClock(dueAt);
  return <span data-testid={`w${id}`}>{now === undefined || dueAt === undefined ? 'fresh' : Math.ceil((dueAt - now) / 1000)}</span>;
}

describe('useCountdownClock', () => {
  it('one ticker for every counting badge, none for fresh ones, and a long jump of the clock is no render storm', () => {
    vi.useFakeTimers({ now: 1_000_000_000_000 });
    const due = Date.now() + 120_000;
    const { unmount } = render(
      <>
        {Array.from({ length: 50 }, (_, i) => (
          <Wait key={i} id={i} dueAt={i < 40 ? due : undefined} />
        ))}
      </>,
    );
    expect(vi.getTimerCount()).toBe(1);
    expect(screen.getByTestId('w0').textContent).toBe('120');
    expect(screen.getByTestId('w45').textContent).toBe('fresh');
    act(() => vi.advanceTimersByTime(10_000));
    expect(screen.getByTestId('w0').textContent).toBe('110');
    // Hours at once (a laptop waking up, a virtual clock): no "Maximum update depth exceeded".
    act(() => vi.advanceTimersByTime(3 * 3_600_000));
    expect(screen.getByTestId('w0').textContent).toBe(String(Math.ceil((due - Date.now()) / 1000)));
    unmount();
    expect(vi.getTimerCount()).toBe(0);
  });
});
