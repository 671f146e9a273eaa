import { readLimited, TOO_LARGE } from './readLimited';

/** Options of {@link createPodCertificateSource}. */
export interface PodCertificateSourceOptions {
  /** The pod's API base URL, e.g. `https://acme.symphony.com/pod`; the certificate is `GET {podUrl}/v1/podcert`. */
  podUrl: string;
  /** fetch used to call the pod. @default globalThis.fetch */
  fetch?: typeof fetch | undefined;
  /** Time the pod has to answer. @default 10000 */
  timeoutMs?: number | undefined;
  /**
   * Shortest time between two refreshes of the certificate. A JWT signed by a key the cached
   * certificate does not hold makes the source fetch again, but not more often than this, so a
   * stream of forged tokens cannot turn into a stream of calls to the pod.
   * @default 60000
   */
  minRefreshIntervalMs?: number | undefined;
  /** Time source, ms since 1970. @default Date.now */
  now?: (() => number) | undefined;
}

/** The pod certificate, fetched once and kept until a token needs a newer one. */
export interface PodCertificateSource {
  /** The certificate in PEM; fetched on the first call, cached after. Rejects when the pod cannot give it. */
  get(): Promise<string>;
  /**
   * Fetches the certificate again (the pod renewed it) and returns it, or `undefined` when the
   * last fetch is younger than `minRefreshIntervalMs` or the pod cannot give it.
   */
  refresh(): Promise<string | undefined>;
}

/** The pod could not give its certificate. Its message names the URL path, never a token. */
export class PodCertificateError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'PodCertificateError';
  }
}

const MAX_CERTIFICATE_ANSWER = 64 * 1024;
const PEM_CERTIFICATE = /^-----BEGIN CERTIFICATE-----\r?\n?[A-Za-z0-9+/=\r\n]+-----END CERTIFICATE-----\s*$/;

/**
 * Where {@link verifyUserJwt} gets the pod certificate from: `GET {podUrl}/v1/podcert`
 * (`{"certificate": "-----BEGIN CERTIFICATE-----..."}`), fetched on first use, cached, and fetched
 * again when a token's signature does not match it (at most once per `minRefreshIntervalMs`).
 * Concurrent callers share one fetch. The call carries no token: the endpoint is public.
 */
export function createPodCertificateSource(options: PodCertificateSourceOptions): PodCertificateSource {
  let base: URL;
  try {
    base = new URL(options.podUrl);
  } catch {
    throw new TypeError('createPodCertificateSource: podUrl must be an absolute http(s) URL');
  }
  if (base.protocol !== 'http:' && base.protocol !== 'https:') {
    throw new TypeError('createPodCertificateSource: podUrl must be an absolute http(s) URL');
  }
  const url = `${base.href.replace(/\/+$/, '')}/v1/podcert`;
  const timeoutMs = options.timeoutMs ?? 10_000;
  const minRefreshIntervalMs = options.minRefreshIntervalMs ?? 60_000;
  const now = options.now ?? Date.now;
  let cached: Promise<string> | undefined;
  // The first fetch does not count: a token under a renewed key right after start-up must still work.
  let lastRefresh = Number.NEGATIVE_INFINITY;

  async function load(): Promise<string> {
    const fetchImpl = options.fetch ?? globalThis.fetch;
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(new DOMException('The pod did not answer in time', 'TimeoutError')), timeoutMs);
    try {
      let response: Response;
      try {
        response = await fetchImpl(url, { headers: { accept: 'application/json' }, redirect: 'error', signal: controller.signal });
      } catch (error) {
        throw new PodCertificateError('Could not reach the pod for its certificate (GET /v1/podcert)', { cause: error });
      }
      const bytes = await readLimited(response.body, MAX_CERTIFICATE_ANSWER);
      if (!response.ok) throw new PodCertificateError(`GET /v1/podcert answered ${response.status}`);
      if (bytes === TOO_LARGE) throw new PodCertificateError('GET /v1/podcert answered more than 64 KiB');
      let certificate: unknown;
      try {
        certificate = (JSON.parse(new TextDecoder().decode(bytes)) as { certificate?: unknown }).certificate;
      } catch {
        certificate = undefined;
      }
      if (typeof certificate !== 'string' || !PEM_CERTIFICATE.test(certificate.trim())) {
        throw new PodCertificateError('GET /v1/podcert did not answer {"certificate": "<PEM>"}');
      }
      return certificate.trim();
    } finally {
      clearTimeout(timer);
    }
  }

  function start(): Promise<string> {
    const previous = cached;
    const pending = load();
    cached = pending;
    // A failed fetch is not kept: the certificate before it stays, or the next caller tries again.
    pending.catch(() => {
      if (cached === pending) cached = previous;
    });
    return pending;
  }

  return {
    get: () => cached ?? start(),
    async refresh() {
      if (now() - lastRefresh < minRefreshIntervalMs) return cached?.catch(() => undefined);
      lastRefresh = now();
      return start().catch(() => undefined);
    },
  };
}
