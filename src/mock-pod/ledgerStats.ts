/** Request counts by route and by status over an emulator's ledger. */
export function ledgerStats<Route extends string>(ledger: ReadonlyArray<{ route: Route; status: number }>) {
  const byRoute: Partial<Record<Route, number>> = {};
  const byStatus: Record<number, number> = {};
  for (const e of ledger) {
    byRoute[e.route] = (byRoute[e.route] ?? 0) + 1;
    byStatus[e.status] = (byStatus[e.status] ?? 0) + 1;
  }
  return { requests: ledger.length, byRoute, byStatus };
}
