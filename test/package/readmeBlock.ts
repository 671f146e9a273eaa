import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';

const README = resolve(import.meta.dirname, '../../README.md');

/**
 * The `index`-th fenced code block (of language `lang`) under the README heading `heading`, as
 * written: tests paste README snippets verbatim, so the README cannot drift from what works.
 */
export function readmeBlock(heading: string, lang: string, index = 0): string {
  const text = readFileSync(README, 'utf8');
  const start = text.search(new RegExp(`^#{2,3} ${heading.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\s*$`, 'm'));
  if (start === -1) throw new Error(`README has no heading "${heading}"`);
  const next = text.slice(start + 3).search(/^## /m);
  const section = next === -1 ? text.slice(start) : text.slice(start, start + 3 + next);
  const blocks = [...section.matchAll(new RegExp('^```' + lang + '\\n([\\s\\S]*?)^```', 'gm'))].map((m) => m[1]!);
  const block = blocks[index];
  if (block === undefined) throw new Error(`README section "${heading}" has no ${lang} block #${index}`);
  return block;
}
