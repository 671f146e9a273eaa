import { QueryClient, type DataTag, type UseQueryResult } from '@tanstack/react-query';
import { describe, expectTypeOf, it } from 'vitest';
import {
  presenceQueries,
  presenceQueryKey,
  usePresence,
  usePresences,
  type PresenceView,
  type UsePresencesResult,
} from '../../src/hooks';
import type { CategoryValue, Presence, UserId } from '../../src/model';

describe('usePresence', () => {
  it('gives the presence view without select', () => {
    expectTypeOf(usePresence('12987981103204')).toEqualTypeOf<UseQueryResult<PresenceView, Error>>();
    expectTypeOf(usePresence().data).toEqualTypeOf<PresenceView | undefined>();
    expectTypeOf<PresenceView['isExternal']>().toEqualTypeOf<boolean | undefined>();
  });

  it("infers the data from select, and select receives the view", () => {
    const category = usePresence('12987981103204', { select: (p) => p.category });
    expectTypeOf(category.data).toEqualTypeOf<CategoryValue | undefined>();
    const external = usePresence(undefined, { select: (p) => p.isExternal === true });
    expectTypeOf(external.data).toEqualTypeOf<boolean | undefined>();
    usePresence('1', {
      select: (p) => {
        expectTypeOf(p).toEqualTypeOf<PresenceView>();
        return p;
      },
    });
  });

  it('takes ids as strings, bigints or safe numbers, and null for "nobody yet"', () => {
    usePresence(12987981103204n);
    usePresence(42);
    usePresence(null);
    // @ts-expect-error an object is not a user id
    usePresence({ id: '1' });
    // @ts-expect-error select must be a function of the view
    usePresence('1', { select: 'category' });
  });
});

describe('presenceQueries', () => {
  it('keys are readonly tuples under one root, the same ones presenceQueryKey gives', () => {
    expectTypeOf(presenceQueries.all()).toEqualTypeOf<readonly ['presence-widgets', 'presence']>();
    expectTypeOf(presenceQueryKey('self')).toExtend<readonly ['presence-widgets', 'presence', ...string[]]>();
    expectTypeOf(presenceQueryKey('12' as UserId)).toExtend<readonly ['presence-widgets', 'presence', ...string[]]>();
    expectTypeOf(presenceQueries.user('1').queryKey).toExtend<readonly unknown[]>();
  });

  it('tags the keys with the presence, so getQueryData needs no cast', () => {
    const client = new QueryClient();
    expectTypeOf(client.getQueryData(presenceQueries.user('1').queryKey)).toEqualTypeOf<Presence | undefined>();
    expectTypeOf(client.getQueryData(presenceQueries.self().queryKey)).toEqualTypeOf<Presence | undefined>();
    expectTypeOf(presenceQueries.self().queryKey).toExtend<DataTag<readonly unknown[], Presence, Error>>();
  });

  it('fetches a presence with prefetchQuery and fetchQuery', () => {
    const client = new QueryClient();
    expectTypeOf(client.fetchQuery(presenceQueries.user('1'))).resolves.toEqualTypeOf<Presence>();
  });
});

describe('usePresences', () => {
  it('returns maps keyed by user id, never a presence for an error', () => {
    const result = usePresences(['1', 2n, 3]);
    expectTypeOf(result).toEqualTypeOf<UsePresencesResult>();
    expectTypeOf(result.data).toEqualTypeOf<ReadonlyMap<UserId, PresenceView>>();
    expectTypeOf(result.errors).toEqualTypeOf<ReadonlyMap<UserId, Error>>();
    expectTypeOf(result.invalid).toEqualTypeOf<readonly unknown[]>();
    expectTypeOf(result.isPending).toEqualTypeOf<boolean>();
  });

  it('takes a read-only list and the pod-wide source', () => {
    const ids: readonly string[] = ['1'];
    usePresences(ids, { source: 'pod' });
    // @ts-expect-error one id is not a list
    usePresences('1');
  });
});
