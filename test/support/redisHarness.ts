import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createServer } from 'node:net';
import { createClient } from 'redis';

/** The same real redis-server the guard store's tests start (test/server/redisGuardStore.test.ts, test/server/hub, the hub benchmark). */
export const REDIS_SERVER = '/usr/bin/redis-server';
export const hasRedis = existsSync(REDIS_SERVER);

/** A free port: bind to 0, read it, let go (redis-server cannot pick one itself). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => resolve(port));
    });
  });
}

/** A redis-server child process that can be killed and started again on the same port. */
export interface RedisProcess {
  readonly port: number;
  /** Kills it hard (SIGKILL: no save, like a crash) and waits for it to exit. */
  kill(): Promise<void>;
  /** Starts it again on the same port, empty. */
  start(): void;
  stop(): Promise<void>;
}

export async function startRedis(): Promise<RedisProcess> {
  const port = await freePort();
  let child: ChildProcess | undefined;
  const start = () => {
    child = spawn(REDIS_SERVER, ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: 'ignore' });
  };
  const kill = async (signal: NodeJS.Signals) => {
    const current = child;
    if (!current || current.exitCode !== null || current.signalCode !== null) return;
    const exited = new Promise((resolve) => current.once('exit', resolve));
    current.kill(signal);
    await exited;
  };
  start();
  return { port, start, kill: () => kill('SIGKILL'), stop: () => kill('SIGTERM') };
}

/**
 * A node-redis client that retries while redis-server starts and reconnects after a restart
 * (every 50 ms), as a production client would be configured.
 */
export async function connectRedis(port: number) {
  for (let attempt = 0; ; attempt++) {
    const client = createClient({ socket: { host: '127.0.0.1', port, reconnectStrategy: () => 50 } });
    client.on('error', () => undefined);
    try {
      await client.connect();
      return client;
    } catch (error) {
      await client.destroy?.();
      if (attempt > 100) throw error;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }
}

export type RedisClient = Awaited<ReturnType<typeof connectRedis>>;
