/** Finds a session token in text the pod sends back, in the spellings it may take there. */
export interface TokenRedactor {
  /** True when `text` holds the token in any known spelling. */
  appearsIn(text: string): boolean;
  /** `text` with every occurrence replaced by `[redacted]`. */
  redact(text: string): string;
}

const REDACTED = '[redacted]';
// Below this a "prefix" or base64 fragment could match ordinary text by chance.
const MIN_FRAGMENT = 12;

const escapeRegExp = (text: string): string => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

function base64Fragments(token: string): string[] {
  const bytes = Buffer.from(token, 'utf8');
  const out: string[] = [];
  // The token may start at any of the three byte offsets of a base64 group inside a longer text;
  // each offset gives its own stable run of characters.
  for (let shift = 0; shift < 3; shift++) {
    const padded = Buffer.concat([Buffer.alloc(shift), bytes]);
    const encoded = padded.toString('base64');
    const stable = encoded.slice(shift > 0 ? 4 : 0, Math.floor(padded.length / 3) * 4);
    if (stable.length >= MIN_FRAGMENT) out.push(stable, stable.replace(/\+/g, '-').replace(/\//g, '_'));
  }
  return out;
}

function spellings(token: string): string[] {
  const chars = [...token];
  const code = (c: string) => c.codePointAt(0) as number;
  const hex = (c: string, width: number) => code(c).toString(16).padStart(width, '0');
  const forms = [
    token,
    // JSON string escaping, and JSON with "/" escaped as well.
    JSON.stringify(token).slice(1, -1),
    JSON.stringify(token).slice(1, -1).replace(/\//g, '\\/'),
    // Every character \u-escaped.
    chars.map((c) => `\\u${hex(c, 4)}`).join(''),
    // URL encodings: the usual one, every byte encoded, and `+` for spaces.
    encodeURIComponent(token),
    [...Buffer.from(token, 'utf8')].map((b) => `%${b.toString(16).padStart(2, '0')}`).join(''),
    encodeURIComponent(token).replace(/%20/g, '+'),
    // HTML: named escapes, decimal and hex character references.
    token.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;'),
    token.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#x27;'),
    chars.map((c) => `&#${code(c)};`).join(''),
    chars.map((c) => `&#x${hex(c, 1)};`).join(''),
    ...base64Fragments(token),
  ];
  // Longest first, so the alternation takes the whole of an encoding rather than a part of it.
  return [...new Set(forms.filter((f) => f.length > 0))].sort((a, b) => b.length - a.length);
}

/**
 * A redactor for one session token: its raw form, JSON- and `\u`-escaped, %-encoded in either
 * case, HTML-escaped, base64 and base64url (at any alignment inside a longer encoded text), and
 * any long prefix of it (a token cut off by a length limit), all case-insensitively.
 */
export function createTokenRedactor(token: string): TokenRedactor {
  const prefixLength = Math.min(token.length, Math.max(MIN_FRAGMENT, Math.ceil(token.length / 2)));
  const prefix = token.slice(0, prefixLength);
  const pattern = new RegExp([...spellings(token), prefix].map(escapeRegExp).join('|'), 'gi');
  const lowerToken = token.toLowerCase();

  function redact(text: string): string {
    let out = '';
    let last = 0;
    pattern.lastIndex = 0;
    for (let match = pattern.exec(text); match !== null; match = pattern.exec(text)) {
      let end = match.index + match[0].length;
      // A prefix match runs on as far as the text keeps following the token.
      if (match[0].length === prefixLength && match[0].toLowerCase() === prefix.toLowerCase()) {
        for (let j = prefixLength; j < token.length && end < text.length && text[end]?.toLowerCase() === lowerToken[j]; j++) end++;
      }
      out += text.slice(last, match.index) + REDACTED;
      last = end;
      pattern.lastIndex = end;
    }
    return out + text.slice(last);
  }

  return {
    appearsIn(text) {
      pattern.lastIndex = 0;
      const found = pattern.test(text);
      pattern.lastIndex = 0;
      return found;
    },
    redact,
  };
}
