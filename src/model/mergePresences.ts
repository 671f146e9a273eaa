import type { CategoryValue } from './categories';
import { precedenceRank } from './graphPrecedence';

/** How {@link mergePresences} chooses. */
export interface MergeOptions<P> {
  /**
   * Rank of a presence; the highest wins.
   * @default precedenceRank (Graph's precedence applied to both platforms)
   */
  rank?: ((presence: P) => number) | undefined;
  /**
   * Which source wins a tie in rank when the timestamps cannot decide it (one or both missing,
   * or equal). Graph presences carry no time of their own.
   * @default 'symphony'
   */
  preferOnTie?: 'symphony' | 'graph' | undefined;
}

/**
 * The presence to show for a person seen on several platforms: the highest rank, then the
 * freshest `timestamp`, then `preferOnTie`. Returns `undefined` for an empty list.
 */
export function mergePresences<
  P extends { readonly category: CategoryValue; readonly timestamp: number | undefined; readonly source?: 'symphony' | 'graph' | undefined; readonly graph?: { readonly availability: string } | undefined },
>(candidates: readonly P[], options: MergeOptions<P> = {}): P | undefined {
  const rank = options.rank ?? precedenceRank;
  const prefer = options.preferOnTie ?? 'symphony';
  let best: P | undefined;
  let bestRank = -Infinity;
  for (const p of candidates) {
    const r = rank(p);
    if (best === undefined || r > bestRank) {
      best = p;
      bestRank = r;
      continue;
    }
    if (r < bestRank) continue;
    const a = best.timestamp;
    const b = p.timestamp;
    if (a !== undefined && b !== undefined && a !== b) {
      if (b > a) best = p;
    } else if ((p.source ?? 'symphony') === prefer && (best.source ?? 'symphony') !== prefer) {
      best = p;
    }
  }
  return best;
}
