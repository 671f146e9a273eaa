import { useQueryClient } from '@tanstack/react-query';
import { forwardRef, useContext, useId, useState, type FormEvent, type FormHTMLAttributes } from 'react';
import { PresenceContext, presenceQueryKey, useGraphSource, usePresence } from '../hooks';
import { GRAPH_STATUS_MESSAGE_MAX, activeStatusMessage, type Presence } from '../model';
import { formatLabel } from './labels';
import { usePresenceUi } from './PresenceUiContext';
import { en } from './labels';

/** When a status message stops showing. */
export type StatusMessageExpiry = 'never' | '1h' | '4h' | 'today' | 'week';

/** The expiry choices, in the order offered. */
export const STATUS_MESSAGE_EXPIRIES: readonly StatusMessageExpiry[] = ['never', '1h', '4h', 'today', 'week'];

/** Strings of {@link StatusMessageEditor}. */
export interface StatusMessageLabels extends Record<StatusMessageExpiry, string> {
  /** The group's legend. */
  legend: string;
  /** The text field's label. */
  message: string;
  /** The expiry menu's label. */
  clearAfter: string;
  save: string;
  clear: string;
  saving: string;
  /** After a save with an expiry. Placeholder: `{time}`. */
  savedUntil: string;
  saved: string;
  cleared: string;
  failed: string;
  /** Shown when the source has no status messages (Symphony). */
  unsupported: string;
}

const EN: StatusMessageLabels = {
  legend: 'Status message',
  message: 'Message others see',
  clearAfter: 'Clear after',
  never: 'Never',
  '1h': '1 hour',
  '4h': '4 hours',
  today: 'Today',
  week: 'This week',
  save: 'Set message',
  clear: 'Clear message',
  saving: 'Saving message…',
  savedUntil: 'Message set until {time}',
  saved: 'Message set',
  cleared: 'Message cleared',
  failed: 'Could not set the message',
  unsupported: 'Status messages need a Microsoft Graph source',
};

/** Status message strings by language. */
export const STATUS_MESSAGE_LABELS: Readonly<Record<string, StatusMessageLabels>> = {
  en: EN,
  fr: {
    legend: 'Message de statut',
    message: 'Message visible par les autres',
    clearAfter: 'Effacer après',
    never: 'Jamais',
    '1h': '1 heure',
    '4h': '4 heures',
    today: "Aujourd'hui",
    week: 'Cette semaine',
    save: 'Définir le message',
    clear: 'Effacer le message',
    saving: 'Enregistrement du message…',
    savedUntil: "Message défini jusqu'à {time}",
    saved: 'Message défini',
    cleared: 'Message effacé',
    failed: 'Impossible de définir le message',
    unsupported: 'Les messages de statut nécessitent une source Microsoft Graph',
  },
  de: {
    legend: 'Statusnachricht',
    message: 'Nachricht für andere',
    clearAfter: 'Löschen nach',
    never: 'Nie',
    '1h': '1 Stunde',
    '4h': '4 Stunden',
    today: 'Heute',
    week: 'Diese Woche',
    save: 'Nachricht festlegen',
    clear: 'Nachricht löschen',
    saving: 'Nachricht wird gespeichert …',
    savedUntil: 'Nachricht festgelegt bis {time}',
    saved: 'Nachricht festgelegt',
    cleared: 'Nachricht gelöscht',
    failed: 'Nachricht konnte nicht festgelegt werden',
    unsupported: 'Statusnachrichten brauchen eine Microsoft-Graph-Quelle',
  },
  ja: {
    legend: 'ステータスメッセージ',
    message: '他のユーザーに表示するメッセージ',
    clearAfter: '消去するタイミング',
    never: 'しない',
    '1h': '1時間後',
    '4h': '4時間後',
    today: '今日',
    week: '今週',
    save: 'メッセージを設定',
    clear: 'メッセージを消去',
    saving: 'メッセージを保存中…',
    savedUntil: '{time}までメッセージを設定しました',
    saved: 'メッセージを設定しました',
    cleared: 'メッセージを消去しました',
    failed: 'メッセージを設定できませんでした',
    unsupported: 'ステータスメッセージには Microsoft Graph のソースが必要です',
  },
};

