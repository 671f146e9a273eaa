/**
 * JSON.parse turns every number into a double, so a user id above 2^53 comes back with its last
 * digits changed. This scanner quotes integer literals that are too long to be safe before the
 * real parser sees them. It walks the text once and skips string contents, so a number inside a
 * message string is never touched.
 */

// 15 digits are always exact as doubles; 16-digit values may or may not be, so they are quoted
// too and callers accept ids as strings or numbers.
const SAFE_DIGITS = 15;

function quoteLongIntegers(text: string): string {
  let out = '';
  let copiedUpTo = 0;
  let i = 0;
  const n = text.length;
  while (i < n) {
    const ch = text.charCodeAt(i);
    if (ch === 0x22 /* " */) {
      i++;
      while (i < n) {
        const c = text.charCodeAt(i);
        if (c === 0x5c /* \ */) i += 2;
        else if (c === 0x22) {
          i++;
          break;
        } else i++;
      }
      continue;
    }
    if (ch === 0x2d /* - */ || (ch >= 0x30 && ch <= 0x39)) {
      const start = i;
      i++;
      while (i < n) {
        const c = text.charCodeAt(i);
        if ((c >= 0x30 && c <= 0x39) || c === 0x2e || c === 0x65 || c === 0x45 || c === 0x2b || c === 0x2d) i++;
        else break;
      }
      const literal = text.slice(start, i);
      const digits = literal.startsWith('-') ? literal.length - 1 : literal.length;
      // Only a valid JSON integer is quoted: a leading zero is malformed and must still reach
      // JSON.parse unquoted so it throws, instead of turning into an accepted string.
      if (digits > SAFE_DIGITS && /^-?[1-9][0-9]*$/.test(literal)) {
        out += text.slice(copiedUpTo, start) + '"' + literal + '"';
        copiedUpTo = i;
      }
      continue;
    }
    i++;
  }
  return copiedUpTo === 0 ? text : out + text.slice(copiedUpTo);
}

/**
 * Parses JSON keeping every digit of long integers: integers of more than 15 digits come back
 * as decimal strings. Throws `SyntaxError` on malformed text, like `JSON.parse`.
 */
export function parseJsonLossless(text: string): unknown {
  return JSON.parse(quoteLongIntegers(text));
}
