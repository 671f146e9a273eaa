/**
 * Visual references: the badge matrix, avatars with initials, the open picker and PresenceRoster,
 * in the light and dark themes and right to left, compared with
 * the PNGs committed in __screenshots__/visual.test.tsx/ (1% of pixels may differ, for
 * anti-aliasing between machines).
 *
 * Update them on purpose with `npx vitest run --project browser test/browser/visual.test.tsx -u`
 * and look at the new files before committing. Without a reference, a local run writes one and
 * fails; a CI run (CI=true) fails without writing, so a forgotten reference cannot pass.
 */
import { render } from '@testing-library/react';
import type { ReactElement, ReactNode } from 'react';
import { beforeAll, describe, expect, it } from 'vitest';
import { page } from 'vitest/browser';
import '../../src/components/presence-widgets.css';
import {
  AVATAR_SIZES,
  PresenceAvatar,
  PresenceBadge,
  PresenceRoster,
  PresenceUiProvider,
  StatusPicker,
  graphPresenceUi,
  type PresenceRosterPerson,
  type PresenceStatus,
} from '../../src/components';
import { PRESENCE_CATEGORIES, type CategoryValue } from '../../src/model';

type Theme = 'light' | 'dark';
const THEMES: readonly Theme[] = ['light', 'dark'];
/** Theme and direction: both themes left to right, and the light theme right to left. */
const VARIANTS = ['light', 'dark', 'light-rtl'] as const;
const SIZES = ['small', 'medium', 'large'] as const;
const VIEWS = ['internal', 'external'] as const;

/** Tolerance for anti-aliasing differences between machines; a wrong colour or glyph changes far more. */
const SCREENSHOT_OPTIONS = {
  comparatorName: 'pixelmatch',
  comparatorOptions: { allowedMismatchedPixelRatio: 0.01 },
} as const;

/** Rows of the matrix: every category, a value this library does not know, and the non-data states. */
const MATRIX_ROWS: readonly { name: string; category?: CategoryValue; status?: PresenceStatus }[] = [
  ...PRESENCE_CATEGORIES.map((category) => ({ name: category, category })),
  { name: 'SOMETHING_NEW (unknown)', category: 'SOMETHING_NEW' },
  { name: 'loading', status: 'loading' },
  { name: 'error', status: 'error' },
  { name: 'forbidden', status: 'forbidden' },
  { name: 'not-found', status: 'not-found' },
];

/** 30 fixed people for the roster; categories cycle through every state a roster can show. */
const ROSTER_NAMES = [
  'Aisha Okafor', 'Akira Tanaka', 'Alejandro Garcia', 'Amara Nguyen', 'Anders Hansen', 'Beatriz Costa',
  'Camille Dubois', 'Chen Wang', 'Chiara Rossi', 'Daniel Becker', 'Dmitri Petrov', 'Elena Popescu',
  'Emeka Adeyemi', 'Fatima Rahman', 'Felix Wagner', 'Freya Larsen', 'Hana Sato', 'Ibrahim Haddad',
  'Ines Fernandes', 'Ji-woo Kim', 'Kwame Abebe', 'Laila Khan', 'Lucia Lopez', 'Mei Zhang',
  'Niamh Murphy', "Omar N'Diaye", 'Priya Patel', 'Rafael Silva', 'Sofia Torres', 'Yusuf Singh',
] as const;
const ROSTER_STATES: readonly { category?: CategoryValue; status?: PresenceStatus }[] = [
  ...PRESENCE_CATEGORIES.map((category) => ({ category })),
  { category: 'SOMETHING_NEW' },
  { status: 'loading' },
  { status: 'error' },
];

// A picture that needs no network, so that the image path of the avatar is covered too.
const PORTRAIT = `data:image/svg+xml,${encodeURIComponent(
  '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 64 64"><rect width="64" height="64" fill="#3b6ea8"/>' +
    '<circle cx="32" cy="25" r="12" fill="#f2d0b5"/><path d="M10 64c2-14 11-20 22-20s20 6 22 20z" fill="#1f3550"/></svg>',
)}`;

/**
 * A themed, fixed-font panel. Animations are stopped (the loading spinner would never give a
 * stable screenshot) and the font is one Debian ships, so renders do not depend on the machine's
 * default fonts.
 */