/**
 * When a message chosen at `now` with `expiry` stops showing, in ms since 1970: 1 or 4 hours on,
 * the end of the local day, or the end of the local week (Sunday night); `undefined` for never.
 */
export function statusMessageExpiresAt(expiry: StatusMessageExpiry, now: number): number | undefined {
  const d = new Date(now);
  switch (expiry) {
    case '1h':
      return now + 3_600_000;
    case '4h':
      return now + 4 * 3_600_000;
    case 'today':
      return new Date(d.getFullYear(), d.getMonth(), d.getDate() + 1).getTime();
    case 'week':
      // getDay: 0 is Sunday; the week ends when Monday starts.
      return new Date(d.getFullYear(), d.getMonth(), d.getDate() + ((8 - d.getDay()) % 7 || 7)).getTime();
    default:
      return undefined;
  }
}

/** What a save asks for. */
export interface StatusMessageInput {
  /** The text; empty clears the message. */
  message: string;
  expiresAt: number | undefined;
}

/** Props of {@link StatusMessageEditor}; other form attributes go to the form. */
export interface StatusMessageEditorProps extends Omit<FormHTMLAttributes<HTMLFormElement>, 'onSubmit' | 'defaultValue'> {
  /** The message in the field at first. @default connected: the signed-in user's current message */
  defaultMessage?: string;
  /**
   * Saves the message. Connected to a Graph source (inside a `PresenceProvider`) it defaults to
   * Graph's setStatusMessage for the signed-in user, and every badge showing them updates.
   */
  onSave?: (input: StatusMessageInput) => Promise<unknown> | void;
  /** Expiry chosen at first. @default 'today' */
  defaultExpiry?: StatusMessageExpiry;
  /** Single strings to replace. */
  labels?: Partial<StatusMessageLabels>;
  /** BCP 47 tag. @default the PresenceUiProvider's locale */
  locale?: string;
  /** Clock, for the expiry times. @default Date.now */
  now?: () => number;
}

type Outcome = { kind: 'idle' } | { kind: 'saving' } | { kind: 'saved'; expiresAt: number | undefined; cleared: boolean } | { kind: 'failed' };

interface ViewProps extends StatusMessageEditorProps {
  unsupported?: boolean;
}

