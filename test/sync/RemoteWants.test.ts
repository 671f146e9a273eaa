import { describe, expect, it } from 'vitest';
import { RemoteWants, WANT_REFRESH_MS } from '../../src/sync/RemoteWants';

describe('RemoteWants (what other tabs show)', () => {
  it('polls for the keys of visible tabs only, once each', () => {
    const wants = new RemoteWants();
    wants.set('a', ['1', '2'], true, 0);
    wants.set('b', ['2', '3'], true, 0);
    wants.set('c', ['4'], false, 0);
    expect([...wants.visibleKeys()].sort()).toEqual(['1', '2', '3']);
    expect(wants.size).toBe(3);
  });

  it('a new wish list replaces the tab’s old one, and a goodbye drops it', () => {
    const wants = new RemoteWants();
    wants.set('a', ['1'], true, 0);
    wants.set('a', ['2'], true, 1);
    expect([...wants.visibleKeys()]).toEqual(['2']);
    wants.delete('a');
    expect(wants.size).toBe(0);
    expect(wants.visibleKeys().size).toBe(0);
  });

  it('forgets a tab silent for three refresh periods, not sooner', () => {
    const wants = new RemoteWants();
    wants.set('a', ['1'], true, 1000);
    wants.expire(1000 + 3 * WANT_REFRESH_MS);
    expect(wants.size).toBe(1);
    wants.expire(1000 + 3 * WANT_REFRESH_MS + 1);
    expect(wants.size).toBe(0);
  });

  it('a wish list repeated every 30 s is kept; one silent for 90 s is dropped', () => {
    const wants = new RemoteWants();
    wants.set('a', ['1'], true, 0);
    wants.expire(90_000);
    expect(wants.size).toBe(1);
    wants.expire(90_001);
    expect(wants.size).toBe(0);
  });
});
