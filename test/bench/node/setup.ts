/**
 * First import of every Node part of the benchmark: a jsdom document and the virtual clock must
 * exist before React, React DOM and TanStack Query are evaluated (React DOM keeps a reference to
 * `setTimeout` from its first evaluation).
 */
import { installDom } from './domEnvironment';
import { T0 } from './podAdapter';
import { RESULT_MARKER } from './resultMarker';
import { installVirtualClock } from './virtualClock';

installDom();

/** The process's one virtual clock, starting at the suite's epoch. */
export const clock = installVirtualClock(T0);

/** Hands the part's result to run.ts on stdout. */
export function printResult(result: unknown): void {
  process.stdout.write(`${RESULT_MARKER}${JSON.stringify(result)}\n`);
}

/** Heap in use after two full collections (needs `--expose-gc`; `undefined` without it). */
export function heapAfterGc(): number | undefined {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (!gc) return undefined;
  gc();
  gc();
  return process.memoryUsage().heapUsed;
}