const StatusMessageEditorView = forwardRef<HTMLFormElement, ViewProps>(function StatusMessageEditorView(props, ref) {
  const { defaultMessage = '', onSave, defaultExpiry = 'today', labels: labelsProp, locale, now = Date.now, unsupported, className, ...rest } = props;
  const ui = usePresenceUi({ locale }, en);
  const lang = ui.locale?.split(/[-_]/)[0]?.toLowerCase() ?? '';
  const base = Object.hasOwn(STATUS_MESSAGE_LABELS, lang) ? (STATUS_MESSAGE_LABELS[lang] as StatusMessageLabels) : EN;
  const text: StatusMessageLabels = labelsProp ? { ...base, ...(Object.fromEntries(Object.entries(labelsProp).filter(([, v]) => v !== undefined)) as Partial<StatusMessageLabels>) } : base;
  const [message, setMessage] = useState(defaultMessage);
  const [expiry, setExpiry] = useState<StatusMessageExpiry>(defaultExpiry);
  const [outcome, setOutcome] = useState<Outcome>({ kind: 'idle' });
  const id = useId();

  const save = async (value: string): Promise<void> => {
    if (!onSave) return;
    const expiresAt = value === '' ? undefined : statusMessageExpiresAt(expiry, now());
    setOutcome({ kind: 'saving' });
    try {
      await onSave({ message: value, expiresAt });
      setOutcome({ kind: 'saved', expiresAt, cleared: value === '' });
    } catch {
      setOutcome({ kind: 'failed' });
    }
  };
  const onSubmit = (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    void save(message.trim());
  };

  const timeText = (t: number) => {
    const sameDay = new Date(t).toDateString() === new Date(now()).toDateString();
    const options: Intl.DateTimeFormatOptions = sameDay ? { timeStyle: 'short' } : { dateStyle: 'medium', timeStyle: 'short' };
    try {
      return new Date(t).toLocaleString(ui.locale, options);
    } catch {
      return new Date(t).toLocaleString(undefined, options);
    }
  };
  const status =
    unsupported
      ? text.unsupported
      : outcome.kind === 'saving'
        ? text.saving
        : outcome.kind === 'failed'
          ? text.failed
          : outcome.kind === 'saved'
            ? outcome.cleared
              ? text.cleared
              : outcome.expiresAt === undefined
                ? text.saved
                : formatLabel(text.savedUntil, { time: timeText(outcome.expiresAt) })
            : '';
  const busy = outcome.kind === 'saving';

  return (
    <form {...rest} className={className ? `pw-message ${className}` : 'pw-message'} onSubmit={onSubmit} ref={ref}>
      <fieldset className="pw-message__fields" disabled={unsupported}>
        <legend className="pw-message__legend">{text.legend}</legend>
        <label className="pw-message__field pw-message__field--text" htmlFor={`${id}msg`}>
          {text.message}
        </label>
        <input
          id={`${id}msg`}
          className="pw-message__input"
          type="text"
          value={message}
          maxLength={GRAPH_STATUS_MESSAGE_MAX}
          onChange={(e) => setMessage(e.currentTarget.value)}
        />
        <label className="pw-message__field" htmlFor={`${id}exp`}>
          {text.clearAfter}
        </label>
        <select id={`${id}exp`} className="pw-message__select" value={expiry} onChange={(e) => setExpiry(e.currentTarget.value as StatusMessageExpiry)}>
          {STATUS_MESSAGE_EXPIRIES.map((x) => (
            <option key={x} value={x}>
              {text[x]}
            </option>
          ))}
        </select>
        <span className="pw-message__actions">
          <button type="submit" className="pw-message__button" disabled={busy || message.trim() === ''}>
            {text.save}
          </button>
          <button
            type="button"
            className="pw-message__button"
            disabled={busy}
            onClick={() => {
              setMessage('');
              void save('');
            }}
          >
            {text.clear}
          </button>
        </span>
      </fieldset>
      {/* Always rendered: a live region only announces changes once it is in the tree. */}
      <span role="status" className="pw-message__status" data-error={outcome.kind === 'failed' || unsupported ? '' : undefined}>
        {status}
      </span>
    </form>
  );
});

/** Connected: reads the signed-in user's message and sets it through the Graph source. */
const ConnectedStatusMessageEditor = forwardRef<HTMLFormElement, StatusMessageEditorProps>(function ConnectedStatusMessageEditor(props, ref) {
  const queryClient = useQueryClient();
  const own = usePresence();
  const graph = useGraphSource();
  const current = activeStatusMessage(own.data?.graph?.statusMessage, Date.now())?.text;
  if (!graph) return <StatusMessageEditorView {...props} unsupported ref={ref} />;
  // Wait for the current message, so the field starts with it rather than empty.
  if (own.isPending) return null;
  return (
    <StatusMessageEditorView
      defaultMessage={current}
      onSave={async (input) => {
        const presence: Presence = await graph.setOwnStatusMessage(input);
        // Show the new message at once, before the engine's next read.
        queryClient.setQueryData(presenceQueryKey('self'), presence);
        queryClient.setQueryData(presenceQueryKey(presence.userId), (old: Presence | undefined) => (old ? presence : old));
      }}
      {...props}
      ref={ref}
    />
  );
});

/**
 * Sets the signed-in user's status message (Microsoft Graph's `statusMessage`) with an expiry:
 * never, 1 or 4 hours, the end of today or of this week. Place it beside a Graph `StatusPicker`.
 * Inside a `PresenceProvider` on a Graph source it is connected; elsewhere give it `onSave`.
 */
export const StatusMessageEditor = forwardRef<HTMLFormElement, StatusMessageEditorProps>(function StatusMessageEditor(props, ref) {
  const connected = useContext(PresenceContext) !== null && props.onSave === undefined;
  return connected ? <ConnectedStatusMessageEditor {...props} ref={ref} /> : <StatusMessageEditorView {...props} ref={ref} />;
});
