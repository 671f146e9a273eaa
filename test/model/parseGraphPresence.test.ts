import { afterEach, describe, expect, it, vi } from 'vitest';
import { PresenceApiError } from '../../src/client';
import { activeStatusMessage, htmlToText, parseGraphDateTime, parseGraphPresence, parseGraphStatusMessage } from '../../src/model';
import { ADELE, GRAPH_URL, MINUTE, T0, graphAdapter, graphClient, graphFetch, setupGraph } from '../support/graphHarness';
import { createGraphClient } from '../../src/client';
import { DEFAULT_GRAPH_APP_ID, DEFAULT_GRAPH_TOKEN } from '../../src/mock-pod';

afterEach(() => {
  vi.useRealTimers();
});

describe('Graph statusMessage: reading', () => {
  it('reads a text message with its UTC expiry (seven fractional digits) and publish time', () => {
    const parsed = parseGraphPresence({
      availability: 'Busy',
      activity: 'InACall',
      statusMessage: {
        message: { content: 'On the Lisbon desk this week', contentType: 'text' },
        expiryDateTime: { dateTime: '2026-11-30T17:00:00.1234567', timeZone: 'UTC' },
        publishedDateTime: '2026-11-30T08:00:00Z',
      },
      outOfOfficeSettings: { message: null, isOutOfOffice: false },
    });
    expect(parsed.ok && parsed.value.statusMessage).toEqual({
      text: 'On the Lisbon desk this week',
      expiresAt: Date.UTC(2026, 10, 30, 17, 0, 0, 123),
      publishedAt: Date.UTC(2026, 10, 30, 8),
    });
  });

  it('turns an HTML message into text, never markup', () => {
    expect(htmlToText('<p>Back at <b>2pm</b> &amp; on call</p><script>alert(1)</script>')).toBe('Back at 2pm & on call alert(1)');
    expect(htmlToText('a&lt;b&gt;&#65;&#x42;&bogus;')).toBe('a<b>AB&bogus;');
    expect(parseGraphStatusMessage({ message: { content: '<div>Hi<br>there</div>', contentType: 'html' } })?.text).toBe('Hi there');
  });

  it.each([
    [null],
    [{}],
    [{ message: { content: '   ', contentType: 'text' } }],
    [{ message: { content: 42 } }],
  ])('no message for %j', (raw) => {
    expect(parseGraphStatusMessage(raw)).toBeUndefined();
  });

  it('reads only UTC expiries; year 9999 means none', () => {
    expect(parseGraphDateTime({ dateTime: '2026-11-30T17:00:00', timeZone: 'Pacific Standard Time' })).toBeUndefined();
    expect(parseGraphDateTime({ dateTime: '9999-12-31T23:59:59.9999999', timeZone: 'UTC' })).toBeUndefined();
    expect(parseGraphDateTime({ dateTime: 'soon', timeZone: 'UTC' })).toBeUndefined();
  });

  it('an expired message is not shown', () => {
    const m = { text: 'x', expiresAt: T0, publishedAt: undefined };
    expect(activeStatusMessage(m, T0 - 1)).toBe(m);
    expect(activeStatusMessage(m, T0)).toBeUndefined();
    expect(activeStatusMessage({ ...m, expiresAt: undefined }, T0 + 1e12)).toBeDefined();
  });
});

describe('Graph statusMessage: setting', () => {
  it('the client sends setStatusMessage as Graph documents it', async () => {
    const graph = setupGraph({ users: [{ id: ADELE, displayName: 'Adele Vance' }], defaultUserId: ADELE });
    const sent: Request[] = [];
    const client = createGraphClient({
      graphUrl: GRAPH_URL,
      sessionId: DEFAULT_GRAPH_APP_ID,
      getAccessToken: () => DEFAULT_GRAPH_TOKEN,
      fetch: graphFetch(graph, (r) => sent.push(r)),
    });
    await client.setStatusMessage({ userId: ADELE, message: 'Lunch', expiresAt: T0 + 30 * MINUTE });
    expect(sent[0]!.url).toBe(`${GRAPH_URL}/users/${ADELE}/presence/setStatusMessage`);
    expect(await sent[0]!.json()).toEqual({
      statusMessage: {
        message: { content: 'Lunch', contentType: 'text' },
        expiryDateTime: { dateTime: '2026-11-25T09:30:00.000', timeZone: 'UTC' },
      },
    });
    await expect(client.setStatusMessage({ userId: ADELE, message: 'x'.repeat(281) })).rejects.toBeInstanceOf(PresenceApiError);
  });

  it('the emulator shows the message until it expires; the adapter carries it and the out-of-office reply', async () => {
    const graph = setupGraph({ users: [{ id: ADELE, displayName: 'Adele Vance' }], defaultUserId: ADELE });
    const adapter = graphAdapter(graph);
    const after = await adapter.setOwnStatusMessage({ message: 'In Lisbon', expiresAt: T0 + 30 * MINUTE });
    expect(after.graph?.statusMessage).toMatchObject({ text: 'In Lisbon', expiresAt: T0 + 30 * MINUTE });
    expect(graph.getUser(ADELE)?.statusMessage?.text).toBe('In Lisbon');

    graph.setEvent(ADELE, 'oof', true, { message: 'Back on Monday' });
    const oof = await adapter.getOwnPresence();
    expect(oof.graph).toMatchObject({ outOfOffice: true, outOfOfficeMessage: 'Back on Monday' });

    vi.advanceTimersByTime(30 * MINUTE);
    expect((await graphClient(graph).getPresence(ADELE)).statusMessage).toBeUndefined();

    await adapter.setOwnStatusMessage({ message: 'Never expires' });
    expect((await adapter.getOwnPresence()).graph?.statusMessage).toMatchObject({ text: 'Never expires', expiresAt: undefined });
    await adapter.setOwnStatusMessage({ message: '' });
    expect((await adapter.getOwnPresence()).graph?.statusMessage).toBeUndefined();
  });

  it('a delegated token may not set someone else\'s message', async () => {
    const other = '1a2b3c4d-0000-4000-8000-000000000009';
    const graph = setupGraph({
      users: [
        { id: ADELE, displayName: 'Adele Vance' },
        { id: other, displayName: 'Other' },
      ],
      defaultUserId: ADELE,
    });
    await expect(graphClient(graph).setStatusMessage({ userId: other, message: 'hi' })).rejects.toMatchObject({ kind: 'forbidden' });
  });
});
