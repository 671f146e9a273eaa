// React-free, shared by PresenceAvatar and the <presence-avatar> element.

/** Up to two letters: the first of the first and of the last word ("Ada Lovelace" gives "AL"). */
export function initialsOf(name: string): string {
  const words = name.trim().split(/\s+/).filter(Boolean);
  // Array.from splits by code point, so names outside the BMP keep whole characters.
  const first = (word: string | undefined): string => (word ? (Array.from(word)[0] ?? '') : '');
  const letters = words.length > 1 ? first(words[0]) + first(words[words.length - 1]) : first(words[0]);
  return letters.toUpperCase();
}
