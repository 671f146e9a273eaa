import { connect } from 'node:net';

/** An answer read off the wire. */
export interface RawAnswer {
  /** Status code, or 0 when the server closed without answering. */
  readonly status: number;
  readonly head: string;
  readonly body: string;
  /** Milliseconds until the server closed the connection (or the wait ended). */
  readonly closedAfterMs: number;
}

/**
 * Sends bytes as they are (no client-side checks of method, target or headers) and reads the
 * answer until the server closes or `timeoutMs` passes. For request targets and methods that
 * `fetch` and `http.request` refuse to send.
 */
export function rawHttp(port: number, request: string | Buffer, options: { timeoutMs?: number; keepWriting?: Buffer } = {}): Promise<RawAnswer> {
  const timeoutMs = options.timeoutMs ?? 5000;
  return new Promise((resolve) => {
    const started = Date.now();
    const chunks: Buffer[] = [];
    const socket = connect(port, '127.0.0.1');
    let writer: ReturnType<typeof setInterval> | undefined;
    let done = false;
    const finish = () => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      if (writer) clearInterval(writer);
      // Interim answers (100 Continue) come before the real one.
      const text = Buffer.concat(chunks).toString('latin1').replace(/^(HTTP\/1\.[01] 1\d\d[^\r]*\r\n(?:[^\r]+\r\n)*\r\n)+/, '');
      const split = text.indexOf('\r\n\r\n');
      const head = split === -1 ? text : text.slice(0, split);
      const status = Number(/^HTTP\/1\.[01] (\d{3})/.exec(head)?.[1] ?? 0);
      resolve({ status, head, body: split === -1 ? '' : text.slice(split + 4), closedAfterMs: Date.now() - started });
    };
    const timer = setTimeout(() => {
      socket.destroy();
      finish();
    }, timeoutMs);
    socket.on('connect', () => {
      socket.write(request);
      // A slow, endless upload: a chunk every 10 ms until the server closes.
      if (options.keepWriting) writer = setInterval(() => socket.writable && socket.write(options.keepWriting as Buffer), 10);
    });
    socket.on('data', (chunk) => chunks.push(chunk));
    socket.on('error', () => undefined);
    socket.on('close', finish);
  });
}
