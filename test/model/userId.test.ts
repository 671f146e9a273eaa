import { describe, expect, it } from 'vitest';
import {
  InvalidUserIdError,
  PresenceWidgetsError,
  compareUserIds,
  isUserId,
  makeUserId,
  parseUserId,
  tenantOf,
  toUserId,
  type UserId,
} from '../../src/model';

const TWO_53 = 2 ** 53;
const INT64_MAX = '9223372036854775807';

/** Runs `fn` and returns the InvalidUserIdError it throws; fails the test if it throws anything else or nothing. */
function refusal(fn: () => unknown): InvalidUserIdError {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(InvalidUserIdError);
    return error as InvalidUserIdError;
  }
  throw new Error('expected an InvalidUserIdError, nothing was thrown');
}

describe('toUserId accepts', () => {
  it.each<{ input: string | number | bigint; id: string }>([
    { input: '1', id: '1' },
    { input: 1, id: '1' },
    { input: 1n, id: '1' },
    { input: '007', id: '7' },
    { input: '0000000000000000000000001', id: '1' },
    { input: 12987981103203, id: '12987981103203' },
    { input: '12987981103203', id: '12987981103203' },
    { input: TWO_53 - 1, id: '9007199254740991' },
    { input: '9007199254740992', id: '9007199254740992' },
    // 2^53 + 1 has no double; as a string every digit survives.
    { input: '9007199254740993', id: '9007199254740993' },
    { input: 9007199254740993n, id: '9007199254740993' },
    { input: INT64_MAX, id: INT64_MAX },
    { input: 2n ** 63n - 1n, id: INT64_MAX },
    { input: '0' + INT64_MAX, id: INT64_MAX },
  ])('$input ($input.constructor.name) -> $id', ({ input, id }) => {
    const out = toUserId(input);
    expect(out).toBe(id);
    expect(typeof out).toBe('string');
    expect(parseUserId(input)).toBe(id);
    expect(isUserId(out)).toBe(true);
  });

  it('is idempotent on its own output', () => {
    const id = toUserId('000123');
    expect(toUserId(id)).toBe(id);
  });
});

