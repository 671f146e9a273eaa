import { describe, expect, it } from 'vitest';
import {
  GRAPH_PRESENCE_STATES,
  InvalidDurationError,
  InvalidGraphUserIdError,
  PRESENCE_CATEGORIES,
  SET_PRESENCE_PAIRS,
  USER_PREFERRED_PAIRS,
  aggregateGraphSessions,
  formatIsoDuration,
  graphUserKey,
  isSettableGraphPair,
  isUserId,
  isUserPreferredGraphPair,
  parseExpirationDuration,
  parseGraphPresence,
  precedenceRank,
  toGraphPair,
  toGraphUserId,
  toSymphonyCategory,
  type GraphPresencePair,
} from '../../src/model';

const p = (availability: string, activity: string): GraphPresencePair => ({ availability, activity });

/*
 * Written out by hand from the seed's permutations table and docs/graph.md, so that a wrong row in
 * src/model fails here.
 */
const TABLE_ROWS = [
  { state: 'Available', availability: 'Available', activity: 'Available', setPresence: true, category: 'AVAILABLE' },
  { state: 'Available, Out of Office', availability: 'Available', activity: 'OutOfOffice', setPresence: false, category: 'OUT_OF_OFFICE' },
  { state: 'Busy', availability: 'Busy', activity: 'Busy', setPresence: false, category: 'BUSY' },
  { state: 'In a call', availability: 'Busy', activity: 'InACall', setPresence: true, category: 'ON_THE_PHONE' },
  { state: 'In a meeting', availability: 'Busy', activity: 'InAMeeting', setPresence: false, category: 'IN_A_MEETING' },
  { state: 'In a call, out of office', availability: 'Busy', activity: 'InACall', setPresence: true, category: 'ON_THE_PHONE' },
  { state: 'Do not disturb', availability: 'DoNotDisturb', activity: 'DoNotDisturb', setPresence: false, category: 'BUSY' },
  { state: 'Presenting', availability: 'DoNotDisturb', activity: 'Presenting', setPresence: true, category: 'BUSY' },
  { state: 'Focusing', availability: 'DoNotDisturb', activity: 'Focusing', setPresence: false, category: 'BUSY' },
  { state: 'Away', availability: 'Away', activity: 'Away', setPresence: true, category: 'AWAY' },
  { state: 'Be right back', availability: 'BeRightBack', activity: 'BeRightBack', setPresence: false, category: 'BE_RIGHT_BACK' },
  { state: 'Appear offline', availability: 'Offline', activity: 'OffWork', setPresence: false, category: 'OFFLINE' },
  { state: 'Status unknown', availability: 'PresenceUnknown', activity: 'PresenceUnknown', setPresence: false, category: 'UNDEFINED' },
  { state: 'Out of Office', availability: 'OutOfOffice', activity: 'OutOfOffice', setPresence: false, category: 'OUT_OF_OFFICE' },
] as const;

describe('Graph presence states table', () => {
  it('has the seed rows in order', () => {
    expect(GRAPH_PRESENCE_STATES.map((r) => r.teamsState)).toEqual(TABLE_ROWS.map((r) => r.state));
  });

  it.each(TABLE_ROWS)('$state ($availability/$activity) maps to $category', ({ availability, activity, category }) => {
    expect(toSymphonyCategory(p(availability, activity))).toBe(category);
  });

  it.each(TABLE_ROWS)('$state: setPresence accepts the pair: $setPresence', ({ availability, activity, setPresence }) => {
    expect(isSettableGraphPair(p(availability, activity))).toBe(setPresence);
  });

  it('every "compatible: Yes" row is settable by setPresence or setUserPreferredPresence, and no "No" row is', () => {
    for (const row of GRAPH_PRESENCE_STATES) {
      const settable = isSettableGraphPair(row) || isUserPreferredGraphPair(row);
      // "In a call, out of office" shares its pair with "In a call"; the OOF part is what cannot be set.
      expect(settable && !row.outOfOffice, row.teamsState).toBe(row.compatible);
    }
  });

  it('event-only rows are exactly the out-of-office and meeting ones', () => {
    expect(GRAPH_PRESENCE_STATES.filter((r) => r.eventOnly).map((r) => r.teamsState)).toEqual([
      'Available, Out of Office',
      'In a meeting',
      'In a call, out of office',
      'Out of Office',
    ]);
  });

  it('lists the five setPresence pairs and six user-preferred pairs', () => {
    expect(SET_PRESENCE_PAIRS.map((x) => `${x.availability}/${x.activity}`)).toEqual([
      'Available/Available',
      'Busy/InACall',
      'Busy/InAConferenceCall',
      'Away/Away',
      'DoNotDisturb/Presenting',
    ]);
    expect(USER_PREFERRED_PAIRS).toHaveLength(6);
  });
});

