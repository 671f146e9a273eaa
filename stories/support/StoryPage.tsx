import { useId, useState, type ReactElement, type ReactNode } from 'react';
import './storyPages.css';

/**
 * The page theme, set as `data-pw-theme` (`system` is the host's opt-in to follow
 * `prefers-color-scheme`); `inherit` sets none, so the Storybook toolbar's theme applies.
 */
export type StoryTheme = 'inherit' | 'system' | 'light' | 'dark';

/** Props of {@link StoryPage}. */
export interface StoryPageProps {
  /** The page's heading. */
  title: string;
  /** Shown at the end of the header (the requesting user, their picker). */
  actions?: ReactNode;
  /**
   * Theme the page opens with.
   * @default 'inherit'
   */
  defaultTheme?: StoryTheme;
  children: ReactNode;
}

/**
 * A full page for the page-sized stories: heading, theme switch, the caller's header actions,
 * and the content in `<main>`. The theme is applied with `data-pw-theme`, as an app would.
 */
export function StoryPage({ title, actions, defaultTheme = 'inherit', children }: StoryPageProps): ReactElement {
  const [theme, setTheme] = useState<StoryTheme>(defaultTheme);
  const themeId = useId();
  return (
    <div className="story-page" data-pw-theme={theme === 'inherit' ? undefined : theme}>
      <header className="story-header">
        <h1>{title}</h1>
        <span>
          <label htmlFor={themeId}>Theme </label>
          <select id={themeId} value={theme} onChange={(e) => setTheme(e.currentTarget.value as StoryTheme)}>
            <option value="inherit">As the toolbar</option>
            <option value="light">Light</option>
            <option value="dark">Dark</option>
            <option value="system">Follow the system</option>
          </select>
        </span>
        {actions !== undefined && <div className="story-header__me">{actions}</div>}
      </header>
      <main>{children}</main>
    </div>
  );
}
