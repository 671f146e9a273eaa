import { QueryClient } from '@tanstack/react-query';
import { act, cleanup, fireEvent, render } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { PresenceAvatar, PresenceBadge, PresenceProvider, PresenceUiProvider, StatusPicker } from '../../src/components';
import { configurePresence, getPresenceEngine } from '../../src/elements';
import { PRESENCE_CATEGORIES, type PresenceCategory } from '../../src/model';
import { SECOND, podClient, setupPod, usersOf } from '../sync/harness';

afterEach(() => {
  cleanup();
  document.body.replaceChildren();
  getPresenceEngine()?.destroy();
  vi.useRealTimers();
});

/** A node as text with attributes sorted: the two renderers may write them in another order. */
function canonical(node: Node): string {
  if (node.nodeType === Node.TEXT_NODE) return JSON.stringify(node.textContent);
  const element = node as Element;
  const attributes = [...element.attributes].map((a) => `${a.name}=${JSON.stringify(a.value)}`).sort();
  const children = [...element.childNodes].map(canonical);
  return `<${element.tagName.toLowerCase()} ${attributes.join(' ')}>${children.join('')}</>`;
}

function element(tag: string, attributes: Record<string, string>): HTMLElement {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) node.setAttribute(name, value);
  document.body.append(node);
  return node;
}

const flush = (ms = SECOND) => act(() => vi.advanceTimersByTimeAsync(ms));

describe('one markup for both renderers', () => {
  const cases: Array<[string, Record<string, string>, Parameters<typeof PresenceBadge>[0]]> = [];
  for (const category of [...PRESENCE_CATEGORIES, 'SOMETHING_NEW']) {
    cases.push([`${category}`, { category }, { category }]);
    cases.push([`${category} external, labelled`, { category, view: 'external', 'show-label': '' }, { category, view: 'external', showLabel: true }]);
  }
  for (const status of ['loading', 'error', 'forbidden', 'not-found'] as const) {
    cases.push([`status ${status}`, { status }, { status }]);
  }
  cases.push(['size large, French', { category: 'BUSY', size: 'large', locale: 'fr' }, { category: 'BUSY', size: 'large', locale: 'fr' }]);
  cases.push(['18 px', { category: 'AWAY', size: '18' }, { category: 'AWAY', size: 18 }]);
  cases.push(['own label', { category: 'AWAY', label: 'Gone fishing' }, { category: 'AWAY', label: 'Gone fishing' }]);

  it.each(cases)('<presence-badge> draws what <PresenceBadge> draws: %s', (_name, attributes, props) => {
    // In a UI provider, as under PresenceProvider: a bare React badge has no language tables but English.
    const { container } = render(
      <PresenceUiProvider>
        <PresenceBadge {...props} />
      </PresenceUiProvider>,
    );
    const fromReact = canonical(container.firstElementChild!);
    const fromElement = canonical(element('presence-badge', attributes).firstElementChild!);
    expect(fromElement).toBe(fromReact);
  });

  it.each([
    ['initials, with a badge', { name: 'Ada Lovelace', category: 'BUSY', size: '48' }, { name: 'Ada Lovelace', category: 'BUSY' as PresenceCategory, size: 48 as const }],
    ['picture, no badge', { name: 'Grace Hopper', src: '/g.png' }, { name: 'Grace Hopper', src: '/g.png' }],
  ])('<presence-avatar> draws what <PresenceAvatar> draws: %s', (_name, attributes, props) => {
    const { container } = render(<PresenceAvatar {...props} />);
    expect(canonical(element('presence-avatar', attributes).firstElementChild!)).toBe(canonical(container.firstElementChild!));
  });
});

/**
 * The picker's frame, which the stylesheet places the list by: each node's tag, class and role,
 * down to the button and the list (whose insides the two renderers draw alike but not node for
 * node: the React button also holds the width sizers), and the list's placement attributes.
 */
function pickerFrame(node: Element): string {
  const role = node.getAttribute('role');
  const placement = node.getAttribute('role') === 'listbox' ? ` side=${node.getAttribute('data-side')} align=${node.getAttribute('data-align')}` : '';
  const head = `${node.tagName.toLowerCase()}.${node.className}${role ? `[${role}]` : ''}${placement}`;
  if (role === 'combobox' || role === 'listbox' || node.children.length === 0) return head;
  return `${head}(${[...node.children].map(pickerFrame).join(', ')})`;
}

describe('one frame for both pickers', () => {
  it('<presence-status-picker> nests its button and list in the anchor the stylesheet places the list against, as <StatusPicker> does', () => {
    const { container } = render(<StatusPicker />);
    const fromReact = pickerFrame(container.firstElementChild!);
    const fromElement = pickerFrame(element('presence-status-picker', {}).firstElementChild!);
    expect(fromReact).toBe(
      'span.pw-picker(span.pw-picker__anchor(button.pw-picker__trigger[combobox], span.pw-listbox[listbox] side=bottom align=end), span.pw-picker__status[status])',
    );
    expect(fromElement).toBe(fromReact);
  });
});

