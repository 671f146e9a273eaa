import { errors, importX509, jwtVerify, type CryptoKey, type JWSHeaderParameters } from 'jose';
import { parseJsonLossless, parseUserId, PresenceWidgetsError, tenantOf, type UserId } from '../model';
import { createPodCertificateSource, PodCertificateError, type PodCertificateSource } from './createPodCertificateSource';

/** Why {@link verifyUserJwt} refused a token. */
export type UserJwtVerificationReason =
  /** Not a compact JWS of JWT size. */
  | 'format'
  /** Signed with an algorithm outside `algorithms` (`none` and `HS256` included). */
  | 'algorithm'
  /** The signature does not match the pod certificate, even after fetching it again. */
  | 'signature'
  /** `exp` is past (beyond the clock tolerance). */
  | 'expired'
  /** `nbf` or `iat` is in the future (beyond the clock tolerance). */
  | 'not-yet-valid'
  /** `aud` is not the app id. */
  | 'audience'
  /** `iss` is not the expected issuer. */
  | 'issuer'
  /** A required claim (`exp`) is missing or malformed. */
  | 'claims'
  /** `user.id` is missing, not a positive int64, or differs from `sub`. */
  | 'user-id'
  /** `user.companyId` is not a non-negative integer. */
  | 'company-id'
  /** The pod certificate could not be fetched: the token was not judged (answer 503, not 401). */
  | 'certificate';

/** A user JWT that was not accepted. Its message never contains the token. */
export class UserJwtVerificationError extends PresenceWidgetsError {
  readonly reason: UserJwtVerificationReason;
  constructor(reason: UserJwtVerificationReason, detail: string, options?: { cause?: unknown }) {
    super(`Symphony user JWT refused: ${detail}`, options);
    this.reason = reason;
  }
}

/** JWS algorithms a pod certificate (an RSA key) can verify. */
export type PodJwtAlgorithm = 'RS256' | 'RS384' | 'RS512' | 'PS256' | 'PS384' | 'PS512';

/** Options of {@link verifyUserJwt}. */
export interface VerifyUserJwtOptions {
  /** The extension app's id: the token's `aud` must name it. */
  appId: string;
  /**
   * The pod's API base URL (`https://acme.symphony.com/pod`): the certificate is fetched from
   * `GET {podUrl}/v1/podcert` once and cached for this URL (and `fetch`) in this process.
   * Give `certificate` instead to control caching.
   */
  podUrl?: string | undefined;
  /** The pod certificate in PEM, or a {@link createPodCertificateSource} source. */
  certificate?: string | PodCertificateSource | undefined;
  /**
   * Accepted signing algorithms. The pod signs user JWTs with RS512; anything else (`none`,
   * `HS256` with the certificate as a secret, ...) is refused.
   * @default ['RS512']
   */
  algorithms?: readonly PodJwtAlgorithm[] | undefined;
  /** Expected `iss`; not checked when omitted. */
  issuer?: string | undefined;
  /** Allowed clock difference with the pod for `exp`, `nbf` and `iat`, at most 5 minutes. @default 30000 */
  clockToleranceMs?: number | undefined;
  /** Time source, ms since 1970. @default Date.now */
  now?: (() => number) | undefined;
  /** fetch for the certificate when `podUrl` is given. @default globalThis.fetch */
  fetch?: typeof fetch | undefined;
}

/** The requesting user, as a verified user JWT names them. */
export interface VerifiedSymphonyUser {
  /** `user.id`, every digit kept (ids can exceed 2^53). */
  readonly userId: UserId;
  /** `user.companyId`, when present. */
  readonly companyId: number | undefined;
  /** Tenant (pod) id read from the user id's bits. */
  readonly tenant: number;
  /** `aud`: the app id the token was issued to. */
  readonly appId: string;
  /** `exp` in ms since 1970. */
  readonly expiresAt: number;
  /** `user.username`, when present. */
  readonly username: string | undefined;
  /** `user.emailAddress`, when present. */
  readonly emailAddress: string | undefined;
  /** `user.displayName`, when present. */
  readonly displayName: string | undefined;
  /** The whole payload; integers of more than 15 digits are decimal strings. */
  readonly payload: Readonly<Record<string, unknown>>;
}

const MAX_JWT_LENGTH = 16 * 1024;
const MAX_CLOCK_TOLERANCE_MS = 5 * 60_000;
const COMPACT_JWS = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/;

