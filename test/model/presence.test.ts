import { describe, expect, it } from 'vitest';
import {
  PRESENCE_CATEGORIES,
  externalPresence,
  isLaterAnswer,
  makePresence,
  parseJsonLossless,
  parsePresence,
  parsePresenceList,
  toUserId,
  type ParseResult,
} from '../../src/model';

const ME = toUserId('12987981103203');
const OTHER = toUserId('12987981103204');

function expectOk<T>(result: ParseResult<T>): T {
  if (!result.ok) throw new Error(`expected ok, got failure: ${result.reason}`);
  return result.value;
}

function expectFail(result: ParseResult<unknown>): string {
  expect(result.ok).toBe(false);
  if (result.ok) throw new Error('unreachable');
  expect(typeof result.reason).toBe('string');
  expect(result.reason.length).toBeGreaterThan(0);
  return result.reason;
}

describe('parsePresence: valid input', () => {
  it('reads a full V2Presence', () => {
    expect(expectOk(parsePresence({ category: 'AVAILABLE', userId: 12987981103203, timestamp: 1533928483800 }))).toStrictEqual({
      userId: '12987981103203',
      category: 'AVAILABLE',
      isUnknown: false,
      timestamp: 1533928483800,
    });
  });

  it.each(PRESENCE_CATEGORIES)('reads category %s as known', (category) => {
    const p = expectOk(parsePresence({ category, userId: 1 }));
    expect(p.category).toBe(category);
    expect(p.isUnknown).toBe(false);
  });

  it('canonicalises a string id and keeps digits above 2^53', () => {
    expect(expectOk(parsePresence({ category: 'BUSY', userId: '009007199254740993' })).userId).toBe('9007199254740993');
  });

  it('reads the id from lossless JSON end to end', () => {
    const body = parseJsonLossless('{"category":"AWAY","userId":9223372036854775807,"timestamp":1700000000000}');
    expect(expectOk(parsePresence(body)).userId).toBe('9223372036854775807');
  });

  it('ignores extra fields', () => {
    const p = expectOk(parsePresence({ category: 'AWAY', userId: 5, extra: { deep: true }, note: 'hi' }));
    expect(Object.keys(p).sort()).toEqual(['category', 'isUnknown', 'timestamp', 'userId']);
  });

  it.each([
    ['missing', {}],
    ['null', { timestamp: null }],
  ])('gives timestamp undefined when it is %s', (_label, extra) => {
    expect(expectOk(parsePresence({ category: 'AWAY', userId: 5, ...extra })).timestamp).toBeUndefined();
  });

  it('accepts timestamp 0 and the largest safe integer', () => {
    expect(expectOk(parsePresence({ category: 'AWAY', userId: 5, timestamp: 0 })).timestamp).toBe(0);
    expect(expectOk(parsePresence({ category: 'AWAY', userId: 5, timestamp: Number.MAX_SAFE_INTEGER })).timestamp).toBe(
      Number.MAX_SAFE_INTEGER,
    );
  });
});

describe('parsePresence: fallback user id', () => {
  it.each([
    ['missing', {}],
    ['null', { userId: null }],
    ['undefined', { userId: undefined }],
  ])('uses the fallback when userId is %s', (_label, extra) => {
    expect(expectOk(parsePresence({ category: 'AVAILABLE', ...extra }, ME)).userId).toBe(ME);
  });

  it('prefers the id the server sent over the fallback', () => {
    expect(expectOk(parsePresence({ category: 'AVAILABLE', userId: OTHER }, ME)).userId).toBe(OTHER);
  });

  it('fails without a fallback when userId is missing', () => {
    expectFail(parsePresence({ category: 'AVAILABLE' }));
  });

  it('does not hide an invalid id behind the fallback', () => {
    expectFail(parsePresence({ category: 'AVAILABLE', userId: 'abc' }, ME));
    expectFail(parsePresence({ category: 'AVAILABLE', userId: 0 }, ME));
  });
});

describe('parsePresence: refused input', () => {
  it.each<[string, unknown]>([
    ['null', null],
    ['undefined', undefined],
    ['a string', 'AVAILABLE'],
    ['a number', 1],
    ['an array', [{ category: 'AVAILABLE', userId: 1 }]],
    ['true', true],
  ])('refuses %s', (_label, raw) => {
    expectFail(parsePresence(raw, ME));
  });

  it.each<[string, unknown]>([
    ['missing', undefined],
    ['null', null],
    ['empty', ''],
    ['a number', 1],
    ['a boolean', true],
    ['an array', ['AVAILABLE']],
    ['an object', { name: 'AVAILABLE' }],
  ])('refuses a category that is %s', (_label, category) => {
    const raw: Record<string, unknown> = { userId: 1 };
    if (category !== undefined) raw.category = category;
    expectFail(parsePresence(raw, ME));
  });

  it.each<[string, unknown]>([
    ['a bigint', 1n],
    ['a boolean', true],
    ['an object', { id: 1 }],
    ['an array', [1]],
    ['zero', 0],
    ['negative', -5],
    ['a float', 1.5],
    ['an unsafe number', 2 ** 53],
    ['a non-decimal string', '0x10'],
    ['an empty string', ''],
    ['a path', '../admin'],
    ['above int64', '9223372036854775808'],
  ])('refuses a userId that is %s', (_label, userId) => {
    expectFail(parsePresence({ category: 'AVAILABLE', userId }));
  });

  it.each<[string, unknown]>([
    ['negative', -1],
    ['a float', 1700000000000.5],
    ['a string', '1700000000000'],
    ['2^60', 2 ** 60],
    ['NaN', Number.NaN],
    ['Infinity', Number.POSITIVE_INFINITY],
    ['a boolean', true],
    ['an object', {}],
    ['a lossless long-integer string', '12345678901234567'],
  ])('refuses a timestamp that is %s', (_label, timestamp) => {
    expectFail(parsePresence({ category: 'AVAILABLE', userId: 1, timestamp }));
  });
});