describe('toSymphonyCategory beyond the table', () => {
  it.each([
    ['Available', 'AvailableInactive', 'AVAILABLE'],
    ['AvailableIdle', 'Available', 'AWAY'],
    ['BusyIdle', 'Busy', 'AWAY'],
    ['Busy', 'InAConferenceCall', 'ON_THE_PHONE'],
    ['Busy', 'SomethingNew', 'BUSY'],
    ['DoNotDisturb', 'UrgentInterruptionsOnly', 'BUSY'],
    ['Away', 'OutOfOffice', 'OUT_OF_OFFICE'],
    ['Offline', 'Offline', 'OFFLINE'],
    ['Tentative', 'Busy', 'Tentative'],
  ])('%s/%s -> %s', (availability, activity, category) => {
    expect(toSymphonyCategory(p(availability, activity))).toBe(category);
  });
});

describe('toGraphPair', () => {
  const SESSION: Record<string, string | undefined> = {
    AVAILABLE: 'Available/Available',
    ON_THE_PHONE: 'Busy/InACall',
    AWAY: 'Away/Away',
  };
  const PREFERRED: Record<string, string | undefined> = {
    AVAILABLE: 'Available/Available',
    BUSY: 'Busy/Busy',
    DO_NOT_DISTURB: 'DoNotDisturb/DoNotDisturb',
    ON_THE_PHONE: 'Busy/Busy',
    IN_A_MEETING: 'Busy/Busy',
    BE_RIGHT_BACK: 'BeRightBack/BeRightBack',
    AWAY: 'Away/Away',
    OFF_WORK: 'Offline/OffWork',
    OFFLINE: 'Offline/OffWork',
  };
  const show = (x: GraphPresencePair | undefined) => (x ? `${x.availability}/${x.activity}` : undefined);

  it.each(PRESENCE_CATEGORIES.map((c) => [c, SESSION[c]]))('setPresence: %s -> %s', (category, expected) => {
    const pair = toGraphPair(category);
    expect(show(pair)).toBe(expected);
    if (pair) expect(isSettableGraphPair(pair)).toBe(true);
  });

  it.each(PRESENCE_CATEGORIES.map((c) => [c, PREFERRED[c]]))('userPreferred: %s -> %s', (category, expected) => {
    const pair = toGraphPair(category, 'userPreferred');
    expect(show(pair)).toBe(expected);
    if (pair) expect(isUserPreferredGraphPair(pair)).toBe(true);
  });

  it('round-trips every category setPresence can express', () => {
    for (const [category] of Object.entries(SESSION)) expect(toSymphonyCategory(toGraphPair(category)!)).toBe(category);
  });

  it('has nothing for unknown or prototype names', () => {
    expect(toGraphPair('SOMETHING')).toBeUndefined();
    expect(toGraphPair('constructor')).toBeUndefined();
  });
});

