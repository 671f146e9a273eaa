import { act, fireEvent } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { useIdlePresence, type UseIdlePresenceOptions } from '../../src/hooks';
import { MINUTE, SECOND, setupPod } from '../sync/harness';
import { renderWithPod } from '../utils';

afterEach(() => {
  vi.useRealTimers();
  setVisibility('visible');
});

function setVisibility(state: 'visible' | 'hidden') {
  Object.defineProperty(document, 'visibilityState', { value: state, configurable: true });
  document.dispatchEvent(new Event('visibilitychange'));
}

function Idle(props: UseIdlePresenceOptions) {
  const { idle } = useIdlePresence(props);
  return <span data-testid="idle">{String(idle)}</span>;
}

const flush = (ms = SECOND) => act(() => vi.advanceTimersByTimeAsync(ms));

function setup(category: string, options: UseIdlePresenceOptions = {}) {
  const pod = setupPod();
  const me = pod.defaultUserId;
  if (category === 'OFFLINE') pod.setOnline(me, false);
  else pod.setUserPresence(me, category);
  const view = renderWithPod(pod, <Idle {...options} />);
  const sets = () => pod.ledger.filter((e) => e.route === 'setOwn');
  return { pod, me, view, sets };
}

describe('useIdlePresence (SYM-SP-4, for apps outside the Symphony client)', () => {
  it('sets an AVAILABLE user AWAY softly after the idle time and brings AVAILABLE back on activity', async () => {
    const { pod, me, sets } = setup('AVAILABLE');
    await flush(4 * MINUTE);
    expect(sets()).toHaveLength(0);
    await flush(MINUTE + SECOND);
    expect(sets().map((e) => e.url)).toEqual(['/v2/user/presence?soft=true']);
    expect(pod.getUser(me)!.category).toBe('AWAY');
    fireEvent.pointerDown(window);
    await flush();
    expect(sets()).toHaveLength(2);
    expect(pod.getUser(me)!.category).toBe('AVAILABLE');
  });

  it.each(['ON_THE_PHONE', 'IN_A_MEETING', 'OUT_OF_OFFICE', 'OFFLINE'])('never touches a user who is %s', async (category) => {
    const { sets } = setup(category);
    await flush(30 * MINUTE);
    expect(sets()).toHaveLength(0);
  });

  it('a hidden tab is not idleness by default: a dashboard in the background changes nobody', async () => {
    const { sets } = setup('BUSY', { idleAfterMinutes: 60 });
    await flush(SECOND);
    setVisibility('hidden');
    await flush(10 * MINUTE);
    expect(sets()).toHaveLength(0);
  });

  it('whenHidden: true counts a hidden tab as idle', async () => {
    const { pod, me, sets } = setup('BUSY', { idleAfterMinutes: 60, whenHidden: true });
    await flush(SECOND);
    setVisibility('hidden');
    await flush(SECOND);
    expect(sets()).toHaveLength(1);
    expect(pod.getUser(me)!.category).toBe('AWAY');
  });

  it('restores with a keepalive request when the page goes away while idle', async () => {
    const { pod, me, view } = setup('BUSY');
    await flush(5 * MINUTE + SECOND);
    expect(pod.getUser(me)!.category).toBe('AWAY');
    const spy = vi.spyOn(view.client, 'setOwnPresence');
    window.dispatchEvent(new Event('pagehide'));
    await flush();
    expect(spy).toHaveBeenCalledWith({ category: 'BUSY', soft: true }, { keepalive: true });
    expect(pod.getUser(me)!.category).toBe('BUSY');
  });

  it('restores when the hook unmounts while idle', async () => {
    const { pod, me, view } = setup('AVAILABLE');
    await flush(5 * MINUTE + SECOND);
    expect(pod.getUser(me)!.category).toBe('AWAY');
    view.unmount();
    await flush();
    expect(pod.getUser(me)!.category).toBe('AVAILABLE');
  });

  it('never overwrites a status the user picked while idle', async () => {
    const { pod, me, sets } = setup('AVAILABLE');
    await flush(5 * MINUTE + SECOND);
    pod.setUserPresence(me, 'ON_THE_PHONE'); // picked in another client
    await flush(MINUTE + SECOND); // the engine reads the own presence again
    fireEvent.keyDown(window);
    await flush();
    expect(sets()).toHaveLength(1);
    expect(pod.getUser(me)!.category).toBe('ON_THE_PHONE');
  });
});