describe('parsePresence: unknown categories', () => {
  it.each(['FOCUSING', 'available', '<script>alert(1)</script>', '__proto__', 'x'.repeat(10_000)])(
    'keeps %s verbatim and marks it unknown',
    (category) => {
      const p = expectOk(parsePresence({ category, userId: 1 }));
      expect(p.category).toBe(category);
      expect(p.isUnknown).toBe(true);
    },
  );
});

describe('failure reasons never echo the body', () => {
  const SECRET = 'secret-token-6f1d2c';
  const cases: Array<[string, unknown]> = [
    ['category is markup and the id is missing', { category: '<script>', token: SECRET }],
    ['userId is a secret string', { category: '<script>', userId: SECRET }],
    ['timestamp is a secret string', { category: '<script>', userId: 1, timestamp: SECRET }],
    ['category is a secret object', { category: { value: SECRET }, userId: 1 }],
    ['category is empty', { category: '', userId: SECRET }],
    ['the body is a secret string', SECRET],
    ['the body is an array holding a secret', [SECRET, '<script>']],
  ];

  it.each(cases)('when %s', (_label, raw) => {
    const reason = expectFail(parsePresence(raw));
    expect(reason).not.toContain(SECRET);
    expect(reason).not.toContain('secret');
    expect(reason).not.toContain('<script>');
  });

  it.each(cases)('in a list, when %s', (_label, raw) => {
    const reason = expectFail(parsePresenceList([{ category: 'AVAILABLE', userId: 1 }, raw]));
    expect(reason).toMatch(/^entry 1: /);
    expect(reason).not.toContain(SECRET);
    expect(reason).not.toContain('<script>');
  });
});

describe('parsePresenceList', () => {
  it('reads every entry in order', () => {
    const list = expectOk(
      parsePresenceList([
        { category: 'AVAILABLE', userId: 3, timestamp: 10 },
        { category: 'FOCUSING', userId: '9007199254740993' },
        { category: 'OFFLINE', userId: 1 },
      ]),
    );
    expect(list).toStrictEqual([
      { userId: '3', category: 'AVAILABLE', isUnknown: false, timestamp: 10 },
      { userId: '9007199254740993', category: 'FOCUSING', isUnknown: true, timestamp: undefined },
      { userId: '1', category: 'OFFLINE', isUnknown: false, timestamp: undefined },
    ]);
  });

  it('reads an empty page', () => {
    expect(expectOk(parsePresenceList([]))).toEqual([]);
  });

  it.each<[string, unknown]>([
    ['an object', { category: 'AVAILABLE', userId: 1 }],
    ['null', null],
    ['a string', '[]'],
    ['undefined', undefined],
  ])('refuses %s', (_label, raw) => {
    expectFail(parsePresenceList(raw));
  });

  it('fails the whole page on one entry without a userId, naming its index', () => {
    const reason = expectFail(
      parsePresenceList([
        { category: 'AVAILABLE', userId: 1 },
        { category: 'BUSY', userId: 2 },
        { category: 'AWAY' },
      ]),
    );
    expect(reason).toMatch(/^entry 2: /);
  });
});

describe('makePresence', () => {
  it('classes known and unknown categories', () => {
    expect(makePresence(ME, 'BUSY', 5)).toStrictEqual({ userId: ME, category: 'BUSY', isUnknown: false, timestamp: 5 });
    expect(makePresence(ME, 'busy').isUnknown).toBe(true);
    expect(makePresence(ME, 'busy').timestamp).toBeUndefined();
  });
});

describe('isLaterAnswer (SYM-GUP-1, SYM-GUP-2)', () => {
  it.each<[string, number | undefined, number, boolean]>([
    ['nothing held yet', undefined, 5, true],
    ['an answer asked for later', 5, 6, true],
    ['an answer asked for at the same time', 5, 5, true],
    ['an answer asked for earlier', 6, 5, false],
  ])('%s', (_label, current, next, expected) => {
    expect(isLaterAnswer(current, next)).toBe(expected);
  });

  it('takes no account of timestamps: a user back from OFFLINE answers an older set time and still wins', () => {
    // Asked at t=100 and t=200; the later answer's own timestamp (yesterday's set) is irrelevant.
    const offline = makePresence(ME, 'OFFLINE', 100);
    const back = makePresence(ME, 'AVAILABLE', 1);
    expect(back.timestamp! < offline.timestamp!).toBe(true);
    expect(isLaterAnswer(100, 200)).toBe(true);
  });
});

describe('externalPresence', () => {
  it.each<[string, string]>([
    ['BE_RIGHT_BACK', 'AWAY'],
    ['OFF_WORK', 'OFFLINE'],
    ['DO_NOT_DISTURB', 'AWAY'],
  ])('shows %s as %s', (category, shown) => {
    const original = makePresence(ME, category, 42);
    const ext = externalPresence(original);
    expect(ext).toStrictEqual({ userId: ME, category: shown, isUnknown: false, timestamp: 42 });
    expect(original.category).toBe(category);
  });

  it.each(['AVAILABLE', 'BUSY', 'AWAY', 'ON_THE_PHONE', 'IN_A_MEETING', 'OUT_OF_OFFICE', 'OFFLINE', 'UNDEFINED', 'FOCUSING'])(
    'returns %s unchanged, as the same object',
    (category) => {
      const original = makePresence(ME, category, 42);
      expect(externalPresence(original)).toBe(original);
    },
  );
});
