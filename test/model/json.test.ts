import { describe, expect, it } from 'vitest';
import { parseJsonLossless } from '../../src/model';

describe('parseJsonLossless', () => {
  it.each([
    // [json, expected]
    ['12987981103203', 12987981103203],
    ['123456789012345', 123456789012345], // 15 digits: always exact as a double
    ['-123456789012345', -123456789012345],
    ['0', 0],
    ['-1', -1],
    ['1234567890123456', '1234567890123456'], // 16 digits: may not be exact, quoted
    ['9007199254740993', '9007199254740993'], // 2^53 + 1: JSON.parse would give ...992
    ['9223372036854775807', '9223372036854775807'],
    ['-9223372036854775808', '-9223372036854775808'],
    ['-12345678901234567', '-12345678901234567'],
    ['123456789012345678901234567890', '123456789012345678901234567890'],
  ])('%s -> %j', (json, expected) => {
    expect(parseJsonLossless(json)).toStrictEqual(expected);
  });

  it('keeps every digit of an id above 2^53 where JSON.parse loses them', () => {
    const text = '{"userId":9007199254740993,"category":"AVAILABLE","timestamp":1700000000000}';
    expect((JSON.parse(text) as { userId: number }).userId).toBe(9007199254740992);
    expect(parseJsonLossless(text)).toStrictEqual({ userId: '9007199254740993', category: 'AVAILABLE', timestamp: 1700000000000 });
  });

  it.each([
    '1.5',
    '12345678901234567.5',
    '-0.123456789012345678',
    '1e5',
    '1E+5',
    '12345678901234567e2',
    '12345678901234567E-2',
    '1.2345678901234567e-300',
  ])('leaves the float / exponent %s as a number', (json) => {
    // Floats are doubles by nature; only integers are ids, so only they are kept as digits.
    expect(parseJsonLossless(json)).toBe(Number(json));
    expect(parseJsonLossless(`[${json}]`)).toStrictEqual([Number(json)]);
  });

  it.each([
    ['"12345678901234567890"', '12345678901234567890'],
    ['"a\\"123456789012345678"', 'a"123456789012345678'],
    ['"\\\\"', '\\'],
    ['"x\\u0022 12345678901234567"', 'x" 12345678901234567'],
    ['"-12345678901234567 and 1e400"', '-12345678901234567 and 1e400'],
  ])('leaves numbers inside the string %s untouched', (json, expected) => {
    expect(parseJsonLossless(json)).toBe(expected);
  });

  it('resumes scanning correctly after an escaped backslash that ends a string', () => {
    expect(parseJsonLossless('["\\\\",12345678901234567,"\\\\\\"",98765432109876543]')).toStrictEqual([
      '\\',
      '12345678901234567',
      '\\"',
      '98765432109876543',
    ]);
  });

  it('does not touch digits in keys', () => {
    expect(parseJsonLossless('{"12345678901234567":12345678901234567}')).toStrictEqual({
      '12345678901234567': '12345678901234567',
    });
  });

  it('handles nested arrays and objects', () => {
    const text = `{
      "users": [
        {"userId": 12345678901234567, "category": "BUSY", "tags": [1, 2, 33333333333333333]},
        {"userId": 42, "nested": {"deeper": [[-44444444444444444, 0.5, "55555555555555555"]]}}
      ],
      "count": 2, "ok": true, "none": null
    }`;
    expect(parseJsonLossless(text)).toStrictEqual({
      users: [
        { userId: '12345678901234567', category: 'BUSY', tags: [1, 2, '33333333333333333'] },
        { userId: 42, nested: { deeper: [['-44444444444444444', 0.5, '55555555555555555']] } },
      ],
      count: 2,
      ok: true,
      none: null,
    });
  });

  it.each([
    '0.30000000000000004',
    '-0.30000000000000004',
    '1.2345678901234567',
    '12345678901234567.5',
    '1.5e+300',
    '12345678901234567e2',
    '1E-17',
    '-2.5E+20',
    // exponents long enough to look like ids once split at their sign or letter
    '1e+12345678901234567',
    '1E-12345678901234567',
    '1e12345678901234567',
    '1E12345678901234567',
    '[0.1000000000000000055511151231257827,1e+21]',
    '{"ratio":0.30000000000000004,"userId":12}',
  ])('leaves long non-integers to JSON.parse: %s', (text) => {
    expect(parseJsonLossless(text)).toStrictEqual(JSON.parse(text));
  });

  it('gives the same result as JSON.parse when no integer is long', () => {
    const text = '{"a":[1,-2,3.5,"x\\"y",{"b":null,"c":false}],"d":"123456789012345678"}';
    expect(parseJsonLossless(text)).toStrictEqual(JSON.parse(text));
  });

  it.each([
    '',
    ' ',
    '{',
    '[1,]',
    '{"a":1,}',
    '"unterminated',
    '"unterminated 12345678901234567',
    '12345678901234567x',
    '[12345678901234567 12345678901234567]',
    '[12345678901234567"x"]',
    '{"a":12345678901234567"}',
    '00000000000000001', // leading zeros are not JSON, however long
    '-00000000000000001',
    '01',
    '1234567890123456-7',
    '--12345678901234567',
    'NaN',
    'undefined',
    "{'a':1}",
  ])('throws SyntaxError on malformed %j', (text) => {
    expect(() => JSON.parse(text)).toThrow(SyntaxError);
    expect(() => parseJsonLossless(text)).toThrow(SyntaxError);
  });
});
