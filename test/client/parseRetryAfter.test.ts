import { afterEach, describe, expect, it, vi } from 'vitest';
import { parseRetryAfter } from '../../src/client';

const NOW = Date.UTC(1994, 10, 6, 8, 49, 0); // Sun, 06 Nov 1994 08:49:00 GMT

describe('parseRetryAfter', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it.each([
    ['0', 0],
    ['1', 1000],
    ['120', 120_000],
    [' 30 ', 30_000],
    ['007', 7000],
    // RFC 9110's three HTTP-date forms, 37 s after NOW
    ['Sun, 06 Nov 1994 08:49:37 GMT', 37_000],
    ['Sunday, 06-Nov-94 08:49:37 GMT', 37_000],
    ['Sun Nov  6 08:49:37 1994', 37_000],
    ['Sun, 06 Nov 1994 09:49:00 GMT', 3_600_000],
    // in the past: retry now
    ['Sun, 06 Nov 1994 08:00:00 GMT', 0],
    ['Thu, 01 Jan 1970 00:00:00 GMT', 0],
  ])('%j -> %s ms', (value, expected) => {
    expect(parseRetryAfter(value, NOW)).toBe(expected);
  });

  it.each([
    null,
    '',
    '   ',
    '-1',
    '1.5',
    '1e3',
    '+5',
    '0x10',
    'soon',
    'Infinity',
    'NaN',
    '5 seconds',
    '99999999999999999999999',
    '1994-11-06T08:49:37Z',
    'Sun Nov 6 08:49:37 1994',
    'Sun, 06 Nov 1994 08:49:37',
    'Sun, 06 Nov 1994 08:49:37 PST',
    'Sun, 31 Feb 1994 08:49:37 GMT',
    'Sun, 06 Nov 1994 25:49:37 GMT',
    'Sun, 06 Foo 1994 08:49:37 GMT',
    '06 Nov 1994 08:49:37 GMT',
  ])('%j -> undefined', (value) => {
    expect(parseRetryAfter(value, NOW)).toBeUndefined();
  });

  it('measures dates from Date.now() by default', () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(NOW);
    expect(parseRetryAfter('Sun, 06 Nov 1994 08:50:00 GMT')).toBe(60_000);
    vi.setSystemTime(NOW + 90_000);
    expect(parseRetryAfter('Sun, 06 Nov 1994 08:50:00 GMT')).toBe(0);
  });

  it('reads two-digit years more than 50 years ahead as the previous century', () => {
    const now2030 = Date.UTC(2030, 0, 1);
    // "81" would be 2081, more than 50 years after 2030, so it is 1981: in the past.
    expect(parseRetryAfter('Thursday, 01-Jan-81 00:00:00 GMT', now2030)).toBe(0);
    // "80" is 2080, exactly 50 years ahead, which the rule still keeps in this century.
    expect(parseRetryAfter('Monday, 01-Jan-80 00:00:00 GMT', now2030)).toBe(Date.UTC(2080, 0, 1) - now2030);
    // "31" is 2031: one year ahead.
    expect(parseRetryAfter('Wednesday, 01-Jan-31 00:00:00 GMT', now2030)).toBe(Date.UTC(2031, 0, 1) - now2030);
  });
});
