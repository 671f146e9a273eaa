import {
  graphUserKey,
  isKnownCategory,
  isSettableGraphPair,
  isUserPreferredGraphPair,
  parseGraphPairKey,
  parseGraphUserId,
  toGraphPair,
  toGraphUserId,
  toSymphonyCategory,
  InvalidGraphUserIdError,
  type GraphPresence,
  type GraphSetTarget,
  type GraphUserId,
  type Presence,
  type UserId,
  type UserIdInput,
} from '../../model';
import { PresenceApiError } from '../PresenceApiError';
import type { CallOptions, PresenceClientCapabilities, SetPresenceInput, SymphonyClient } from '../types';
import { GRAPH_BATCH_MAX } from './createGraphClient';
import type { GraphClient } from './types';

/** Options of {@link createGraphPresenceClient}. */
export interface GraphPresenceClientOptions {
  /**
   * The signed-in user's object id. Without it the id is learned from `GET /me/presence` the
   * first time it is needed (one extra call before the first set).
   */
  meId?: string | undefined;
  /**
   * Which Graph call `setOwnPresence` makes: `setPresence` sets this app's presence session (it
   * fades and expires unless renewed: keep it with `keepGraphPresence`), `userPreferred` sets the
   * user's own choice (what a person picking a status in Teams does; it lasts 1 or 7 days).
   * @default 'setPresence'
   */
  setVia?: GraphSetTarget | undefined;
  /**
   * `expirationDuration` sent by `setOwnPresence` through `setPresence` (PT5M..PT4H).
   * @default 'PT1H'
   */
  expirationDuration?: string | undefined;
  /** Time source for the observed-change timestamps, ms since 1970. @default Date.now */
  now?: (() => number) | undefined;
}

/**
 * A Graph-backed source with the Symphony client's interface, so the sync engine, hooks and
 * components work on Graph unchanged. See {@link createGraphPresenceClient}.
 */
export interface GraphPresenceClient extends SymphonyClient {
  /** The Graph client underneath, for session keeping and the calls Symphony has no name for. */
  readonly graph: GraphClient;
  readonly capabilities: Required<PresenceClientCapabilities>;
  /** Which Graph call `setOwnPresence` makes (see {@link GraphPresenceClientOptions.setVia}). */
  readonly setVia: GraphSetTarget;
  /**
   * The engine key of a Graph user: accepts the GUID (or a key this client gave out before).
   * Throws `InvalidGraphUserIdError` for anything else.
   */
  toKey(userId: UserIdInput): UserId;
  /** The GUID behind an engine key, once that key was handed out by {@link toKey} or a read. */
  graphIdOf(key: UserIdInput): GraphUserId | undefined;
  /** Batch read through getPresencesByUserId (chunked at 650 ids). */
  getUsersPresence(userIds: readonly UserId[], options?: CallOptions): Promise<Presence[]>;
  /**
   * Sets the signed-in user's status message (an empty one clears it) and reads their presence
   * back, so the caller can show what Graph now says.
   */
  setOwnStatusMessage(input: { message: string; expiresAt?: number | undefined }, options?: CallOptions): Promise<Presence>;
}

interface Observed {
  state: string;
  changedAt: number | undefined;
}

const ENDPOINT_LIST = 'GET /v2/users/presence';
const ENDPOINT_SET = 'POST /users/{id}/presence/setPresence';
const ENDPOINT_PREFERRED = 'POST /users/{id}/presence/setUserPreferredPresence';

