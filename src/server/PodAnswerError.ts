/**
 * A pod answer the browser does not get as it was (a 5xx, or a body that is not JSON), with what
 * it held, for the app's logs through `onError`. The token is redacted from `body`.
 */
export class PodAnswerError extends Error {
  readonly status: number;
  readonly contentType: string | null;
  /** The first 2 KiB of the body, token redacted. */
  readonly body: string;
  constructor(status: number, contentType: string | null, body: string) {
    super(`The pod answered ${status} (${contentType ?? 'no content type'}); the browser got a generic error`);
    this.name = 'PodAnswerError';
    this.status = status;
    this.contentType = contentType;
    this.body = body;
  }
}
