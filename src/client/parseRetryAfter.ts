// HTTP-date has three legal spellings (RFC 9110 section 5.6.7). Date.parse would also accept
// "1", "2024" or "next tuesday" depending on the engine, so each form is matched explicitly.
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const MONTH = `(${MONTHS.join('|')})`;
const TIME = '([0-9]{2}):([0-9]{2}):([0-9]{2})';
const IMF_FIXDATE = new RegExp(`^(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun), ([0-9]{2}) ${MONTH} ([0-9]{4}) ${TIME} GMT$`);
const RFC850_DATE = new RegExp(
  `^(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday), ([0-9]{2})-${MONTH}-([0-9]{2}) ${TIME} GMT$`,
);
const ASCTIME_DATE = new RegExp(`^(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun) ${MONTH} ([0-9 ][0-9]) ${TIME} ([0-9]{4})$`);
const DELTA_SECONDS = /^[0-9]+$/;

function utc(year: number, month: string, day: string, hh: string, mm: string, ss: string): number | undefined {
  const m = MONTHS.indexOf(month);
  const d = Number(day.trim());
  const h = Number(hh);
  const min = Number(mm);
  const s = Number(ss);
  // 60 allows a leap second; Date.UTC folds it into the next minute.
  if (h > 23 || min > 59 || s > 60 || d < 1) return undefined;
  const time = Date.UTC(year, m, d, h, min, s);
  // Date.UTC rolls "31 Feb" over into March; such a date is malformed, not a different day.
  if (new Date(Date.UTC(year, m, d)).getUTCDate() !== d) return undefined;
  return time;
}

function parseHttpDate(value: string, now: number): number | undefined {
  // Every group is mandatory in all three patterns, so `?? ''` only satisfies the type checker.
  const group = (match: RegExpExecArray) => (i: number): string => match[i] ?? '';
  let match = IMF_FIXDATE.exec(value);
  if (match) {
    const g = group(match);
    return utc(Number(g(3)), g(2), g(1), g(4), g(5), g(6));
  }
  match = RFC850_DATE.exec(value);
  if (match) {
    const g = group(match);
    // RFC 9110: a two-digit year more than 50 years in the future means the previous century.
    let year = 2000 + Number(g(3));
    if (year > new Date(now).getUTCFullYear() + 50) year -= 100;
    return utc(year, g(2), g(1), g(4), g(5), g(6));
  }
  match = ASCTIME_DATE.exec(value);
  if (match) {
    const g = group(match);
    return utc(Number(g(6)), g(1), g(2), g(3), g(4), g(5));
  }
  return undefined;
}

/**
 * Reads a `Retry-After` header value as a delay in milliseconds.
 *
 * Accepts delta-seconds (`"120"`) and every HTTP-date form (`"Wed, 21 Oct 2015 07:28:00 GMT"`);
 * a date in the past gives 0. Anything else (negative or fractional numbers, free text, an absent
 * header) gives `undefined`, so callers fall back to their own backoff.
 *
 * @param value the raw header value, or `null` when the header is missing
 * @param now the current time in milliseconds since 1970, used for HTTP-dates
 * @default now `Date.now()`
 */
export function parseRetryAfter(value: string | null, now: number = Date.now()): number | undefined {
  if (value === null) return undefined;
  const trimmed = value.trim();
  if (DELTA_SECONDS.test(trimmed)) {
    const ms = Number(trimmed) * 1000;
    return Number.isSafeInteger(ms) ? ms : undefined;
  }
  const at = parseHttpDate(trimmed, now);
  if (at === undefined || !Number.isFinite(at)) return undefined;
  return Math.max(0, at - now);
}
