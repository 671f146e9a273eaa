import { act, screen } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { usePresence } from '../../src/hooks';
import { HOUR, MINUTE, budgetViolations, readsOf, setupPod, usersOf } from '../sync/harness';
import { renderWithPod } from '../utils';

afterEach(() => {
  vi.useRealTimers();
});

function Badge({ id }: { id: string }) {
  const q = usePresence(id);
  return <i data-testid="badge">{q.data?.category ?? (q.isError ? 'error' : '')}</i>;
}

function Dashboard({ ids, remount }: { ids: string[]; remount: number }) {
  // Three views of the same roster (list, grid, sidebar); `remount` re-creates one of them.
  return (
    <>
      <div key={`a${remount}`}>{ids.map((id) => <Badge key={id} id={id} />)}</div>
      <div>{ids.map((id) => <Badge key={id} id={id} />)}</div>
      <div>{ids.map((id) => <Badge key={id} id={id} />)}</div>
    </>
  );
}

describe('dashboard through the hooks', () => {
  it('50 internal + 50 external users x 3 badges, 2 simulated hours with remounts and focus: within budget', async () => {
    const pod = setupPod();
    const { internal, external } = usersOf(pod);
    const ids = [...internal.slice(0, 50), ...external.slice(0, 50)];
    const view = renderWithPod(pod, <Dashboard ids={ids} remount={0} />, { strict: true });
    for (let step = 1; step <= 24; step++) {
      await act(() => vi.advanceTimersByTimeAsync(5 * MINUTE - (step === 24 ? 1 : 0)));
      view.rerenderUi(<Dashboard ids={ids} remount={step} />);
      window.dispatchEvent(new Event('focus'));
      window.dispatchEvent(new Event('online'));
      document.dispatchEvent(new Event('visibilitychange'));
    }
    expect(budgetViolations(pod)).toEqual([]);
    expect(pod.ledger.filter((e) => e.status === 429)).toHaveLength(0);
    for (const id of internal.slice(0, 50)) expect(readsOf(pod, id)).toHaveLength(120);
    for (const id of external.slice(0, 50)) expect(readsOf(pod, id)).toHaveLength(Math.floor((2 * HOUR - 1) / 301_000) + 1);
    const badges = screen.getAllByTestId('badge');
    expect(badges).toHaveLength(300);
    for (const b of badges) expect(b.textContent).toMatch(/^[A-Z_]+$/);
  }, 120_000);
});