describe('toUserId refuses', () => {
  it.each<{ label: string; input: unknown; reason: InvalidUserIdError['reason'] }>([
    { label: "'0'", input: '0', reason: 'range' },
    { label: '0', input: 0, reason: 'range' },
    { label: '-0', input: -0, reason: 'range' },
    { label: '0n', input: 0n, reason: 'range' },
    { label: '-1', input: -1, reason: 'range' },
    { label: '-1n', input: -1n, reason: 'range' },
    { label: "'-1'", input: '-1', reason: 'format' },
    { label: "'+1'", input: '+1', reason: 'format' },
    { label: '2^53 as a number', input: TWO_53, reason: 'unsafe-number' },
    { label: '2^53+2 as a number', input: TWO_53 + 2, reason: 'unsafe-number' },
    { label: '1e21', input: 1e21, reason: 'unsafe-number' },
    { label: 'Number.MAX_VALUE', input: Number.MAX_VALUE, reason: 'unsafe-number' },
    { label: "'9223372036854775808' (INT64 max + 1)", input: '9223372036854775808', reason: 'range' },
    { label: '2n ** 63n', input: 2n ** 63n, reason: 'range' },
    { label: '2n ** 64n', input: 2n ** 64n, reason: 'range' },
    { label: '26 digits', input: '1'.repeat(26), reason: 'format' },
    { label: "'1e5'", input: '1e5', reason: 'format' },
    { label: "'0x10'", input: '0x10', reason: 'format' },
    { label: "'0b1'", input: '0b1', reason: 'format' },
    { label: "' 1'", input: ' 1', reason: 'format' },
    { label: "'1 '", input: '1 ', reason: 'format' },
    { label: "'1\\n'", input: '1\n', reason: 'format' },
    { label: "''", input: '', reason: 'format' },
    { label: "'1.0'", input: '1.0', reason: 'format' },
    { label: "'1_000'", input: '1_000', reason: 'format' },
    { label: "'١٢٣' (Arabic-Indic digits)", input: '١٢٣', reason: 'format' },
    { label: "'../admin'", input: '../admin', reason: 'format' },
    { label: "'1?x='", input: '1?x=', reason: 'format' },
    { label: "'1/../2'", input: '1/../2', reason: 'format' },
    { label: "'%2e%2e'", input: '%2e%2e', reason: 'format' },
    { label: "'%31'", input: '%31', reason: 'format' },
    { label: '1.5', input: 1.5, reason: 'format' },
    { label: 'NaN', input: Number.NaN, reason: 'format' },
    { label: 'Infinity', input: Number.POSITIVE_INFINITY, reason: 'format' },
    { label: '-Infinity', input: Number.NEGATIVE_INFINITY, reason: 'format' },
    { label: 'null', input: null, reason: 'type' },
    { label: 'undefined', input: undefined, reason: 'type' },
    { label: '{}', input: {}, reason: 'type' },
    { label: '[1]', input: [1], reason: 'type' },
    { label: 'true', input: true, reason: 'type' },
    { label: 'new String("1")', input: new String('1'), reason: 'type' },
    { label: 'an object whose toString is "1"', input: { toString: () => '1' }, reason: 'type' },
    { label: 'a symbol', input: Symbol('1'), reason: 'type' },
  ])('$label with reason "$reason"', ({ input, reason }) => {
    const error = refusal(() => toUserId(input as never));
    expect(error.reason).toBe(reason);
    expect(error).toBeInstanceOf(PresenceWidgetsError);
    expect(error).toBeInstanceOf(Error);
    expect(error.name).toBe('InvalidUserIdError');
    expect(parseUserId(input)).toBeUndefined();
    expect(isUserId(input)).toBe(false);
  });

  it('describes a long string by its length instead of echoing it', () => {
    const long = '9'.repeat(10_000);
    const error = refusal(() => toUserId(long));
    expect(error.reason).toBe('format');
    expect(error.message).toContain('10000-character string');
    expect(error.message.length).toBeLessThan(200);
    expect(error.message).not.toContain('9'.repeat(50));
  });

  it('keeps even a 41-character secret-looking string out of the message', () => {
    const token = 'secret-token-' + 'a'.repeat(28);
    expect(token).toHaveLength(41);
    expect(refusal(() => toUserId(token)).message).not.toContain('secret-token');
  });
});

describe('isUserId', () => {
  it('accepts only canonical strings', () => {
    expect(isUserId('7')).toBe(true);
    expect(isUserId('007')).toBe(false);
    expect(isUserId(7)).toBe(false);
    expect(isUserId(7n)).toBe(false);
    expect(isUserId(INT64_MAX)).toBe(true);
  });
});

describe('tenantOf', () => {
  it.each<{ input: string | number | bigint; tenant: number }>([
    { input: 12987981103203, tenant: 189 },
    { input: '12987981103203', tenant: 189 },
    { input: 12987981103203n, tenant: 189 },
    { input: 1, tenant: 0 },
    { input: 2 ** 36 - 1, tenant: 0 },
    { input: 2 ** 36, tenant: 1 },
    { input: INT64_MAX, tenant: 2 ** 27 - 1 },
    { input: '9007199254740993', tenant: 131072 },
  ])('$input belongs to tenant $tenant', ({ input, tenant }) => {
    expect(tenantOf(input)).toBe(tenant);
  });

  it('refuses what toUserId refuses, with the same reason', () => {
    expect(refusal(() => tenantOf(TWO_53)).reason).toBe('unsafe-number');
    expect(refusal(() => tenantOf('abc')).reason).toBe('format');
    expect(refusal(() => tenantOf(0)).reason).toBe('range');
  });
});

