/**
 * The public API report: every name each package entry exports, with its kind. The committed
 * copy (api/presence-widgets.api.json) is compared with the sources by test/api/apiReport.test.ts,
 * so a name that appears, disappears or changes kind by accident fails `npm test`.
 *
 * Regenerate after a deliberate change: `npm run api:report` (then review the diff).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import ts from 'typescript';

const ROOT = resolve(import.meta.dirname, '..');

/** Package subpath -> source entry, as package.json `exports` and vite.config.ts build them. */
export const API_ENTRIES: Readonly<Record<string, string>> = {
  'presence-widgets': 'src/index.ts',
  'presence-widgets/elements': 'src/elements/index.ts',
  'presence-widgets/mock-pod': 'src/mock-pod/index.ts',
  'presence-widgets/mock-pod/msw': 'src/mock-pod/msw.ts',
  'presence-widgets/mock-pod/node': 'src/mock-pod/node.ts',
  'presence-widgets/server': 'src/server/index.ts',
};

export const API_REPORT_PATH = resolve(ROOT, 'api/presence-widgets.api.json');

export type ApiKind = 'class' | 'const' | 'enum' | 'function' | 'interface' | 'namespace' | 'type';

/** Entry subpath -> export name -> kind, names sorted. */
export type ApiReport = Record<string, Record<string, ApiKind>>;

function kindOf(symbol: ts.Symbol): ApiKind {
  const f = symbol.flags;
  if (f & ts.SymbolFlags.Class) return 'class';
  if (f & ts.SymbolFlags.Function) return 'function';
  if (f & ts.SymbolFlags.Enum) return 'enum';
  if (f & ts.SymbolFlags.Variable) return 'const';
  if (f & ts.SymbolFlags.Interface) return 'interface';
  if (f & ts.SymbolFlags.TypeAlias) return 'type';
  if (f & (ts.SymbolFlags.ValueModule | ts.SymbolFlags.NamespaceModule)) return 'namespace';
  throw new Error(`apiReport: no kind for ${symbol.name} (flags ${f})`);
}

/** Builds the report from the sources (one TypeScript program over every entry). */
export function buildApiReport(): ApiReport {
  const config = ts.getParsedCommandLineOfConfigFile(resolve(ROOT, 'tsconfig.json'), {}, {
    ...ts.sys,
    onUnRecoverableConfigFileDiagnostic: (d) => {
      throw new Error(ts.flattenDiagnosticMessageText(d.messageText, '\n'));
    },
  });
  if (!config) throw new Error('apiReport: cannot read tsconfig.json');
  const files = Object.values(API_ENTRIES).map((file) => resolve(ROOT, file));
  const program = ts.createProgram(files, { ...config.options, noEmit: true });
  const checker = program.getTypeChecker();
  const report: ApiReport = {};
  for (const [subpath, file] of Object.entries(API_ENTRIES)) {
    const source = program.getSourceFile(resolve(ROOT, file));
    const moduleSymbol = source && checker.getSymbolAtLocation(source);
    if (!moduleSymbol) throw new Error(`apiReport: cannot read ${file}`);
    const names: Record<string, ApiKind> = {};
    const exports = checker.getExportsOfModule(moduleSymbol).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const symbol of exports) {
      const target = symbol.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(symbol) : symbol;
      names[symbol.name] = kindOf(target);
    }
    report[subpath] = names;
  }
  return report;
}

export function formatApiReport(report: ApiReport): string {
  return `${JSON.stringify(report, null, 2)}\n`;
}

export function readCommittedApiReport(): string {
  return readFileSync(API_REPORT_PATH, 'utf8');
}

if (process.argv[1] && resolve(process.argv[1]) === resolve(import.meta.filename)) {
  writeFileSync(API_REPORT_PATH, formatApiReport(buildApiReport()));
  console.log(`Wrote ${API_REPORT_PATH}`);
}
