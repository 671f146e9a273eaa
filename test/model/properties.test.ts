import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  InvalidUserIdError,
  PRESENCE_CATEGORIES,
  compareUserIds,
  isKnownCategory,
  makeUserId,
  parseJsonLossless,
  parsePresence,
  parsePresenceList,
  tenantOf,
  toExternalView,
  toUserId,
  type ParseResult,
} from '../../src/model';

const INT64_MAX = (1n << 63n) - 1n;
const TENANT_MASK = (1n << 27n) - 1n;
const CANONICAL = /^[1-9][0-9]*$/;

/** Every reason parsePresence / parsePresenceList can give: fixed text, never anything from the body. */
const REASON = /^(entry \d+: )?presence (is not a JSON object|has no string "category"|has an empty "category"|has no valid "userId"|has an invalid "timestamp")$|^presence list is not a JSON array$/;

function checkResult(result: ParseResult<unknown>): void {
  expect(typeof result.ok).toBe('boolean');
  if (!result.ok) expect(result.reason).toMatch(REASON);
}

/** What parseJsonLossless should give for a value that went through JSON.stringify. */
function losslessView(value: unknown): unknown {
  if (typeof value === 'number') {
    const text = String(value);
    if (/^-?[0-9]{16,}$/.test(text)) return text;
    return Object.is(value, -0) ? 0 : value;
  }
  if (Array.isArray(value)) return value.map(losslessView);
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, losslessView(v)]));
  }
  return value;
}

const presenceLike = fc.record(
  {
    category: fc.oneof(fc.constantFrom(...PRESENCE_CATEGORIES), fc.string(), fc.anything()),
    userId: fc.oneof(fc.bigInt(1n, INT64_MAX).map(String), fc.integer(), fc.string(), fc.anything()),
    timestamp: fc.oneof(fc.nat(), fc.double(), fc.anything()),
  },
  { requiredKeys: [] },
);

describe('parsePresence / parsePresenceList never throw', () => {
  it('on any JSON value', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        checkResult(parsePresence(value));
        checkResult(parsePresenceList(value));
      }),
    );
  });

  it('on anything at all', () => {
    fc.assert(
      fc.property(fc.anything({ withBigInt: true, withNullPrototype: true, withMap: true, withDate: true }), (value) => {
        checkResult(parsePresence(value, toUserId('1')));
        checkResult(parsePresenceList(value));
      }),
    );
  });

  it('on presence-shaped objects, and agrees with the rules when it succeeds', () => {
    fc.assert(
      fc.property(presenceLike, (raw) => {
        const result = parsePresence(raw);
        checkResult(result);
        if (result.ok) {
          expect(result.value.category).toBe(raw.category);
          expect(result.value.isUnknown).toBe(!isKnownCategory(raw.category));
          expect(result.value.userId).toMatch(CANONICAL);
          expect(BigInt(result.value.userId)).toBe(BigInt(raw.userId as string | number));
        }
      }),
    );
  });

  it('on lists of presence-shaped objects', () => {
    fc.assert(fc.property(fc.array(presenceLike, { maxLength: 5 }), (raw) => checkResult(parsePresenceList(raw))));
  });
});

describe('user ids', () => {
  it('round-trip every int64 above zero as bigint, string and zero-padded string', () => {
    fc.assert(
      fc.property(fc.bigInt(1n, INT64_MAX), fc.nat(5), (x, pad) => {
        const id = toUserId(x);
        expect(id).toBe(x.toString());
        expect(toUserId(String(x))).toBe(id);
        expect(toUserId('0'.repeat(pad) + String(x))).toBe(id);
        expect(BigInt(id)).toBe(x);
        expect(tenantOf(id)).toBe(Number((x >> 36n) & TENANT_MASK));
      }),
    );
  });

  it('accept a number exactly when it is a positive safe integer', () => {
    fc.assert(
      fc.property(fc.oneof(fc.double(), fc.integer(), fc.maxSafeInteger()), (n) => {
        if (Number.isSafeInteger(n) && n > 0) {
          expect(toUserId(n)).toBe(String(n));
        } else {
          expect(() => toUserId(n)).toThrow(InvalidUserIdError);
        }
      }),
    );
  });

  it('from any string are canonical digits or an InvalidUserIdError, nothing else', () => {
    fc.assert(
      fc.property(
        fc.oneof(fc.string({ unit: 'binary' }), fc.stringMatching(/^[0-9]{1,30}$/), fc.stringMatching(/^\s*-?[0-9.eEx]{0,20}\s*$/)),
        (s) => {
          let id: string;
          try {
            id = toUserId(s);
          } catch (error) {
            expect(error).toBeInstanceOf(InvalidUserIdError);
            expect(['format', 'range']).toContain((error as InvalidUserIdError).reason);
            return;
          }
          expect(id).toMatch(CANONICAL);
          expect(s).toMatch(/^[0-9]+$/);
          expect(BigInt(id)).toBe(BigInt(s));
          expect(BigInt(id) <= INT64_MAX).toBe(true);
        },
      ),
    );
  });

  it('are ordered by compareUserIds exactly as their numeric values', () => {
    fc.assert(
      fc.property(fc.bigInt(1n, INT64_MAX), fc.bigInt(1n, INT64_MAX), (a, b) => {
        const sign = Math.sign(compareUserIds(toUserId(a), toUserId(b)));
        expect(sign).toBe(a < b ? -1 : a > b ? 1 : 0);
      }),
    );
  });

  it('built by makeUserId give back their tenant and local part', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 2 ** 27 - 1 }), fc.bigInt(0n, (1n << 36n) - 1n), (tenant, local) => {
        fc.pre(tenant > 0 || local > 0n);
        const id = makeUserId(tenant, local);
        expect(tenantOf(id)).toBe(tenant);
        expect(BigInt(id) & ((1n << 36n) - 1n)).toBe(local);
      }),
    );
  });
});

describe('parseJsonLossless', () => {
  it('equals JSON.parse except that long integers come back as their exact digits', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        const text = JSON.stringify(value);
        expect(parseJsonLossless(text)).toStrictEqual(losslessView(JSON.parse(text)));
      }),
    );
  });

  it('keeps every digit of any int64 in any position', () => {
    fc.assert(
      fc.property(fc.bigInt(-(1n << 63n), INT64_MAX), fc.string(), (x, s) => {
        const text = `{"s":${JSON.stringify(s)},"id":${x},"a":[${x}]}`;
        const digits = x < 0n ? String(-x).length : String(x).length;
        const expected = digits > 15 ? String(x) : Number(x);
        expect(parseJsonLossless(text)).toStrictEqual({ s, id: expected, a: [expected] });
      }),
    );
  });
});

describe('external view', () => {
  it('passes any unknown string through and maps known ones to a known one', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string(), fc.constantFrom(...PRESENCE_CATEGORIES)), (value) => {
        const out = toExternalView(value);
        if (isKnownCategory(value)) expect(isKnownCategory(out)).toBe(true);
        else expect(out).toBe(value);
      }),
    );
  });
});
