import { describe, expect, it } from 'vitest';
import { readUserJwt, UserJwtError, type UserJwtErrorReason } from '../../src/extension';
import { makeUserId, PresenceWidgetsError, tenantOf } from '../../src/model';

const b64url = (text: string): string => Buffer.from(text, 'utf8').toString('base64url');
const HEADER = b64url('{"alg":"RS512","typ":"JWT"}');
/** A JWT whose payload is exactly `payloadText`, so integers can be written with all their digits. */
const jwt = (payloadText: string, header = HEADER): string => `${header}.${b64url(payloadText)}.c2lnbmF0dXJl`;

const BIG = makeUserId(200000, 7); // above 2^53
const SMALL = makeUserId(189, 1027);

function reasonOf(fn: () => unknown): UserJwtErrorReason | undefined {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(UserJwtError);
    expect(error).toBeInstanceOf(PresenceWidgetsError);
    return (error as UserJwtError).reason;
  }
  return undefined;
}

describe('readUserJwt', () => {
  it('keeps every digit of a user id above 2^53', () => {
    expect(BigInt(BIG)).toBeGreaterThan(BigInt(Number.MAX_SAFE_INTEGER));
    const user = readUserJwt(jwt(`{"sub":"${BIG}","exp":1795560000,"user":{"id":${BIG},"companyId":200000,"displayName":"Åsa 日本"}}`));
    expect(user.userId).toBe(BIG);
    expect(user.companyId).toBe(200000);
    expect(user.tenant).toBe(200000);
    expect(user.expiresAt).toBe(1795560000 * 1000);
    expect((user.payload.user as { displayName: string }).displayName).toBe('Åsa 日本');
  });

  it.each([
    ['number id, companyId in user', `{"user":{"id":${SMALL},"companyId":189}}`, 189],
    ['string id, top-level companyId', `{"companyId":189,"user":{"id":"${SMALL}"}}`, 189],
    ['string companyId', `{"user":{"id":${SMALL},"companyId":"189"}}`, 189],
    ['no companyId', `{"user":{"id":${SMALL}}}`, undefined],
  ])('reads %s', (_case, payload, companyId) => {
    const user = readUserJwt(jwt(payload));
    expect(user).toMatchObject({ userId: SMALL, companyId, tenant: tenantOf(SMALL), expiresAt: undefined });
  });

  it('accepts base64 padding and an empty signature (it does not verify)', () => {
    const padded = Buffer.from(`{"user":{"id":${SMALL}}}`).toString('base64').replace(/\+/g, '-').replace(/\//g, '_');
    expect(readUserJwt(`${HEADER}.${padded}.`).userId).toBe(SMALL);
  });

  it.each<[string, unknown, UserJwtErrorReason]>([
    ['empty string', '', 'format'],
    ['not a string', 42, 'format'],
    ['one part', 'abc', 'format'],
    ['two parts', `${HEADER}.${b64url('{}')}`, 'format'],
    ['four parts', `${HEADER}.${b64url('{}')}.s.x`, 'format'],
    ['empty payload part', `${HEADER}..sig`, 'format'],
    ['not base64url', `${HEADER}.!!!!.sig`, 'format'],
    ['header not JSON', jwt(`{"user":{"id":${SMALL}}}`, b64url('nope')), 'format'],
    ['payload not UTF-8', `${HEADER}.${Buffer.from([0xff, 0xfe]).toString('base64url')}.sig`, 'format'],
    ['payload not JSON', jwt('not json'), 'payload'],
    ['payload an array', jwt(`[${SMALL}]`), 'payload'],
    ['too large', jwt(`{"user":{"id":${SMALL}},"pad":"${'x'.repeat(20_000)}"}`), 'format'],
    ['no user', jwt(`{"sub":"${SMALL}"}`), 'user-id'],
    ['user id 0', jwt('{"user":{"id":0}}'), 'user-id'],
    ['negative user id', jwt('{"user":{"id":-5}}'), 'user-id'],
    ['fractional user id', jwt('{"user":{"id":1.5}}'), 'user-id'],
    ['user id not digits', jwt('{"user":{"id":"abc"}}'), 'user-id'],
    ['user id boolean', jwt('{"user":{"id":true}}'), 'user-id'],
    ['user id beyond int64', jwt('{"user":{"id":9223372036854775808}}'), 'user-id'],
    ['companyId negative', jwt(`{"user":{"id":${SMALL},"companyId":-1}}`), 'company-id'],
    ['companyId text', jwt(`{"user":{"id":${SMALL},"companyId":"acme"}}`), 'company-id'],
  ])('refuses %s with a typed error', (_case, token, reason) => {
    expect(reasonOf(() => readUserJwt(token as string))).toBe(reason);
  });

  it('never puts the token in its error message', () => {
    const token = jwt('{"user":{"id":"abc"},"secret":"very-secret-claim"}');
    try {
      readUserJwt(token);
      expect.unreachable();
    } catch (error) {
      const message = (error as Error).message;
      for (const part of token.split('.')) expect(message).not.toContain(part);
      expect(message).not.toContain('very-secret-claim');
    }
  });
});