/**
 * Adapts a {@link GraphClient} to the `SymphonyClient` interface the sync engine polls:
 *
 * - `getOwnPresence` reads `/me/presence`; `getUserPresence` and the batch read
 *   `getUsersPresence` read `/users/{id}/presence` and getPresencesByUserId. Each answer becomes a
 *   `Presence` whose `category` is `toSymphonyCategory(pair)`, with `source: 'graph'` and Graph's
 *   own state in `graph`.
 * - Graph ids are GUIDs, the engine keys people by int64 ids: `toKey` folds a GUID into a
 *   deterministic 62-bit key (`graphUserKey`) and this client keeps the table back to the GUID.
 *   `Presence.userId` is that key; `Presence.graph.id` the GUID.
 * - Graph sends no time with a presence. `timestamp` is the time this client first saw the
 *   current state replace another one (an upper bound of when it changed), and `undefined` for a
 *   state seen since the first read, rather than a made-up "since".
 * - `setOwnPresence` maps the category with `toGraphPair(category, setVia)`, or takes a pair key
 *   such as `Busy/InAConferenceCall` (`graphPairKey`) as it is; anything the target call does not
 *   accept is rejected as `bad-request` before any request. It then reads the result back.
 * - `registerInterest` does nothing (Graph has no such rule); the pod-wide listing does not exist
 *   on Graph and rejects as `bad-request`.
 * - `capabilities.externalLimits` is false, so the engine applies none of Symphony's
 *   external-user rules; `maxBatch` is 650.
 */
