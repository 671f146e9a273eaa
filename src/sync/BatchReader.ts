import { GRAPH_BATCH_MAX, PresenceApiError } from '../client';
import type { Presence, UserId } from '../model';
import type { SyncState, Waiter } from './SyncState';

/**
 * Batched reads, for sources with `getUsersPresence` (Graph, and sources without external
 * rules): reads that fall due within the registration window go out as one request, in chunks
 * of the source's `maxBatch`.
 */
export class BatchReader {
  readonly #queue = new Map<UserId, Waiter[]>();
  #timer: ReturnType<typeof setTimeout> | undefined;

  readonly #state: SyncState;

  constructor(state: SyncState) {
    this.#state = state;
  }

  get hasTimer(): boolean {
    return this.#timer !== undefined;
  }

  /**
   * Queues a read of `id`; it settles with the batch it goes out in, or fails when `signal`
   * aborts (the request timeout: a batch that never answers must not hold its users forever).
   */
  read(id: UserId, signal: AbortSignal): Promise<Presence> {
    return new Promise<Presence>((resolve, reject) => {
      const list = this.#queue.get(id) ?? [];
      list.push({ resolve, reject });
      this.#queue.set(id, list);
      signal.addEventListener('abort', () => reject(signal.reason));
      if (this.#timer) return;
      this.#timer = setTimeout(() => {
        this.#timer = undefined;
        void this.#flush();
      }, this.#state.options.registrationWindowMs);
    });
  }

  /** Drops the pending timer (the engine is destroyed). */
  stop(): void {
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = undefined;
  }

  async #flush(): Promise<void> {
    const queued = new Map(this.#queue);
    this.#queue.clear();
    const ids = [...queued.keys()];
    const client = this.#state.client;
    const size = Math.max(1, client.capabilities?.maxBatch ?? GRAPH_BATCH_MAX);
    for (let i = 0; i < ids.length; i += size) {
      const chunk = ids.slice(i, i + size);
      try {
        const answers = await client.getUsersPresence!(chunk);
        const byId = new Map(answers.map((p) => [p.userId, p]));
        for (const id of chunk) {
          const found = byId.get(id);
          const missing = new PresenceApiError({ kind: 'not-found', status: 404, endpoint: 'batch presence read' });
          for (const w of queued.get(id) ?? []) {
            if (found) w.resolve(found);
            else w.reject(missing);
          }
        }
      } catch (error) {
        for (const id of chunk) for (const w of queued.get(id) ?? []) w.reject(error);
      }
    }
  }
}
