import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { waitUntil } from '../support/waitUntil';

/** A port free right now on 127.0.0.1 (the OS picks it; the caller binds it next). */
export function freePort(): Promise<number> {
  return new Promise((done, fail) => {
    const server = createServer();
    server.once('error', fail);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => done(port));
    });
  });
}

/** A server process started by a test, with everything it printed. */
export interface StartedServer {
  readonly url: string;
  readonly output: () => string;
  stop(): Promise<void>;
}

/**
 * Starts `command` in `cwd` (in its own process group, so that `stop` ends the children it
 * spawns too) and waits until `url` answers.
 */
export async function startServer(command: string, args: string[], options: { cwd: string; url: string; env?: Record<string, string>; timeoutMs?: number }): Promise<StartedServer> {
  const child: ChildProcess = spawn(command, args, {
    cwd: options.cwd,
    env: { ...process.env, NEXT_TELEMETRY_DISABLED: '1', ...options.env },
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let log = '';
  child.stdout!.on('data', (chunk: Buffer) => (log += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (log += chunk.toString()));
  let exited = false;
  child.once('exit', () => (exited = true));
  const stop = async () => {
    if (exited || child.pid === undefined) return;
    try {
      process.kill(-child.pid, 'SIGTERM');
    } catch {
      return;
    }
    await waitUntil('server exit', 10_000, () => exited).catch(() => process.kill(-child.pid!, 'SIGKILL'));
  };
  try {
    await waitUntil(`${command} at ${options.url}`, options.timeoutMs ?? 60_000, async () => {
      if (exited) throw new Error(`${command} exited:\n${log}`);
      return fetch(options.url).then(
        () => true,
        () => false,
      );
    }, 250);
  } catch (error) {
    await stop();
    throw error;
  }
  return { url: options.url, output: () => log, stop };
}
