/**
 * A virtual clock for the Node parts of the benchmark: replaces `setTimeout`, `setInterval`, their
 * `clear*` and `Date.now` on `globalThis`, so hours of polling run in seconds and every timer the
 * library leaves behind can be counted. `setImmediate`, `queueMicrotask` and promises stay real:
 * React's scheduler (setImmediate in Node) and the emulator's answers settle between timers, as
 * they do with vitest's fake timers in the test suite.
 */

interface VirtualTimer {
  readonly id: number;
  at: number;
  readonly fn: (...args: unknown[]) => void;
  readonly args: unknown[];
  readonly every: number | undefined;
}

/** What the fake timer functions return: Node code may call `unref()` on it, DOM code treats it as a number. */
class TimerHandle {
  constructor(readonly id: number) {}
  ref(): this {
    return this;
  }
  unref(): this {
    return this;
  }
  hasRef(): boolean {
    return true;
  }
  refresh(): this {
    return this;
  }
  [Symbol.toPrimitive](): number {
    return this.id;
  }
}

export interface VirtualClock {
  /** Current virtual time, ms since 1970. */
  now(): number;
  /** Timers waiting to fire (what a leak would show up in). */
  pending(): number;
  /** Timers fired since install. */
  fired(): number;
  /** Moves time forward by `ms`, firing every timer due on the way in order, settling promises after each. */
  advance(ms: number): Promise<void>;
  /** Lets promises, React's scheduler and I/O callbacks run without moving time. */
  settle(rounds?: number): Promise<void>;
  /** Puts the real timers and `Date.now` back. */
  uninstall(): void;
}

const realSetImmediate = globalThis.setImmediate;
const nextMacrotask = () => new Promise<void>((resolve) => realSetImmediate(resolve));

/** Installs the clock at `start` (ms since 1970). Only one may be installed at a time. */
export function installVirtualClock(start: number): VirtualClock {
  const real = {
    setTimeout: globalThis.setTimeout,
    clearTimeout: globalThis.clearTimeout,
    setInterval: globalThis.setInterval,
    clearInterval: globalThis.clearInterval,
    dateNow: Date.now,
  };
  let now = start;
  let seq = 0;
  let fired = 0;
  const timers = new Map<number, VirtualTimer>();
  // Min-heap of [at, id]; entries whose timer was cleared or moved are skipped when popped.
  const heap: Array<[number, number]> = [];
  const before = (a: [number, number], b: [number, number]) => a[0] < b[0] || (a[0] === b[0] && a[1] < b[1]);
  const push = (node: [number, number]) => {
    heap.push(node);
    for (let i = heap.length - 1; i > 0; ) {
      const parent = (i - 1) >> 1;
      if (!before(heap[i]!, heap[parent]!)) break;
      [heap[i], heap[parent]] = [heap[parent]!, heap[i]!];
      i = parent;
    }
  };
  const pop = () => {
    const top = heap[0];
    const last = heap.pop()!;
    if (heap.length > 0) {
      heap[0] = last;
      for (let i = 0; ; ) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < heap.length && before(heap[l]!, heap[m]!)) m = l;
        if (r < heap.length && before(heap[r]!, heap[m]!)) m = r;
        if (m === i) break;
        [heap[i], heap[m]] = [heap[m]!, heap[i]!];
        i = m;
      }
    }
    return top;
  };

  const add = (fn: unknown, ms: unknown, args: unknown[], repeat: boolean): TimerHandle => {
    if (typeof fn !== 'function') throw new TypeError('virtual clock: callback must be a function');
    const delay = Math.max(0, Number(ms) || 0);
    const id = ++seq;
    // Node and browsers run a 0 ms interval as 1 ms; a 0 ms one here would spin forever.
    timers.set(id, { id, at: now + delay, fn: fn as VirtualTimer['fn'], args, every: repeat ? Math.max(1, delay) : undefined });
    push([now + delay, id]);
    return new TimerHandle(id);
  };
  const clear = (handle: unknown): void => {
    if (handle === undefined || handle === null) return;
    timers.delete(Number(handle));
  };

  const g = globalThis as unknown as Record<string, unknown>;
  g.setTimeout = (fn: unknown, ms?: unknown, ...args: unknown[]) => add(fn, ms, args, false);
  g.setInterval = (fn: unknown, ms?: unknown, ...args: unknown[]) => add(fn, ms, args, true);
  g.clearTimeout = clear;
  g.clearInterval = clear;
  Date.now = () => now;

  /** The next timer due at or before `limit`: earliest time first, then creation order. */
  const nextDue = (limit: number): VirtualTimer | undefined => {
    while (heap.length > 0) {
      const [at, id] = heap[0]!;
      const timer = timers.get(id);
      if (!timer || timer.at !== at) {
        pop();
        continue;
      }
      if (at > limit) return undefined;
      pop();
      return timer;
    }
    return undefined;
  };

  const clock: VirtualClock = {
    now: () => now,
    pending: () => timers.size,
    fired: () => fired,
    async advance(ms) {
      const target = now + Math.max(0, ms);
      for (;;) {
        let timer = nextDue(target);
        if (!timer) break;
        now = Math.max(now, timer.at);
        // Timers due at the same instant run back to back (with promise jobs between them), then
        // the event loop turns once: thousands of pollers due together cost one turn, not thousands.
        const instant = now;
        while (timer) {
          if (timer.every !== undefined) {
            timer.at = now + timer.every;
            push([timer.at, timer.id]);
          } else timers.delete(timer.id);
          fired += 1;
          timer.fn(...timer.args);
          await null;
          timer = nextDue(instant);
        }
        await nextMacrotask();
      }
      now = target;
      await nextMacrotask();
    },
    async settle(rounds = 3) {
      for (let i = 0; i < rounds; i++) await nextMacrotask();
    },
    uninstall() {
      g.setTimeout = real.setTimeout;
      g.clearTimeout = real.clearTimeout;
      g.setInterval = real.setInterval;
      g.clearInterval = real.clearInterval;
      Date.now = real.dateNow;
      timers.clear();
      heap.length = 0;
    },
  };
  return clock;
}
