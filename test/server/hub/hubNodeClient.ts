import { readEvents } from './hubTestUtils';

/** What a simulated page saw: every presence with the (real) time it arrived. */
export interface ReceivedPresence {
  readonly userId: string;
  readonly category: string;
  readonly at: number;
  /** When the hub's read behind it was sent. */
  readonly observedAt: number;
  /** When the stream it came on was ready. */
  readonly streamReadyAt: number;
}

/**
 * A page's hub connection over real HTTP, in Node: one stream (fetch streaming, the token in a
 * header), reconnecting to the next node after a drop with its whole subscription in the query,
 * as the browser source does.
 */
export interface SimulatedViewer {
  readonly received: ReceivedPresence[];
  readonly latest: Map<string, string>;
  /** Times at which the stream dropped and a new one was ready. */
  readonly reconnects: Array<{ droppedAt: number; readyAt: number }>;
  /** Opened streams, including the first. */
  readonly opened: number;
  /** Non-200 answers to stream requests. */
  readonly refusals: number[];
  stop(): Promise<void>;
}

export function startViewer(options: {
  nodes: () => readonly string[];
  token: string;
  /** Header the token travels in. @default 'x-test-token' */
  tokenHeader?: string;
  ids: readonly string[];
  mountPath?: string;
  reconnectDelayMs?: number;
  onPresence?: (presence: ReceivedPresence) => void;
  firstNode?: number;
  /** Keep every presence in `received` (tests); the benchmark only counts them. @default true */
  keepReceived?: boolean;
}): SimulatedViewer {
  const received: ReceivedPresence[] = [];
  const latest = new Map<string, string>();
  const reconnects: Array<{ droppedAt: number; readyAt: number }> = [];
  const refusals: number[] = [];
  let opened = 0;
  let stopped = false;
  let controller: AbortController | undefined;
  let nodeIndex = options.firstNode ?? 0;
  let droppedAt: number | undefined;
  const mount = options.mountPath ?? '/api/presence-hub';

  const loop = (async () => {
    while (!stopped) {
      const nodes = options.nodes();
      const base = nodes[nodeIndex % nodes.length]!;
      controller = new AbortController();
      try {
        const response = await fetch(`${base}${mount}/stream?ids=${options.ids.join(',')}`, {
          headers: { [options.tokenHeader ?? 'x-test-token']: options.token },
          signal: controller.signal,
        });
        if (response.status !== 200 || !response.body) {
          refusals.push(response.status);
          await response.body?.cancel();
        } else {
          opened += 1;
          let readyAt = Date.now();
          const reading = readEvents(response.body, (event) => {
            const t = Date.now();
            if (event.event === 'ready') {
              readyAt = t;
              if (droppedAt !== undefined) reconnects.push({ droppedAt, readyAt: t });
              droppedAt = undefined;
            }
            if (event.event !== 'presence') return;
            for (const p of event.data as Array<{ userId: string; category: string; observedAt: number }>) {
              const seen = { userId: p.userId, category: p.category, at: t, observedAt: p.observedAt, streamReadyAt: readyAt };
              if (options.keepReceived !== false) received.push(seen);
              latest.set(p.userId, p.category);
              options.onPresence?.(seen);
            }
          });
          await reading.done;
        }
      } catch {
        // Connection refused or reset: the next node.
      }
      if (stopped) break;
      droppedAt ??= Date.now();
      nodeIndex += 1;
      await new Promise((resolve) => setTimeout(resolve, options.reconnectDelayMs ?? 50));
    }
  })();

  return {
    received,
    latest,
    reconnects,
    get opened() {
      return opened;
    },
    refusals,
    async stop() {
      stopped = true;
      controller?.abort();
      await loop;
    },
  };
}
