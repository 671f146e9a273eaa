/** What every emulator's fault spec has in common. */
export interface FaultSpecBase<Route extends string> {
  route?: Route | '*' | undefined;
  times?: number | undefined;
  probability?: number | undefined;
  latencyMs?: number | undefined;
}

/** A fault waiting for its next matching request. */
export interface ActiveFault<Spec, Id> {
  readonly spec: Readonly<Spec>;
  readonly userId: Id | undefined;
  remaining: number;
}

/** Throws for a latency that cannot be waited; returns it otherwise. */
export function checkLatency(ms: number, what: string): number {
  if (!Number.isFinite(ms) || ms < 0) throw new RangeError(`${what} must be a finite number >= 0`);
  return ms;
}

/**
 * The injected faults of an emulator (Symphony pod or Graph), tried in the order they were
 * added; the first that matches a request fires and counts down its `times`.
 */
export function createFaultList<Route extends string, Spec extends FaultSpecBase<Route> & { userId?: unknown }, Id>(
  toId: (raw: NonNullable<Spec['userId']>) => Id,
  random: () => number,
) {
  let faults: Array<ActiveFault<Spec, Id>> = [];
  return {
    /** The public `faults` object of the emulator. */
    api: {
      add(spec: Spec): () => void {
        if (spec.latencyMs !== undefined) checkLatency(spec.latencyMs, 'fault latencyMs');
        const fault: ActiveFault<Spec, Id> = {
          spec: Object.freeze({ ...spec }),
          userId: spec.userId === undefined || spec.userId === null ? undefined : toId(spec.userId as NonNullable<Spec['userId']>),
          remaining: spec.times ?? Infinity,
        };
        if (fault.remaining > 0) faults.push(fault);
        return () => {
          faults = faults.filter((f) => f !== fault);
        };
      },
      clear(): void {
        faults = [];
      },
      list(): readonly Spec[] {
        return faults.map((f) => Object.freeze({ ...f.spec, times: f.remaining }));
      },
    },
    /**
     * The first fault for `route` that concerns one of the ids `about` gives for it (faults
     * without a user concern every request), drawn against its probability.
     */
    take(route: Route, about: (spec: Readonly<Spec>) => readonly Id[]): ActiveFault<Spec, Id> | undefined {
      for (const fault of faults) {
        const { spec } = fault;
        if (spec.route !== undefined && spec.route !== '*' && spec.route !== route) continue;
        if (fault.userId !== undefined && !about(spec).includes(fault.userId)) continue;
        if (spec.probability !== undefined && random() >= spec.probability) continue;
        fault.remaining -= 1;
        if (fault.remaining <= 0) faults = faults.filter((f) => f !== fault);
        return fault;
      }
      return undefined;
    },
  };
}
