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

  // Edges of each field, in all three forms. NOW is 08:49:00 on 6 Nov 1994; a day is 86 400 000 ms.
  const AT = (day: number, h: number, m: number, sec: number) => Date.UTC(1994, 10, day, h, m, sec) - NOW;
  it.each([
    ['Sun, 06 Nov 1994 23:00:00 GMT', AT(6, 23, 0, 0)],
    ['Sun, 06 Nov 1994 23:59:59 GMT', AT(6, 23, 59, 59)],
    ['Sun, 06 Nov 1994 08:59:00 GMT', AT(6, 8, 59, 0)],
    // a leap second folds into the next minute
    ['Sun, 06 Nov 1994 08:59:60 GMT', AT(6, 9, 0, 0)],
    ['Sunday, 06-Nov-94 23:59:60 GMT', AT(7, 0, 0, 0)],
    ['Sun Nov  6 23:59:59 1994', AT(6, 23, 59, 59)],
    ['Wed, 30 Nov 1994 00:00:00 GMT', AT(30, 0, 0, 0)],
    ['Tue, 01 Nov 1994 00:00:00 GMT', 0],
    ['Wed Dec 31 23:59:59 1994', Date.UTC(1994, 11, 31, 23, 59, 59) - NOW],
    ['Sat, 29 Feb 1996 12:00:00 GMT', Date.UTC(1996, 1, 29, 12) - NOW],
  ])('accepts the edge %j', (value, expected) => {
    expect(parseRetryAfter(value, NOW)).toBe(expected);
  });

  it.each([
    'Sun, 06 Nov 1994 24:00:00 GMT',
    'Sun, 06 Nov 1994 08:60:00 GMT',
    'Sun, 06 Nov 1994 08:49:61 GMT',
    'Sunday, 06-Nov-94 24:00:00 GMT',
    'Sunday, 06-Nov-94 08:60:00 GMT',
    'Sun Nov  6 08:49:61 1994',
    'Sun Nov  6 24:00:00 1994',
    'Sun, 00 Nov 1994 08:49:37 GMT',
    'Sun Nov  0 08:49:37 1994',
    'Thu, 31 Nov 1994 08:49:37 GMT',
    'Tue, 29 Feb 1994 08:49:37 GMT',
    'Sun, 6 Nov 1994 08:49:37 GMT',
    'Sun, 06 nov 1994 08:49:37 GMT',
    'Sun, 06 Nov 94 08:49:37 GMT',
    'Sun, 06 Nov 1994 8:49:37 GMT',
    'Sunday, 06-Nov-1994 08:49:37 GMT',
    'Sun, 06-Nov-94 08:49:37 GMT',
    'Sun Nov 06 08:49:37 1994 GMT',
    'x Sun, 06 Nov 1994 08:49:37 GMT',
    'Sun, 06 Nov 1994 08:49:37 GMT x',
    'x 120',
    '120 x',
  ])('refuses %j', (value) => {
    expect(parseRetryAfter(value, NOW)).toBeUndefined();
  });

  it('reads delta-seconds up to the largest safe number of milliseconds', () => {
    const max = Math.floor(Number.MAX_SAFE_INTEGER / 1000);
    expect(parseRetryAfter(String(max), NOW)).toBe(max * 1000);
    expect(parseRetryAfter(String(max + 1), NOW)).toBeUndefined();
  });

});