export function createGraphPresenceClient(graph: GraphClient, options: GraphPresenceClientOptions = {}): GraphPresenceClient {
  const setVia: GraphSetTarget = options.setVia ?? 'setPresence';
  const expirationDuration = options.expirationDuration ?? 'PT1H';
  const now = options.now ?? Date.now;
  let meId: GraphUserId | undefined = options.meId === undefined ? undefined : toGraphUserId(options.meId);
  const byKey = new Map<UserId, GraphUserId>();
  const byGuid = new Map<GraphUserId, UserId>();
  const observed = new Map<GraphUserId, Observed>();

  function register(guid: GraphUserId): UserId {
    const known = byGuid.get(guid);
    if (known) return known;
    let key = graphUserKey(guid);
    // Two GUIDs folding to one key is astronomically rare; step past it rather than mix people up.
    while (byKey.has(key) && byKey.get(key) !== guid) key = (BigInt(key) + 1n).toString() as UserId;
    byKey.set(key, guid);
    byGuid.set(guid, key);
    return key;
  }

  function guidOf(input: UserIdInput): GraphUserId | undefined {
    if (typeof input === 'string') {
      const guid = parseGraphUserId(input);
      if (guid) return guid;
    }
    return byKey.get(String(input) as UserId);
  }

  function toPresence(p: GraphPresence, guid: GraphUserId): Presence {
    const state = `${p.availability}/${p.activity}/${p.outOfOffice}`;
    const seen = observed.get(guid);
    let changedAt = seen?.changedAt;
    if (seen && seen.state !== state) changedAt = now();
    observed.set(guid, { state, changedAt });
    const category = toSymphonyCategory(p);
    return {
      userId: register(guid),
      category,
      isUnknown: !isKnownCategory(category),
      timestamp: changedAt,
      source: 'graph',
      graph: {
        availability: p.availability,
        activity: p.activity,
        outOfOffice: p.outOfOffice,
        id: guid,
        statusMessage: p.statusMessage,
        outOfOfficeMessage: p.outOfOffice ? p.outOfOfficeMessage : undefined,
      },
    };
  }

  function unknownKey(endpoint: string): PresenceApiError {
    return new PresenceApiError({
      kind: 'bad-request',
      status: 0,
      endpoint,
      cause: new InvalidGraphUserIdError('an engine key this Graph client never handed out'),
    });
  }

  async function readOwn(call: CallOptions): Promise<Presence> {
    const p = meId ? await graph.getPresence(meId, call) : await graph.getMyPresence(call);
    const guid = p.id ?? meId;
    if (!guid) {
      throw new PresenceApiError({
        kind: 'invalid-response',
        status: 200,
        endpoint: 'GET /me/presence',
        cause: new Error('presence has no "id" and no meId was given'),
      });
    }
    meId = guid;
    return toPresence(p, guid);
  }

  const unsupported = (what: string) =>
    Promise.reject(
      new PresenceApiError({
        kind: 'bad-request',
        status: 0,
        endpoint: ENDPOINT_LIST,
        cause: new Error(`Microsoft Graph has no ${what}`),
      }),
    );

  return {
    podUrl: graph.graphUrl,
    graph,
    capabilities: { externalLimits: false, maxBatch: GRAPH_BATCH_MAX },
    setVia,

    toKey(userId: UserIdInput): UserId {
      const guid = guidOf(userId);
      if (!guid) {
        throw new InvalidGraphUserIdError(
          typeof userId === 'string' ? `a ${userId.length}-character string that is not a GUID` : `a ${typeof userId}`,
        );
      }
      return register(guid);
    },

    graphIdOf: (key: UserIdInput) => byKey.get(String(key) as UserId),

    async setOwnStatusMessage(input, call = {}) {
      if (!meId) await readOwn(call);
      await graph.setStatusMessage({ userId: meId as GraphUserId, message: input.message, expiresAt: input.expiresAt }, call);
      return readOwn(call);
    },

    getOwnPresence: (call: CallOptions = {}) => readOwn(call),

    async getUserPresence(userId: UserIdInput, call: CallOptions = {}) {
      const guid = guidOf(userId);
      if (!guid) throw unknownKey('GET /users/{id}/presence');
      return toPresence(await graph.getPresence(guid, call), guid);
    },

    async getUsersPresence(userIds: readonly UserId[], call: CallOptions = {}) {
      const guids: GraphUserId[] = [];
      for (const key of userIds) {
        const guid = guidOf(key);
        if (guid) guids.push(guid);
      }
      const answers = await graph.getPresences(guids, call);
      // Users Graph left out are absent here too; the engine reports them as not found.
      return answers.flatMap((p) => (p.id ? [toPresence(p, p.id)] : []));
    },

    async setOwnPresence(input: SetPresenceInput, call: CallOptions = {}) {
      const endpoint = setVia === 'userPreferred' ? ENDPOINT_PREFERRED : ENDPOINT_SET;
      const category: unknown = input?.category;
      // A pair key ('Busy/InAConferenceCall') sets that pair; a Symphony category is mapped.
      const asked = parseGraphPairKey(category) ?? (typeof category === 'string' ? toGraphPair(category, setVia) : undefined);
      const accepted = setVia === 'userPreferred' ? isUserPreferredGraphPair(asked) : isSettableGraphPair(asked);
      const target = accepted ? asked : undefined;
      if (!target) {
        throw new PresenceApiError({
          kind: 'bad-request',
          status: 0,
          endpoint,
          cause: new RangeError(`category ${String(category)} has no Graph pair ${setVia} accepts`),
        });
      }
      if (!meId) await readOwn(call);
      const id = meId as GraphUserId;
      if (setVia === 'userPreferred') {
        await graph.setUserPreferredPresence({ userId: id, ...target }, call);
      } else {
        await graph.setPresence({ userId: id, ...target, expirationDuration }, call);
      }
      try {
        // What others see is the aggregate of every session, which may differ from what was set.
        return await readOwn(call);
      } catch {
        return toPresence({ id, ...target, outOfOffice: false, outOfOfficeMessage: undefined, isKnown: true }, id);
      }
    },

    async registerInterest() {
      // Graph has no interest registration; nothing to do.
    },

    listPresence: () => unsupported('pod-wide presence listing'),
    listAllPresence: () => unsupported('pod-wide presence listing'),
  };
}

/** True for a client made by {@link createGraphPresenceClient} (checked by shape, so bundle copies count). */
export function isGraphPresenceClient(client: unknown): client is GraphPresenceClient {
  if (typeof client !== 'object' || client === null) return false;
  const c = client as Partial<GraphPresenceClient>;
  return typeof c.graph === 'object' && c.graph !== null && typeof c.toKey === 'function' && typeof c.graphIdOf === 'function';
}