describe('parseExpirationDuration', () => {
  it.each([
    ['PT5M', 5 * 60_000],
    ['PT300S', 5 * 60_000],
    ['PT1H', 3_600_000],
    ['PT90M', 90 * 60_000],
    ['PT1H30M', 90 * 60_000],
    ['PT4H', 4 * 3_600_000],
    ['PT240M', 4 * 3_600_000],
  ])('%s is %i ms', (text, ms) => {
    expect(parseExpirationDuration(text)).toBe(ms);
  });

  it.each([
    ['PT4M59S', 'range'],
    ['PT4H1S', 'range'],
    ['P1D', 'range'],
    ['PT0S', 'range'],
    ['PT', 'format'],
    ['P', 'format'],
    ['1H', 'format'],
    ['', 'format'],
    ['PT-5M', 'format'],
    ['P1M', 'format'],
    ['pt1h', 'format'],
    [300000, 'format'],
    [undefined, 'format'],
  ])('%j is refused (%s)', (text, reason) => {
    let caught: unknown;
    try {
      parseExpirationDuration(text);
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(InvalidDurationError);
    expect((caught as InvalidDurationError).reason).toBe(reason);
    expect((caught as Error).message).toMatch(/PT/);
  });

  it.each([
    [300_000, 'PT5M'],
    [3_600_000, 'PT1H'],
    [5_400_000, 'PT1H30M'],
    [86_400_000, 'P1D'],
    [0, 'PT0S'],
  ])('formatIsoDuration(%i) is %s', (ms, text) => {
    expect(formatIsoDuration(ms)).toBe(text);
  });
});

describe('aggregateGraphSessions', () => {
  const DND = p('DoNotDisturb', 'Presenting');
  const BUSY = p('Busy', 'InACall');
  const AVAIL = p('Available', 'Available');
  const AWAY = p('Away', 'Away');
  const BRB = p('BeRightBack', 'BeRightBack');

  it.each([
    ['DoNotDisturb over Busy', [BUSY, DND], DND],
    ['Busy over Available', [AVAIL, BUSY], BUSY],
    ['Available over Away', [AWAY, AVAIL], AVAIL],
    ['DoNotDisturb over everything', [AWAY, AVAIL, BUSY, DND], DND],
    ['a tie keeps the earlier session', [AWAY, BRB], AWAY],
    ['no session is Offline', [], p('Offline', 'Offline')],
  ])('%s', (_name, sessions, expected) => {
    expect(aggregateGraphSessions(sessions)).toEqual(expected);
  });

  it('a user-preferred presence overrides every session', () => {
    expect(aggregateGraphSessions([DND, BUSY], AWAY)).toEqual(AWAY);
  });

  it('a user-preferred presence has no effect without a session', () => {
    expect(aggregateGraphSessions([], AVAIL)).toEqual(p('Offline', 'Offline'));
  });
});

describe('precedenceRank', () => {
  it('orders Symphony categories by the Graph precedence', () => {
    const order = ['DO_NOT_DISTURB', 'BUSY', 'AVAILABLE', 'AWAY', 'OUT_OF_OFFICE', 'OFFLINE', 'UNDEFINED'];
    const ranks = order.map((category) => precedenceRank({ category }));
    expect([...ranks].sort((a, b) => b - a)).toEqual(ranks);
    expect(new Set(ranks).size).toBe(ranks.length);
  });

  it.each([
    ['ON_THE_PHONE', 'BUSY'],
    ['IN_A_MEETING', 'BUSY'],
    ['BE_RIGHT_BACK', 'AWAY'],
    ['OFF_WORK', 'OFFLINE'],
    ['SOMETHING_NEW', 'UNDEFINED'],
    ['constructor', 'UNDEFINED'],
  ])('%s ranks like %s', (a, b) => {
    expect(precedenceRank({ category: a })).toBe(precedenceRank({ category: b }));
  });

  it('ranks a Graph presence by its availability, not its mapped category', () => {
    const dnd = precedenceRank({ category: 'BUSY', graph: { availability: 'DoNotDisturb' } });
    expect(dnd).toBeGreaterThan(precedenceRank({ category: 'BUSY' }));
    expect(dnd).toBe(precedenceRank({ category: 'DO_NOT_DISTURB' }));
  });
});

describe('parseGraphPresence', () => {
  it('reads a presence resource', () => {
    const r = parseGraphPresence({
      id: 'FA8BF3DC-ECA7-46B7-BAD1-DB199B62AFC3',
      availability: 'Busy',
      activity: 'InACall',
      outOfOfficeSettings: { message: 'Back Monday', isOutOfOffice: true },
    });
    expect(r).toEqual({
      ok: true,
      value: {
        id: 'fa8bf3dc-eca7-46b7-bad1-db199b62afc3',
        availability: 'Busy',
        activity: 'InACall',
        outOfOffice: true,
        outOfOfficeMessage: 'Back Monday',
        isKnown: true,
      },
    });
  });

  it('keeps unknown values and defaults a missing activity', () => {
    const r = parseGraphPresence({ availability: 'Tentative' });
    expect(r.ok && r.value).toMatchObject({ availability: 'Tentative', activity: 'PresenceUnknown', isKnown: false, outOfOffice: false });
  });

  it.each([
    ['not an object', []],
    ['no availability', { activity: 'Away' }],
    ['numeric activity', { availability: 'Away', activity: 3 }],
    ['bad id', { id: 'alice@contoso.com', availability: 'Away' }],
  ])('fails on %s without quoting the body', (_name, raw) => {
    const r = parseGraphPresence(raw);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.reason).not.toContain('contoso');
  });
});

describe('Graph user ids and keys', () => {
  it('validates GUIDs and lower-cases them', () => {
    expect(toGraphUserId('FA8BF3DC-ECA7-46B7-BAD1-DB199B62AFC3')).toBe('fa8bf3dc-eca7-46b7-bad1-db199b62afc3');
    expect(() => toGraphUserId('alice@contoso.com')).toThrow(InvalidGraphUserIdError);
    expect(() => toGraphUserId('../me/presence')).toThrow(InvalidGraphUserIdError);
    expect(() => toGraphUserId(42)).toThrow(InvalidGraphUserIdError);
    try {
      toGraphUserId('alice@contoso.com');
    } catch (error) {
      expect((error as Error).message).not.toContain('alice');
    }
  });

  it('folds a GUID into a stable, valid engine key', () => {
    const key = graphUserKey('fa8bf3dc-eca7-46b7-bad1-db199b62afc3');
    expect(isUserId(key)).toBe(true);
    expect(graphUserKey('FA8BF3DC-ECA7-46B7-BAD1-DB199B62AFC3')).toBe(key);
    expect(graphUserKey('1a2b3c4d-0000-4000-8000-000000000002')).not.toBe(key);
    expect(BigInt(key)).toBeLessThan(1n << 62n);
  });
});