describe('makeUserId', () => {
  it.each<{ tenant: number; local: number | bigint; id: string }>([
    { tenant: 189, local: 99, id: '12987981103203' },
    { tenant: 0, local: 1, id: '1' },
    { tenant: 1, local: 0, id: String(2 ** 36) },
    { tenant: 2 ** 27 - 1, local: 2n ** 36n - 1n, id: INT64_MAX },
    { tenant: 2 ** 27 - 1, local: 5, id: ((2n ** 27n - 1n) * 2n ** 36n + 5n).toString() },
    { tenant: 131072, local: 1, id: '9007199254740993' },
  ])('tenant $tenant, local $local -> $id and back', ({ tenant, local, id }) => {
    const made = makeUserId(tenant, local);
    expect(made).toBe(id);
    expect(tenantOf(made)).toBe(tenant);
    expect(BigInt(made) & (2n ** 36n - 1n)).toBe(BigInt(local));
  });

  it('makes an id above 2^53 without losing digits', () => {
    const id = makeUserId(200_000, 12345);
    expect(BigInt(id)).toBeGreaterThan(BigInt(TWO_53));
    expect(id).toBe((200_000n * 2n ** 36n + 12345n).toString());
    expect(tenantOf(id)).toBe(200_000);
  });

  it.each<{ tenant: number; local: number | bigint }>([
    { tenant: -1, local: 1 },
    { tenant: 2 ** 27, local: 1 },
    { tenant: 1.5, local: 1 },
    { tenant: Number.NaN, local: 1 },
    { tenant: 1, local: -1 },
    { tenant: 1, local: 2n ** 36n },
    { tenant: 0, local: 0 },
  ])('refuses tenant $tenant, local $local', ({ tenant, local }) => {
    expect(refusal(() => makeUserId(tenant, local)).reason).toBe('range');
  });
});

describe('compareUserIds', () => {
  const id = (v: string): UserId => toUserId(v);

  it.each([
    ['9', '10', -1],
    ['10', '9', 1],
    ['10', '10', 0],
    ['99', '100', -1],
    ['12', '21', -1],
    ['9007199254740992', '9007199254740993', -1],
    [INT64_MAX, '1', 1],
  ])('%s vs %s -> sign %i', (a, b, sign) => {
    expect(Math.sign(compareUserIds(id(a), id(b)))).toBe(sign);
  });

  it('sorts numerically, not lexically', () => {
    const ids = ['10', '9', '100', '1', INT64_MAX, '9007199254740993', '9007199254740992'].map(id);
    expect([...ids].sort(compareUserIds)).toEqual(['1', '9', '10', '100', '9007199254740992', '9007199254740993', INT64_MAX]);
  });
});

describe('InvalidUserIdError messages name the value without echoing long input', () => {
  const forty = '1'.repeat(20) + 'x'.repeat(20);
  it.each<[string, () => unknown, string]>([
    ['a 40-character string, quoted', () => toUserId(forty), `Invalid Symphony user id: "${forty}" is not a decimal integer`],
    ['a 41-character string, by length', () => toUserId(`${forty}y`), 'Invalid Symphony user id: a 41-character string is not a decimal integer'],
    ['a fraction', () => toUserId(1.5), 'Invalid Symphony user id: 1.5 is not an integer'],
    [
      'an unsafe number',
      () => toUserId(2 ** 60),
      `Invalid Symphony user id: ${2 ** 60} is above 2^53 and may have lost digits; pass it as a string or bigint`,
    ],
    ['a bigint out of range', () => toUserId(2n ** 63n), `Invalid Symphony user id: ${2n ** 63n} is not between 1 and 2^63-1`],
    ['zero', () => toUserId(0), 'Invalid Symphony user id: 0 is not between 1 and 2^63-1'],
    ['null', () => toUserId(null as never), 'Invalid Symphony user id: null is not a string, number or bigint'],
    ['a boolean', () => toUserId(true as never), 'Invalid Symphony user id: a value of type boolean is not a string, number or bigint'],
    ['a tenant too wide', () => makeUserId(2 ** 27, 1), `Invalid Symphony user id: tenant ${2 ** 27} does not fit in 27 bits`],
    ['a fractional tenant', () => makeUserId(1.5, 1), 'Invalid Symphony user id: tenant 1.5 does not fit in 27 bits'],
    ['a negative tenant', () => makeUserId(-1, 1), 'Invalid Symphony user id: tenant -1 does not fit in 27 bits'],
    ['a negative local part', () => makeUserId(1, -1), 'Invalid Symphony user id: local part -1 does not fit in 36 bits'],
    ['a local part too wide', () => makeUserId(1, 2n ** 36n), `Invalid Symphony user id: local part ${2n ** 36n} does not fit in 36 bits`],
    ['tenant 0, local 0', () => makeUserId(0, 0), 'Invalid Symphony user id: "0/0" is not between 1 and 2^63-1'],
  ])('%s', (_label, fn, message) => {
    expect(refusal(fn).message).toBe(message);
  });
});
