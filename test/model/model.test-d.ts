import { describe, expectTypeOf, it } from 'vitest';
import {
  InvalidUserIdError,
  PresenceWidgetsError,
  applyIdle,
  describeCategory,
  getCategoryInfo,
  isKnownCategory,
  parseJsonLossless,
  parsePresence,
  parseUserId,
  settableCategories,
  tenantOf,
  toExternalView,
  toUserId,
  type CategoryInfo,
  type CategoryValue,
  type ParseResult,
  type Presence,
  type PresenceCategory,
  type PresenceGlyph,
  type UserId,
  type UserIdInput,
} from '../../src/model';

describe('UserId', () => {
  it('is a branded string: usable as a string, not made from one', () => {
    expectTypeOf<UserId>().toExtend<string>();
    expectTypeOf<string>().not.toExtend<UserId>();
    expectTypeOf<'123'>().not.toExtend<UserId>();
    expectTypeOf<number>().not.toExtend<UserId>();

    // @ts-expect-error a plain string must go through toUserId first
    const bad: UserId = '123';
    void bad;
  });

  it('comes out of toUserId and parseUserId', () => {
    expectTypeOf(toUserId).parameter(0).toEqualTypeOf<UserIdInput>();
    expectTypeOf<UserIdInput>().toEqualTypeOf<string | number | bigint>();
    expectTypeOf(toUserId).returns.toEqualTypeOf<UserId>();
    expectTypeOf(parseUserId).parameter(0).toEqualTypeOf<unknown>();
    expectTypeOf(parseUserId).returns.toEqualTypeOf<UserId | undefined>();
    expectTypeOf(tenantOf).returns.toEqualTypeOf<number>();
  });

  it('has a closed set of refusal reasons', () => {
    expectTypeOf<InvalidUserIdError['reason']>().toEqualTypeOf<'type' | 'format' | 'range' | 'unsafe-number'>();
    expectTypeOf<InvalidUserIdError>().toExtend<PresenceWidgetsError>();
    expectTypeOf<PresenceWidgetsError>().toExtend<Error>();
  });
});

describe('categories', () => {
  it('PresenceCategory is exactly the 11 documented names', () => {
    expectTypeOf<PresenceCategory>().toEqualTypeOf<
      | 'UNDEFINED'
      | 'AVAILABLE'
      | 'BUSY'
      | 'DO_NOT_DISTURB'
      | 'ON_THE_PHONE'
      | 'BE_RIGHT_BACK'
      | 'IN_A_MEETING'
      | 'AWAY'
      | 'OUT_OF_OFFICE'
      | 'OFF_WORK'
      | 'OFFLINE'
    >();
  });

  it('CategoryValue accepts known names and any other string, but not other types', () => {
    expectTypeOf<'AVAILABLE'>().toExtend<CategoryValue>();
    expectTypeOf<'FOCUSING'>().toExtend<CategoryValue>();
    expectTypeOf<string>().toExtend<CategoryValue>();
    expectTypeOf<PresenceCategory>().toExtend<CategoryValue>();
    expectTypeOf<number>().not.toExtend<CategoryValue>();
    expectTypeOf<null>().not.toExtend<CategoryValue>();
    expectTypeOf<CategoryValue>().toExtend<string>();
  });

  it('isKnownCategory narrows to PresenceCategory', () => {
    expectTypeOf(isKnownCategory).guards.toEqualTypeOf<PresenceCategory>();
    const value = 'x' as CategoryValue;
    if (isKnownCategory(value)) expectTypeOf(value).toEqualTypeOf<PresenceCategory>();
  });

  it('lookups have precise result types', () => {
    // Overloaded: a known category always has a row, any other string may not.
    expectTypeOf(getCategoryInfo('BUSY')).toEqualTypeOf<CategoryInfo>();
    expectTypeOf(getCategoryInfo('BUSY' as PresenceCategory)).toEqualTypeOf<CategoryInfo>();
    expectTypeOf(getCategoryInfo('SOMETHING_NEW' as CategoryValue)).toEqualTypeOf<CategoryInfo | undefined>();
    expectTypeOf(getCategoryInfo('x' as string)).toEqualTypeOf<CategoryInfo | undefined>();
    expectTypeOf<CategoryInfo['externalView']>().toEqualTypeOf<PresenceCategory>();
    expectTypeOf<CategoryInfo['glyph']>().toEqualTypeOf<PresenceGlyph>();
    expectTypeOf(describeCategory).returns.toHaveProperty('known').toEqualTypeOf<boolean>();
    expectTypeOf(toExternalView).returns.toEqualTypeOf<CategoryValue>();
    expectTypeOf(settableCategories).returns.toEqualTypeOf<PresenceCategory[]>();
    expectTypeOf(applyIdle).parameters.toEqualTypeOf<[CategoryValue, boolean]>();
    expectTypeOf(applyIdle).returns.toEqualTypeOf<CategoryValue>();
  });

  it('CategoryInfo is read-only', () => {
    const info = getCategoryInfo('AVAILABLE');
    // @ts-expect-error rows are frozen and typed readonly
    info.label = 'x';
  });
});

describe('Presence', () => {
  it('has the documented fields with their types', () => {
    expectTypeOf<Presence>().toHaveProperty('userId').toEqualTypeOf<UserId>();
    expectTypeOf<Presence>().toHaveProperty('category').toEqualTypeOf<CategoryValue>();
    expectTypeOf<Presence>().toHaveProperty('isUnknown').toEqualTypeOf<boolean>();
    expectTypeOf<Presence>().toHaveProperty('timestamp').toEqualTypeOf<number | undefined>();
    expectTypeOf<keyof Presence>().toEqualTypeOf<'userId' | 'category' | 'isUnknown' | 'timestamp' | 'source' | 'graph' | 'observedAt' | 'updateDueAt'>();
  });

  it('is read-only', () => {
    const p = {} as Presence;
    // @ts-expect-error fields are readonly
    p.category = 'AVAILABLE';
  });

  it('parsePresence returns a discriminated result', () => {
    expectTypeOf(parsePresence).parameters.toEqualTypeOf<[raw: unknown, fallbackUserId?: UserId]>();
    expectTypeOf(parsePresence).returns.toEqualTypeOf<ParseResult<Presence>>();
    const r = parsePresence({});
    if (r.ok) expectTypeOf(r.value).toEqualTypeOf<Presence>();
    else expectTypeOf(r.reason).toEqualTypeOf<string>();
    // @ts-expect-error the fallback must already be a validated id
    parsePresence({}, '123');
  });

  it('parseJsonLossless returns unknown, forcing callers to validate', () => {
    expectTypeOf(parseJsonLossless).returns.toEqualTypeOf<unknown>();
  });
});