describe('connected to the engine', () => {
  function setup() {
    const pod = setupPod();
    const client = podClient(pod);
    return { pod, client, ...usersOf(pod) };
  }

  it('shows loading until configured, then the live status, and follows changes', async () => {
    const { pod, client, internal } = setup();
    const id = internal[0]!;
    pod.setUserPresence(id, 'BUSY');
    const badge = element('presence-badge', { 'user-id': id, 'show-label': '' });
    expect(badge.querySelector('.pw-badge')).toHaveAttribute('data-status', 'loading');
    configurePresence({ client, crossTab: false, options: { random: () => 0.5 } });
    await flush();
    expect(badge.querySelector('.pw-badge')).toHaveAttribute('data-category', 'BUSY');
    expect(badge).toHaveTextContent('Busy');
    pod.setUserPresence(id, 'AWAY');
    await flush(61 * SECOND);
    expect(badge.querySelector('.pw-badge')).toHaveAttribute('data-category', 'AWAY');
  });

  it('an invalid id or a missing user is an error state, never a status', async () => {
    const { client } = setup();
    configurePresence({ client, crossTab: false });
    const bad = element('presence-badge', { 'user-id': '../admin' });
    const missing = element('presence-badge', { 'user-id': '12987981100001' });
    await flush();
    expect(bad.querySelector('.pw-badge')).toHaveAttribute('data-status', 'error');
    expect(bad.querySelector('[role=img]')).toHaveAccessibleName('Status unavailable');
    expect(missing.querySelector('.pw-badge')).toHaveAttribute('data-status', 'not-found');
  });

  it('retains users while in the document and releases them when removed', async () => {
    const { client, internal } = setup();
    const engine = configurePresence({ client, crossTab: false });
    const badges = internal.slice(0, 3).map((id) => element('presence-badge', { 'user-id': id }));
    badges.push(element('presence-badge', { 'user-id': internal[0]! }));
    await flush();
    expect(engine.stats().retained).toBe(3);
    for (const b of badges) b.remove();
    expect(engine.stats().retained).toBe(0);
  });

  it('shares one engine with React widgets on the page: one read per user between them', async () => {
    const { pod, client, internal } = setup();
    const id = internal[0]!;
    const engine = configurePresence({ client, crossTab: false });
    render(
      <PresenceProvider engine={engine} queryClient={new QueryClient()}>
        <PresenceBadge userId={id} data-testid="react" />
      </PresenceProvider>,
    );
    const custom = element('presence-badge', { 'user-id': id });
    await flush();
    expect(custom.querySelector('.pw-badge')).toHaveAttribute('data-category', pod.getUser(id)!.category as string);
    expect(document.querySelector('[data-testid=react]')).toHaveAttribute('data-category', pod.getUser(id)!.category as string);
    expect(pod.reads(id)).toHaveLength(1);
    // And one per refresh after that, not one per renderer.
    await flush(60 * SECOND);
    expect(pod.reads(id)).toHaveLength(2);
  });

  it('the picker sets the own presence with the keyboard and rolls back with an announced error', async () => {
    const { pod, client } = setup();
    configurePresence({ client, crossTab: false });
    const picker = element('presence-status-picker', {});
    await flush();
    const button = picker.querySelector('button')!;
    expect(button).toHaveAttribute('role', 'combobox');
    expect(button).toHaveAttribute('data-category', pod.getUser(pod.defaultUserId)!.category as string);
    button.focus();
    fireEvent.keyDown(button, { key: 'Home' });
    expect(button).toHaveAttribute('aria-expanded', 'true');
    fireEvent.keyDown(button, { key: 'b' });
    const active = picker.querySelector(`#${button.getAttribute('aria-activedescendant')}`)!;
    expect(active).toHaveAttribute('data-category', 'BUSY');
    fireEvent.keyDown(button, { key: 'Enter' });
    await flush();
    expect(pod.getUser(pod.defaultUserId)!.chosenCategory).toBe('BUSY');
    expect(button).toHaveAttribute('data-category', 'BUSY');
    expect(document.activeElement).toBe(button);

    pod.faults.add({ route: 'setOwn', status: 500, times: 10 });
    fireEvent.click(button);
    fireEvent.click(picker.querySelector('[data-category=AWAY]')!);
    await flush(30 * SECOND);
    expect(button).toHaveAttribute('data-category', 'BUSY');
    expect(picker.querySelector('[role=status]')).toHaveTextContent('Could not change status');
  });

  it('the picker says it is loading while the own presence is read, like the React picker, and never "Saving status…"', async () => {
    const { pod, client } = setup();
    pod.faults.add({ route: 'getOwn', latencyMs: 3 * SECOND, times: 1 });
    configurePresence({ client, crossTab: false });
    const picker = element('presence-status-picker', {});
    const button = picker.querySelector('button')!;
    await flush(10);
    expect(picker.querySelector('[role=status]')).toHaveTextContent('Loading status');
    expect(button).toHaveAccessibleDescription('Loading status');
    expect(button).toHaveAttribute('aria-busy', 'true');
    await flush(5 * SECOND);
    expect(button).toHaveAttribute('data-category', pod.getUser(pod.defaultUserId)!.category as string);
    expect(picker.querySelector('[role=status]')).toHaveTextContent('');
    expect(button).not.toHaveAttribute('aria-describedby');
    expect(button).not.toHaveAttribute('aria-busy');
  });
});