function Frame({ theme, testId, children, dir }: { theme: Theme; testId: string; children: ReactNode; dir?: 'rtl' }): ReactElement {
  return (
    <PresenceUiProvider locale="en-GB" graph={graphPresenceUi}>
      <style>{'.visual-frame *, .visual-frame *::before { animation: none !important; transition: none !important; }'}</style>
      <div
        className="visual-frame"
        data-testid={testId}
        data-pw-theme={theme}
        dir={dir}
        style={{
          display: 'inline-block',
          padding: 16,
          background: 'var(--pw-surface)',
          color: 'var(--pw-text)',
          fontFamily: "'DejaVu Sans', sans-serif",
          fontSize: 14,
          lineHeight: 1.4,
        }}
      >
        {children}
      </div>
    </PresenceUiProvider>
  );
}

const cell = { padding: '4px 8px', textAlign: 'start', whiteSpace: 'nowrap' } as const;

function BadgeMatrix({ theme }: { theme: Theme }): ReactElement {
  return (
    <Frame theme={theme} testId="badge-matrix">
      <table style={{ borderCollapse: 'collapse' }}>
        <thead>
          <tr>
            <th scope="col" style={cell}>
              State
            </th>
            {VIEWS.map((view) => (
              <th scope="colgroup" colSpan={SIZES.length + 1} key={view} style={cell}>
                {view} view: small, medium, large, label
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {MATRIX_ROWS.map((row) => (
            <tr key={row.name}>
              <th scope="row" style={{ ...cell, fontWeight: 'normal', fontFamily: "'DejaVu Sans Mono', monospace" }}>
                {row.name}
              </th>
              {VIEWS.map((view) => [
                ...SIZES.map((size) => (
                  <td key={`${view}-${size}`} style={{ ...cell, textAlign: 'center' }}>
                    <PresenceBadge category={row.category} status={row.status} view={view} size={size} />
                  </td>
                )),
                <td key={`${view}-label`} style={cell}>
                  <PresenceBadge category={row.category} status={row.status} view={view} showLabel />
                </td>,
              ])}
            </tr>
          ))}
        </tbody>
      </table>
    </Frame>
  );
}

function Roster({ theme, dir }: { theme: Theme; dir?: 'rtl' }): ReactElement {
  return (
    <Frame theme={theme} testId="roster" dir={dir}>
      <ul
        style={{
          display: 'grid',
          gridTemplateColumns: 'repeat(3, 15rem)',
          gap: '8px 16px',
          margin: 0,
          padding: 0,
          listStyle: 'none',
        }}
      >
        {ROSTER_NAMES.map((name, i) => {
          const state = ROSTER_STATES[i % ROSTER_STATES.length]!;
          return (
            <li key={name} style={{ display: 'flex', alignItems: 'center', gap: 10 }}>
              <PresenceAvatar name={name} size={40} src={i % 7 === 3 ? PORTRAIT : undefined} {...state} />
              <span style={{ display: 'flex', flexDirection: 'column' }}>
                <span style={{ fontWeight: 600 }}>{name}</span>
                <PresenceBadge {...state} size="small" showLabel />
              </span>
            </li>
          );
        })}
      </ul>
    </Frame>
  );
}

/** Every avatar size with initials and a badge, and the Graph out-of-office marker on badges of every size. */
function AvatarsAndMarkers({ theme }: { theme: Theme }): ReactElement {
  const graph = { availability: 'Busy', activity: 'InACall', outOfOffice: true };
  return (
    <Frame theme={theme} testId="avatars">
      <div style={{ display: 'flex', gap: 16, alignItems: 'flex-end' }}>
        {AVATAR_SIZES.map((size) => (
          <PresenceAvatar key={size} name="Ada Lovelace" size={size} category="BUSY" />
        ))}
      </div>
      <div style={{ display: 'flex', gap: 16, alignItems: 'flex-end', marginTop: 12 }}>
        {AVATAR_SIZES.map((size) => (
          <PresenceAvatar key={size} name="Mia Wong" size={size} category="AVAILABLE" graph={{ ...graph, availability: 'Available', activity: 'Available' }} />
        ))}
      </div>
      <div style={{ display: 'flex', gap: 16, alignItems: 'center', marginTop: 12 }}>
        {SIZES_ALL.map((size) => (
          <PresenceBadge key={size} category="BUSY" graph={graph} size={size} />
        ))}
      </div>
    </Frame>
  );
}
const SIZES_ALL = ['tiny', 'extra-small', 'small', 'medium', 'large', 'extra-large'] as const;

/** The picker open on a chosen status, with another one highlighted by the keyboard. */
function OpenPicker({ theme, dir }: { theme: Theme; dir?: 'rtl' }): ReactElement {
  return (
    <Frame theme={theme} testId="picker" dir={dir}>
      <div style={{ width: 420, height: 420, display: 'flex', justifyContent: 'flex-end' }}>
        <StatusPicker defaultValue="BUSY" defaultOpen />
      </div>
    </Frame>
  );
}

/** Twelve fixed people on the roster, with every group including loading and failed reads. */
const ROSTER_PEOPLE: readonly PresenceRosterPerson[] = ROSTER_NAMES.slice(0, 12).map((name, i) => ({
  id: String(13056700000000 + i),
  name,
  detail: ['Rates desk', 'FX desk', 'Credit desk'][i % 3],
  ...ROSTER_STATES[i % ROSTER_STATES.length]!,
  ...(i === 11 ? { status: 'error' as const, category: undefined } : {}),
}));

function RosterComponent({ theme, dir }: { theme: Theme; dir?: 'rtl' }): ReactElement {
  return (
    <Frame theme={theme} testId="presence-roster" dir={dir}>
      <div style={{ width: 1100 }}>
        <PresenceRoster aria-label="Desk" people={ROSTER_PEOPLE} />
      </div>
    </Frame>
  );
}

beforeAll(async () => {
  // Room for the whole matrix without wrapping, whatever the runner's default viewport.
  await page.viewport(1280, 900);
});

describe('visual references', () => {
  it.each(THEMES)('badge matrix, %s theme', async (theme) => {
    render(<BadgeMatrix theme={theme} />);
    const matrix = page.getByTestId('badge-matrix');
    // 16 states x 2 views x 3 icon-only sizes are images; labelled badges are text. (A DOM query:
    // role locators compute every accessible name and take seconds on a table this size.)
    expect(matrix.element().querySelectorAll('[role="img"]')).toHaveLength(MATRIX_ROWS.length * VIEWS.length * SIZES.length);
    await expect.element(matrix.getByText('Be right back').first()).toBeVisible();
    await expect.element(matrix).toMatchScreenshot(`badge-matrix-${theme}`, SCREENSHOT_OPTIONS);
  });

  it.each(THEMES)('avatars and out-of-office markers, %s theme', async (theme) => {
    render(<AvatarsAndMarkers theme={theme} />);
    const avatars = page.getByTestId('avatars');
    expect(avatars.element().querySelectorAll('.pw-avatar')).toHaveLength(AVATAR_SIZES.length * 2);
    // The out-of-office marker is a dot one can see at every size: at least 5 px across with its ring.
    const markers = [...avatars.element().querySelectorAll('.pw-icon__marker')];
    expect(markers).toHaveLength(AVATAR_SIZES.length + SIZES_ALL.length);
    for (const marker of markers) expect(marker.getBoundingClientRect().width).toBeGreaterThanOrEqual(5);
    await expect.element(avatars).toMatchScreenshot(`avatars-${theme}`, SCREENSHOT_OPTIONS);
  });

  it.each(VARIANTS)('open picker, %s', async (variant) => {
    const [theme, dir] = variant.split('-') as [Theme, 'rtl' | undefined];
    render(<OpenPicker theme={theme} dir={dir} />);
    const picker = page.getByTestId('picker');
    await expect.element(picker.getByRole('listbox')).toBeVisible();
    await expect.element(picker).toMatchScreenshot(`picker-${variant}`, SCREENSHOT_OPTIONS);
  });

  it.each(VARIANTS)('PresenceRoster, %s', async (variant) => {
    const [theme, dir] = variant.split('-') as [Theme, 'rtl' | undefined];
    render(<RosterComponent theme={theme} dir={dir} />);
    const roster = page.getByTestId('presence-roster');
    await expect.element(roster.getByRole('grid', { name: 'Desk' })).toBeVisible();
    await expect.element(roster).toMatchScreenshot(`presence-roster-${variant}`, SCREENSHOT_OPTIONS);
  });

  it('roster, right to left', async () => {
    render(<Roster theme="light" dir="rtl" />);
    const roster = page.getByTestId('roster');
    await expect.element(roster.getByRole('img', { name: 'Aisha Okafor, Status not set' })).toBeVisible();
    await expect.element(roster).toMatchScreenshot('roster-light-rtl', SCREENSHOT_OPTIONS);
  });

  it.each(THEMES)('roster, %s theme', async (theme) => {
    render(<Roster theme={theme} />);
    const roster = page.getByTestId('roster');
    expect(roster.element().querySelectorAll('li')).toHaveLength(30);
    await expect.element(roster.getByRole('img', { name: 'Aisha Okafor, Status not set' })).toBeVisible();
    await expect.element(roster).toMatchScreenshot(`roster-${theme}`, SCREENSHOT_OPTIONS);
  });
});
