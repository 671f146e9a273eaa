/**
 * The render benchmark page: the same 1,000 badges drawn by our PresenceBadge, by Fluent UI's
 * PresenceBadge (inside its FluentProvider, as Fluent requires) and by a bare span + SVG. The Node
 * driver (renderBench.ts) calls `window.__bench` and reads the heap over CDP between calls.
 */
import { FluentProvider, PresenceBadge as FluentPresenceBadge, webLightTheme, type PresenceBadgeStatus } from '@fluentui/react-components';
import type { ReactElement } from 'react';
import { flushSync } from 'react-dom';
import { createRoot, type Root } from 'react-dom/client';
import { PresenceBadge } from '../../../src/components';
import '../../../src/components/presence-widgets.css';
import { PRESENCE_CATEGORIES, type PresenceCategory } from '../../../src/model';
import { BareBadge } from './BareBadge';
import { roster } from './rosterBench';

export type Candidate = 'ours' | 'fluent' | 'bare';

/** The closest Fluent status for each Symphony category. */
const FLUENT: Readonly<Record<PresenceCategory, { status: PresenceBadgeStatus; outOfOffice?: boolean }>> = {
  UNDEFINED: { status: 'unknown' },
  AVAILABLE: { status: 'available' },
  BUSY: { status: 'busy' },
  DO_NOT_DISTURB: { status: 'do-not-disturb' },
  ON_THE_PHONE: { status: 'busy' },
  BE_RIGHT_BACK: { status: 'away' },
  IN_A_MEETING: { status: 'busy' },
  AWAY: { status: 'away' },
  OUT_OF_OFFICE: { status: 'out-of-office' },
  OFF_WORK: { status: 'offline', outOfOffice: true },
  OFFLINE: { status: 'offline' },
};

function List({ candidate, count, shift }: { candidate: Candidate; count: number; shift: number }): ReactElement {
  const items: ReactElement[] = [];
  for (let i = 0; i < count; i++) {
    const category = PRESENCE_CATEGORIES[(i + shift) % PRESENCE_CATEGORIES.length]!;
    if (candidate === 'ours') items.push(<PresenceBadge key={i} category={category} />);
    else if (candidate === 'fluent') items.push(<FluentPresenceBadge key={i} {...FLUENT[category]} />);
    else items.push(<BareBadge key={i} category={category} />);
  }
  return candidate === 'fluent' ? <FluentProvider theme={webLightTheme}>{items}</FluentProvider> : <div>{items}</div>;
}

let root: Root | undefined;
let container: HTMLElement | undefined;
let current: { candidate: Candidate; count: number } | undefined;

/** Milliseconds in all, and of those in React (render and commit) before style and layout. */
export interface Timing {
  totalMs: number;
  reactMs: number;
}

/** Renders synchronously, then forces style and layout, so the time covers what the user waits for. */
function timed(render: () => void): Timing {
  const start = performance.now();
  flushSync(render);
  const rendered = performance.now();
  void document.body.offsetHeight;
  return { totalMs: performance.now() - start, reactMs: rendered - start };
}

const bench = {
  /** Mounts `count` badges into a fresh root. */
  mount(candidate: Candidate, count: number, shift: number): Timing {
    container = document.createElement('div');
    document.body.append(container);
    const r = createRoot(container);
    root = r;
    current = { candidate, count };
    return timed(() => r.render(<List candidate={candidate} count={count} shift={shift} />));
  },
  /** Gives every badge another category. */
  update(shift: number): Timing {
    const r = root;
    const c = current;
    if (!r || !c) throw new Error('nothing mounted');
    return timed(() => r.render(<List candidate={c.candidate} count={c.count} shift={shift} />));
  },
  /** How many badges are on screen and how many distinct accessible names they have. */
  inspect(): { badges: number; names: number } {
    const badges = container ? [...container.querySelectorAll('[role="img"]')] : [];
    return { badges: badges.length, names: new Set(badges.map((b) => b.getAttribute('aria-label'))).size };
  },
  unmount(): void {
    root?.unmount();
    container?.remove();
    root = undefined;
    container = undefined;
    current = undefined;
  },
};

declare global {
  interface Window {
    __bench: typeof bench;
  }
}
window.__bench = bench;
// The roster refresh scenario, in the same page and build (registered here: the package marks
// only stylesheets as having side effects, so a bare import would be dropped).
window.__roster = roster;