// One certificate source per pod URL and fetch, so the plain `verifyUserJwt(jwt, { podUrl })`
// call fetches the certificate once per process, not once per token.
const sharedSources = new WeakMap<typeof fetch, Map<string, PodCertificateSource>>();

function sourceFor(podUrl: string, fetchImpl: typeof fetch | undefined): PodCertificateSource {
  const key = fetchImpl ?? globalThis.fetch;
  let byUrl = sharedSources.get(key);
  if (!byUrl) sharedSources.set(key, (byUrl = new Map()));
  let source = byUrl.get(podUrl);
  if (!source) byUrl.set(podUrl, (source = createPodCertificateSource({ podUrl, fetch: fetchImpl })));
  return source;
}

// Imported keys by algorithm and certificate; a handful at most (one certificate per pod, rarely renewed).
const importedKeys = new Map<string, Promise<CryptoKey>>();

function keyFor(pem: string, alg: string): Promise<CryptoKey> {
  const id = `${alg}\n${pem}`;
  let key = importedKeys.get(id);
  if (!key) {
    if (importedKeys.size >= 32) importedKeys.clear();
    key = importX509(pem, alg);
    importedKeys.set(id, key);
    key.catch(() => importedKeys.delete(id));
  }
  return key;
}

function refusal(error: unknown): UserJwtVerificationError {
  if (error instanceof UserJwtVerificationError) return error;
  const code = (error as { code?: unknown } | null)?.code;
  switch (code) {
    case errors.JWTExpired.code:
      return new UserJwtVerificationError('expired', 'it has expired');
    case errors.JWTClaimValidationFailed.code: {
      const { claim, reason } = error as errors.JWTClaimValidationFailed;
      if ((claim === 'nbf' || claim === 'iat') && reason === 'check_failed') {
        return new UserJwtVerificationError('not-yet-valid', `its "${claim}" is in the future`);
      }
      if (claim === 'aud') return new UserJwtVerificationError('audience', 'it was issued to another app');
      if (claim === 'iss') return new UserJwtVerificationError('issuer', 'it comes from another issuer');
      return new UserJwtVerificationError('claims', `its "${claim}" claim is ${reason === 'missing' ? 'missing' : 'invalid'}`);
    }
    case errors.JOSEAlgNotAllowed.code:
    case errors.JOSENotSupported.code:
      return new UserJwtVerificationError('algorithm', 'it is signed with an algorithm that is not accepted');
    case errors.JWSSignatureVerificationFailed.code:
      return new UserJwtVerificationError('signature', 'its signature does not match the pod certificate');
    case errors.JWSInvalid.code:
    case errors.JWTInvalid.code:
      return new UserJwtVerificationError('format', 'it is not a well-formed signed JWT');
    default:
      return new UserJwtVerificationError('signature', 'its signature could not be checked');
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

const optionalString = (value: unknown): string | undefined => (typeof value === 'string' ? value : undefined);

/** Reads the signed payload again, keeping every digit of ids that JSON.parse would round. */
function losslessPayload(jwt: string): Record<string, unknown> {
  const segment = jwt.split('.')[1] as string;
  const payload = parseJsonLossless(Buffer.from(segment, 'base64url').toString('utf8'));
  if (!isRecord(payload)) throw new UserJwtVerificationError('format', 'its payload is not a JSON object');
  return payload;
}

function userOf(payload: Record<string, unknown>, exp: number, appId: string): VerifiedSymphonyUser {
  const user = payload.user;
  if (!isRecord(user)) throw new UserJwtVerificationError('user-id', 'it has no "user" object');
  const rawId = user.id;
  const userId = typeof rawId === 'string' || typeof rawId === 'number' ? parseUserId(rawId) : undefined;
  if (!userId) throw new UserJwtVerificationError('user-id', 'its user.id is not a positive 64-bit integer');
  const sub = payload.sub;
  if (sub !== undefined && sub !== null && parseUserId(typeof sub === 'number' || typeof sub === 'string' ? sub : '') !== userId) {
    throw new UserJwtVerificationError('user-id', 'its "sub" and user.id name different users');
  }
  const rawCompany = user.companyId ?? payload.companyId;
  let companyId: number | undefined;
  if (rawCompany !== undefined && rawCompany !== null) {
    const n = typeof rawCompany === 'number' ? rawCompany : typeof rawCompany === 'string' && /^[0-9]{1,15}$/.test(rawCompany) ? Number(rawCompany) : NaN;
    if (!Number.isSafeInteger(n) || n < 0) throw new UserJwtVerificationError('company-id', 'its companyId is not a non-negative integer');
    companyId = n;
  }
  return {
    userId,
    companyId,
    tenant: tenantOf(userId),
    appId,
    expiresAt: exp * 1000,
    username: optionalString(user.username),
    emailAddress: optionalString(user.emailAddress),
    displayName: optionalString(user.displayName),
    payload,
  };
}

/**
 * Verifies the user JWT an extension app receives from Symphony's app authentication (the
 * "circle of trust") and returns the user it names. Server only (`presence-widgets/server`):
 * this is what lets the app's backend trust `user.id` and open an on-behalf-of session for it.
 *
 * - The signature is checked with [jose](https://github.com/panva/jose) against the pod
 *   certificate (`GET /v1/podcert`), fetched once and cached; a signature that does not match
 *   makes it fetch the certificate again (the pod renewed it), at most once a minute.
 * - Only `algorithms` are accepted (RS512 by default): `none` and HMAC with the certificate as
 *   a secret are refused.
 * - `exp` is required; `exp`, `nbf` and `iat` are checked with `clockToleranceMs` (30 s) of
 *   tolerance; `aud` must be `appId`; `iss` is checked when `issuer` is given.
 * - Ids above 2^53 keep every digit.
 *
 * @throws UserJwtVerificationError, whose `reason` says why; `'certificate'` means the pod could
 *   not be asked, so answer 503 rather than 401.
 * @example
 * const user = await verifyUserJwt(jwt, { podUrl: 'https://acme.symphony.com/pod', appId: 'presence-app' });
 * session.userId = user.userId; // then: OBO-authenticate as user.userId
 */
export async function verifyUserJwt(jwt: string, options: VerifyUserJwtOptions): Promise<VerifiedSymphonyUser> {
  if (typeof options.appId !== 'string' || options.appId === '') throw new TypeError('verifyUserJwt: appId is required');
  const tolerance = options.clockToleranceMs ?? 30_000;
  if (!(tolerance >= 0 && tolerance <= MAX_CLOCK_TOLERANCE_MS)) {
    throw new RangeError('verifyUserJwt: clockToleranceMs must be from 0 to 300000');
  }
  const algorithms = [...(options.algorithms ?? ['RS512'])];
  if (algorithms.length === 0) throw new TypeError('verifyUserJwt: algorithms must name at least one algorithm');
  const source = options.certificate ?? (options.podUrl === undefined ? undefined : sourceFor(options.podUrl, options.fetch));
  if (source === undefined) throw new TypeError('verifyUserJwt: give podUrl or certificate');

  if (typeof jwt !== 'string' || jwt.length === 0 || jwt.length > MAX_JWT_LENGTH || !COMPACT_JWS.test(jwt)) {
    throw new UserJwtVerificationError('format', 'it is not a compact JWS of JWT size');
  }
  const now = (options.now ?? Date.now)();

  async function verifyWith(pem: string) {
    const { payload } = await jwtVerify(jwt, (header: JWSHeaderParameters) => keyFor(pem, header.alg as string), {
      algorithms,
      audience: options.appId,
      issuer: options.issuer,
      clockTolerance: Math.floor(tolerance / 1000),
      currentDate: new Date(now),
      requiredClaims: ['exp'],
    });
    return payload;
  }

  let pem: string;
  try {
    pem = typeof source === 'string' ? source : await source.get();
  } catch (error) {
    const detail = error instanceof PodCertificateError ? error.message : 'the pod certificate could not be fetched';
    throw new UserJwtVerificationError('certificate', detail, { cause: error });
  }

  let claims: Awaited<ReturnType<typeof verifyWith>>;
  try {
    claims = await verifyWith(pem);
  } catch (error) {
    const refused = refusal(error);
    if (refused.reason !== 'signature' || typeof source === 'string') throw refused;
    // Signed by a key the cached certificate does not hold: the pod may have a new one.
    const fresh = await source.refresh();
    if (fresh === undefined || fresh === pem) throw refused;
    try {
      claims = await verifyWith(fresh);
    } catch (retryError) {
      throw refusal(retryError);
    }
  }
  // jose checks `iat` only against a maximum age; a token issued in the future is refused here.
  if (typeof claims.iat === 'number' && claims.iat * 1000 > now + tolerance) {
    throw new UserJwtVerificationError('not-yet-valid', 'its "iat" is in the future');
  }
  // jose has checked the signature of exactly these bytes; read them again without rounding ids.
  return userOf(losslessPayload(jwt), claims.exp as number, options.appId);
}
