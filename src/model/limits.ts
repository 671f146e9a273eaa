/**
 * Symphony's numeric rules, defined once: the engine, the client, the server proxy and the
 * emulator all import them from here. Each cites its rule in shared/SEED-RULES.md.
 */

/** SYM-RI-6: "Getting an external user's presence is limited to one call every 5 minutes." */
export const EXTERNAL_READ_GAP_MS = 5 * 60_000;

/** SYM-RI-4: "To keep the registration active, call this endpoint every hour." */
export const INTEREST_TTL_MS = 60 * 60_000;

/** Spec, GET /v2/users/presence `limit`: at most 5000 users a page. */
export const LIST_LIMIT_MAX = 5000;

/** Spec, GET /v2/users/presence `limit`: 1000 when none is given. */
export const LIST_LIMIT_DEFAULT = 1000;
