import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseJsonLossless } from '../../src/model';
import { readYamlSubset, type YamlValue } from './readYamlSubset';

/** The spec excerpt as plain objects. */
export type Spec = { [key: string]: YamlValue };
type Obj = { [key: string]: YamlValue };

export const SPEC_FIXTURE = resolve(import.meta.dirname, '../fixtures/symphony-presence-paths.yaml');

const INT64_MAX = (1n << 63n) - 1n;
const INT64_MIN = -(1n << 63n);
const INT32_MAX = 2n ** 31n - 1n;
const INT32_MIN = -(2n ** 31n);

function isObj(value: YamlValue | undefined): value is Obj {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function obj(value: YamlValue | undefined, what: string): Obj {
  if (!isObj(value)) throw new Error(`spec: ${what} is not a mapping`);
  return value;
}

function list(value: YamlValue | undefined): YamlValue[] {
  return Array.isArray(value) ? value : [];
}

function str(value: YamlValue | undefined): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

export function loadPresenceSpec(): Spec {
  return obj(readYamlSubset(readFileSync(SPEC_FIXTURE, 'utf8')), 'document');
}

/** One HTTP operation of the spec. */
export interface Operation {
  method: string;
  template: string;
  op: Obj;
}

export function operations(spec: Spec): Operation[] {
  const out: Operation[] = [];
  for (const [template, item] of Object.entries(obj(spec.paths, 'paths'))) {
    for (const [method, op] of Object.entries(obj(item, template))) out.push({ method: method.toUpperCase(), template, op: obj(op, method) });
  }
  return out;
}

function templateRegex(template: string): { regex: RegExp; names: string[] } {
  const names: string[] = [];
  const source = template
    .split(/(\{[^}]+\})/)
    .map((part) => {
      const param = /^\{([^}]+)\}$/.exec(part);
      if (param) {
        names.push(param[1] ?? '');
        return '([^/]+)';
      }
      return part.replace(/[.*+?^$()|[\]\\]/g, '\\$&');
    })
    .join('');
  return { regex: new RegExp(`^${source}$`), names };
}

function resolveRef(spec: Spec, schema: Obj): Obj {
  const ref = str(schema.$ref);
  if (ref === undefined) return schema;
  const name = /^#\/definitions\/(.+)$/.exec(ref)?.[1];
  if (!name) throw new Error(`spec: unsupported $ref ${ref}`);
  return resolveRef(spec, obj(obj(spec.definitions, 'definitions')[name], `definition ${name}`));
}

/** Every property an object schema documents, through allOf and $ref. */
function documentedProperties(spec: Spec, schema: Obj): Set<string> {
  const s = resolveRef(spec, schema);
  const names = new Set<string>(isObj(s.properties) ? Object.keys(s.properties) : []);
  for (const part of list(s.allOf)) for (const n of documentedProperties(spec, obj(part, 'allOf entry'))) names.add(n);
  return names;
}

function checkInteger(digits: string, format: string | undefined, where: string, problems: string[]): void {
  if (!/^-?[0-9]+$/.test(digits)) {
    problems.push(`${where}: ${JSON.stringify(digits)} is not an integer`);
    return;
  }
  const n = BigInt(digits);
  const [min, max] = format === 'int32' ? [INT32_MIN, INT32_MAX] : [INT64_MIN, INT64_MAX];
  if (n < min || n > max) problems.push(`${where}: ${digits} is outside ${format ?? 'int64'}`);
}

/**
 * Checks a JSON value against a Swagger 2 schema. `exact` is the lossless parse (long integers
 * as digit strings), `plain` the JSON.parse result, which tells a bare number from a quoted one.
 */
function checkSchema(spec: Spec, schemaIn: Obj, exact: unknown, plain: unknown, where: string, problems: string[]): void {
  const schema = resolveRef(spec, schemaIn);
  for (const part of list(schema.allOf)) checkSchema(spec, obj(part, 'allOf entry'), exact, plain, where, problems);
  const type = str(schema.type);
  switch (type) {
    case undefined:
      return;
    case 'object': {
      if (typeof plain !== 'object' || plain === null || Array.isArray(plain)) {
        problems.push(`${where}: expected an object`);
        return;
      }
      const record = plain as Record<string, unknown>;
      const exactRecord = exact as Record<string, unknown>;
      for (const name of list(schema.required)) {
        if (typeof name === 'string' && !(name in record)) problems.push(`${where}: missing required "${name}"`);
      }
      const props = isObj(schema.properties) ? schema.properties : {};
      for (const [name, propSchema] of Object.entries(props)) {
        if (name in record) checkSchema(spec, obj(propSchema, name), exactRecord[name], record[name], `${where}.${name}`, problems);
      }
      return;
    }
    case 'array': {
      if (!Array.isArray(plain) || !Array.isArray(exact)) {
        problems.push(`${where}: expected an array`);
        return;
      }
      const items = obj(schema.items, 'items');
      plain.forEach((item, i) => checkSchema(spec, items, exact[i], item, `${where}[${i}]`, problems));
      return;
    }
    case 'integer':
      if (typeof plain !== 'number') problems.push(`${where}: expected a bare JSON integer, got ${typeof plain}`);
      else checkInteger(String(exact), str(schema.format), where, problems);
      return;
    case 'string':
      if (typeof plain !== 'string') problems.push(`${where}: expected a string`);
      else if (Array.isArray(schema.enum) && !schema.enum.includes(plain)) problems.push(`${where}: not in enum`);
      return;
    case 'boolean':
      if (typeof plain !== 'boolean') problems.push(`${where}: expected a boolean`);
      return;
    default:
      problems.push(`${where}: schema type ${type} not supported by this checker`);
  }
}

