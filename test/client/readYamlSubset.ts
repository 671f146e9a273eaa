/**
 * A reader for the YAML subset the Symphony spec excerpt uses: block mappings, block sequences
 * (including "- key: value" items and sequences at their parent key's indent), literal block
 * scalars (`|`), single/double quoted and plain scalars, and `#` comment lines. Flow collections,
 * anchors, tags, folded scalars and multi-document streams are refused, so a fixture that drifts
 * out of the subset fails loudly instead of being misread.
 */

export type YamlValue = string | number | boolean | null | YamlValue[] | { [key: string]: YamlValue };

interface Line {
  indent: number;
  text: string;
  /** 1-based line number, for error messages. */
  no: number;
}

class YamlSubsetError extends Error {
  constructor(line: Line | undefined, message: string) {
    super(line ? `line ${line.no}: ${message}` : message);
  }
}

function scalar(raw: string, line: Line): YamlValue {
  const text = raw.trim();
  if (text.startsWith("'")) {
    if (!text.endsWith("'") || text.length < 2) throw new YamlSubsetError(line, 'unterminated single-quoted string');
    return text.slice(1, -1).replace(/''/g, "'");
  }
  if (text.startsWith('"')) return JSON.parse(text) as string;
  if (/^[[{&*!%@`]/.test(text) || text === '>' || text.startsWith('> ')) {
    throw new YamlSubsetError(line, `unsupported YAML construct: ${text.slice(0, 20)}`);
  }
  if (text === '' || text === '~' || text === 'null') return null;
  if (text === 'true') return true;
  if (text === 'false') return false;
  if (/^-?[0-9]+$/.test(text)) return Number.isSafeInteger(Number(text)) ? Number(text) : text;
  // A comment after a plain scalar.
  const hash = text.search(/\s#/);
  return hash === -1 ? text : text.slice(0, hash).trimEnd();
}

/** Splits "key: rest" where key may be quoted; returns undefined when the text is no mapping entry. */
function splitKey(text: string): { key: string; rest: string } | undefined {
  const quoted = /^(['"])(.*?)\1:(?:\s+|$)(.*)$/.exec(text);
  if (quoted) return { key: quoted[2] ?? '', rest: quoted[3] ?? '' };
  const plain = /^([^\s'"#-][^:]*?|-[^\s:][^:]*?):(?:\s+|$)(.*)$/.exec(text);
  if (plain) return { key: (plain[1] ?? '').trim(), rest: plain[2] ?? '' };
  return undefined;
}

class Reader {
  private readonly lines: Array<Line | undefined>;
  private readonly raw: string[];
  private pos = 0;

  constructor(source: string) {
    this.raw = source.replace(/\r\n?/g, '\n').split('\n');
    this.lines = this.raw.map((text, i) => {
      const trimmed = text.trimEnd();
      if (/^\s*$/.test(trimmed) || /^\s*#/.test(trimmed)) return undefined;
      if (/\t/.test(text.slice(0, text.length - text.trimStart().length))) {
        throw new YamlSubsetError({ indent: 0, text, no: i + 1 }, 'tab in indentation');
      }
      if (trimmed === '---' || trimmed === '...') throw new YamlSubsetError({ indent: 0, text, no: i + 1 }, 'multi-document');
      const content = trimmed.trimStart();
      return { indent: trimmed.length - content.length, text: content, no: i + 1 };
    });
  }

  /** Index of the next content line at or after `from`. */
  private next(from = this.pos): number {
    let i = from;
    while (i < this.lines.length && this.lines[i] === undefined) i++;
    return i;
  }

  private peek(): Line | undefined {
    this.pos = this.next();
    return this.lines[this.pos];
  }

  readDocument(): YamlValue {
    const first = this.peek();
    if (!first) return null;
    const value = this.node(first.indent);
    const rest = this.peek();
    if (rest) throw new YamlSubsetError(rest, 'unexpected content after the document');
    return value;
  }

  private node(indent: number): YamlValue {
    const line = this.peek();
    if (!line || line.indent !== indent) throw new YamlSubsetError(line, `expected content at indent ${indent}`);
    return line.text === '-' || line.text.startsWith('- ') ? this.sequence(indent) : this.mapping(indent);
  }

  private isItem(line: Line | undefined, indent: number): boolean {
    return line !== undefined && line.indent === indent && (line.text === '-' || line.text.startsWith('- '));
  }

  private sequence(indent: number): YamlValue[] {
    const out: YamlValue[] = [];
    for (let line = this.peek(); line && this.isItem(line, indent); line = this.peek()) {
      const content = line.text.slice(1).trimStart();
      if (content === '') {
        this.pos++;
        const child = this.peek();
        out.push(child && child.indent > indent ? this.node(child.indent) : null);
      } else if (splitKey(content) || content.startsWith('- ')) {
        // "- key: value": the item is a mapping (or nested sequence) starting on this very line.
        const offset = line.text.length - content.length;
        this.lines[this.pos] = { indent: indent + offset, text: content, no: line.no };
        out.push(this.node(indent + offset));
      } else {
        this.pos++;
        out.push(scalar(content, line));
      }
    }
    const after = this.peek();
    if (after && after.indent > indent) throw new YamlSubsetError(after, 'bad indentation inside a sequence');
    return out;
  }

  private mapping(indent: number): { [key: string]: YamlValue } {
    const out: { [key: string]: YamlValue } = {};
    for (let line = this.peek(); line && line.indent === indent && !this.isItem(line, indent); line = this.peek()) {
      const entry = splitKey(line.text);
      if (!entry) throw new YamlSubsetError(line, 'expected "key: value"');
      if (Object.hasOwn(out, entry.key)) throw new YamlSubsetError(line, `duplicate key ${entry.key}`);
      this.pos++;
      const rest = entry.rest.trim();
      if (rest === '|' || rest === '|-') {
        out[entry.key] = this.blockScalar(indent, rest === '|-');
      } else if (rest === '' || rest.startsWith('#')) {
        const child = this.peek();
        if (child && child.indent > indent) out[entry.key] = this.node(child.indent);
        else if (this.isItem(child, indent)) out[entry.key] = this.sequence(indent);
        else out[entry.key] = null;
      } else {
        out[entry.key] = scalar(rest, line);
      }
    }
    const after = this.peek();
    if (after && after.indent > indent) throw new YamlSubsetError(after, 'bad indentation inside a mapping');
    return out;
  }

  /** A literal block: keeps line breaks, strips the block's own indentation. */
  private blockScalar(parentIndent: number, strip: boolean): string {
    const body: string[] = [];
    let blockIndent: number | undefined;
    let i = this.pos;
    for (; i < this.raw.length; i++) {
      const text = (this.raw[i] ?? '').trimEnd();
      if (text === '') {
        body.push('');
        continue;
      }
      const indent = text.length - text.trimStart().length;
      if (indent <= parentIndent) break;
      blockIndent ??= indent;
      if (indent < blockIndent) break;
      body.push(text.slice(blockIndent));
    }
    // Trailing blank lines belong to whatever follows.
    while (body.length > 0 && body[body.length - 1] === '') {
      body.pop();
      i--;
    }
    this.pos = i;
    while (this.pos < this.raw.length && (this.raw[this.pos] ?? '').trim() === '') this.pos++;
    const text = body.join('\n');
    return strip ? text : `${text}\n`;
  }
}

/** Parses `source` (the supported YAML subset) into plain values. Throws on anything outside it. */
export function readYamlSubset(source: string): YamlValue {
  return new Reader(source).readDocument();
}