function checkParamValue(param: Obj, value: string, where: string, problems: string[]): void {
  switch (str(param.type)) {
    case 'boolean':
      if (value !== 'true' && value !== 'false') problems.push(`${where}: ${JSON.stringify(value)} is not a boolean`);
      return;
    case 'integer':
      checkInteger(value, str(param.format), where, problems);
      return;
    case 'string':
      if (value.length === 0) problems.push(`${where}: empty string`);
      return;
    default:
      problems.push(`${where}: parameter type ${String(param.type)} not supported by this checker`);
  }
}

/** What the checker needs to know about one request. */
export interface SentRequest {
  method: string;
  /** Absolute URL. */
  url: string;
  headers: Headers;
  body: string | undefined;
}

/**
 * Lists every way `request` departs from the spec: undocumented path or method, query parameter
 * or header problems, a body that does not match the schema. Empty means conformant.
 * `podUrl` is the client's base; the spec's paths hang below it.
 */
export function specViolations(spec: Spec, podUrl: string, request: SentRequest): string[] {
  const problems: string[] = [];
  const url = new URL(request.url);
  const base = new URL(podUrl);
  if (url.origin !== base.origin || !url.pathname.startsWith(base.pathname)) return [`${request.url} is not below ${podUrl}`];
  const path = url.pathname.slice(base.pathname.replace(/\/$/, '').length);

  let match: { operation: Operation; params: Record<string, string> } | undefined;
  for (const operation of operations(spec)) {
    const { regex, names } = templateRegex(operation.template);
    const m = regex.exec(path);
    if (m && operation.method === request.method) {
      match = { operation, params: Object.fromEntries(names.map((n, i) => [n, decodeURIComponent(m[i + 1] ?? '')])) };
    }
  }
  if (!match) return [`${request.method} ${path} is not a documented operation`];
  const { op, template } = match.operation;
  const where = `${request.method} ${template}`;
  const params = list(op.parameters).map((p) => obj(p, 'parameter'));
  const byIn = (kind: string) => params.filter((p) => p.in === kind);

  for (const p of byIn('path')) {
    const name = str(p.name) ?? '';
    const value = match.params[name];
    if (value === undefined) problems.push(`${where}: path parameter ${name} missing`);
    else checkParamValue(p, value, `${where} path ${name}`, problems);
  }

  const queryParams = byIn('query');
  for (const [name, value] of url.searchParams) {
    const p = queryParams.find((q) => q.name === name);
    if (!p) problems.push(`${where}: undocumented query parameter ${name}`);
    else checkParamValue(p, value, `${where} query ${name}`, problems);
  }
  for (const p of queryParams) {
    if (p.required === true && !url.searchParams.has(str(p.name) ?? '')) problems.push(`${where}: required query ${String(p.name)} missing`);
    if (url.searchParams.getAll(str(p.name) ?? '').length > 1) problems.push(`${where}: query ${String(p.name)} repeated`);
  }

  for (const p of byIn('header')) {
    const name = str(p.name) ?? '';
    const value = request.headers.get(name);
    if (value === null) {
      if (p.required === true) problems.push(`${where}: required header ${name} missing`);
    } else checkParamValue(p, value, `${where} header ${name}`, problems);
  }

  const bodyParam = byIn('body')[0];
  if (!bodyParam) {
    if (request.body !== undefined) problems.push(`${where}: sends a body the spec does not take`);
  } else if (request.body === undefined) {
    if (bodyParam.required === true) problems.push(`${where}: required body missing`);
  } else {
    let exact: unknown;
    let plain: unknown;
    try {
      exact = parseJsonLossless(request.body);
      plain = JSON.parse(request.body);
    } catch {
      problems.push(`${where}: body is not JSON`);
    }
    if (plain !== undefined) {
      const schema = obj(bodyParam.schema, 'body schema');
      checkSchema(spec, schema, exact, plain, `${where} body`, problems);
      if (typeof plain === 'object' && plain !== null && !Array.isArray(plain)) {
        const documented = documentedProperties(spec, schema);
        for (const key of Object.keys(plain)) if (!documented.has(key)) problems.push(`${where} body: undocumented property ${key}`);
      }
    }
    const consumes = list(op.consumes);
    const type = request.headers.get('content-type')?.split(';')[0]?.trim();
    if (consumes.length > 0 && !consumes.includes(type ?? '')) problems.push(`${where}: Content-Type ${type} not in consumes`);
  }

  const accept = request.headers.get('accept');
  const produces = list(op.produces);
  if (accept !== null && produces.length > 0 && !produces.includes(accept)) problems.push(`${where}: Accept ${accept} not in produces`);
  return problems;
}

/** The spec's example body for a response status of an operation, as JSON text. */
export function exampleResponse(operation: Operation, status: string): string | undefined {
  const responses = isObj(operation.op.responses) ? operation.op.responses : {};
  const response = responses[status];
  if (!isObj(response) || !isObj(response.examples)) return undefined;
  const example = response.examples['application/json'];
  return example === undefined ? undefined : JSON.stringify(example);
}
