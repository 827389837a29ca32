/**
 * Resources as people write them on a command line — `table SALES.PUBLIC.ORDERS`, `catalog main` — turned into
 * the API's `{type, values}`. Pure: no I/O, no environment.
 *
 * A name is dotted parts. A part that needs it is quoted the way the warehouse quotes identifiers, and the
 * quotes are kept so the service reads the name exactly as the warehouse would: Snowflake `"Order Items"` (a
 * dot inside quotes belongs to the name, `""` is one quote); Unity Catalog backticks (or double quotes, sent on
 * as backticks, the only quoting the Databricks connector unwraps).
 */
import { WAREHOUSES, warehouseNamed, warehouseOfKind } from '../shared/connectors/modules.js';
import type { WarehouseModule } from '../shared/connectors/warehouse-module.js';
import { CONNECTOR_KIND } from '../shared/settings-list.js';
import type { ResourceRef } from '../shared/task/request.js';
import { supportedTypes, valueKeys } from '../shared/task/resource-types.js';
import { CliError } from './cli-error.js';

export type { ResourceRef };
/** A connector kind, as CONNECTOR_KIND names it. */
export type CliKind = string;

/** `--kind`, else POLICYSYNC_KIND, else CONNECTOR_KIND's default; any spelling the seed uses for a kind (`databricks`, `unity_catalog`) is accepted. */
export function resolveKind(flag: string | undefined, env: Record<string, string | undefined>): CliKind {
  const written = flag ?? (env.POLICYSYNC_KIND?.trim() || undefined) ?? CONNECTOR_KIND.default!;
  const warehouse = warehouseNamed(written);
  if (warehouse) return warehouse.kind;
  throw new CliError(
    'USAGE',
    `unknown connector kind '${written}' (${flag !== undefined ? '--kind' : 'POLICYSYNC_KIND'}); use ${WAREHOUSES.map((w) => w.kind).join(' or ')}`,
  );
}

const warehouseOf = (kind: CliKind): WarehouseModule => {
  const warehouse = warehouseOfKind(kind);
  if (!warehouse)
    throw new CliError('USAGE', `unknown connector kind '${kind}'; use ${WAREHOUSES.map((w) => w.kind).join(' or ')}`);
  return warehouse;
};
const supported = (kind: CliKind) => supportedTypes(warehouseOf(kind).resourceTypes);

/**
 * Pairs of `<type> <name>` (or one argument `"<type> <name>"`) into resource references, in order.
 * Every mistake is a USAGE error that names the argument and says what was expected.
 */
export function parseResources(args: readonly string[], kind: CliKind): ResourceRef[] {
  if (args.length === 0) throw new CliError('USAGE', `name at least one resource, like ${example(kind, 'table')}`);
  const refs: ResourceRef[] = [];
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    const joined = /^\s*([A-Za-z_]+)\s+(\S[\s\S]*)$/.exec(arg);
    let type: string, name: string;
    if (joined && isTypeWord(joined[1]!)) {
      type = joined[1]!.toLowerCase();
      name = joined[2]!;
    } else if (isTypeWord(arg.trim())) {
      type = arg.trim().toLowerCase();
      const next = args[i + 1];
      if (next === undefined)
        throw new CliError('USAGE', `'${type}' needs a name after it, like ${example(kind, type)}`);
      name = next;
      i++;
    } else {
      throw new CliError(
        'USAGE',
        `expected a resource type (${supported(kind)}) before '${arg}', like ${example(kind, 'table')}`,
      );
    }
    refs.push(parseResource(type, name, kind));
  }
  return refs;
}

/** One resource: its type (case-insensitive) and its dotted name, checked against what the type needs. */
export function parseResource(typeWritten: string, name: string, kind: CliKind): ResourceRef {
  const type = typeWritten.trim().toLowerCase();
  const keys = valueKeys(warehouseOf(kind).resourceTypes, type);
  if (!keys) {
    const other = WAREHOUSES.find((w) => w.kind !== kind && valueKeys(w.resourceTypes, type))?.kind;
    throw new CliError(
      'USAGE',
      other
        ? `'${type}' is a ${other} resource, not a ${kind} one (${kind}: ${supported(kind)}); pass --kind ${other} or set POLICYSYNC_KIND`
        : `unknown resource type '${typeWritten}' for ${kind} (${supported(kind)})`,
    );
  }
  const parts = splitName(name, kind);
  if (parts.length !== keys.length) {
    throw new CliError(
      'USAGE',
      `${type} needs ${keys.join('.')}, but '${name}' has ${parts.length} part${parts.length === 1 ? '' : 's'}; like ${example(kind, type)}`,
    );
  }
  return { type, values: Object.fromEntries(keys.map((k, i) => [k, parts[i]!])) };
}

/**
 * A dotted name split into its parts, each as the service should receive it: unquoted parts as written
 * (whitespace around them dropped), quoted parts with their quotes, in the connector's own quoting.
 */
export function splitName(name: string, kind: CliKind): string[] {
  const { quotes, quote } = warehouseOf(kind).names;
  const parts: string[] = [];
  let i = 0;
  for (;;) {
    while (i < name.length && isBlank(name[i]!)) i++;
    const q = name[i];
    let part: string;
    if (q !== undefined && quotes.includes(q)) {
      const close = closingQuote(name, i, q);
      if (close < 0)
        throw new CliError(
          'USAGE',
          `unterminated ${q} in '${name}'; close the quoted part, and double a ${q} that belongs to the name`,
        );
      const inner = name.slice(i + 1, close).replaceAll(q + q, q);
      if (inner === '') throw new CliError('USAGE', `empty quoted part in '${name}'; a name cannot be empty`);
      part = quote(inner);
      i = close + 1;
      while (i < name.length && isBlank(name[i]!)) i++;
      if (i < name.length && name[i] !== '.') {
        throw new CliError(
          'USAGE',
          `'${name.slice(i)}' follows a quoted part in '${name}' without a dot; quote the whole part`,
        );
      }
    } else {
      const dot = name.indexOf('.', i);
      part = name.slice(i, dot < 0 ? name.length : dot).trim();
      const stray = quotes.find((c) => part.includes(c));
      if (stray)
        throw new CliError(
          'USAGE',
          `a ${stray} inside the unquoted part '${part}' of '${name}'; quote the whole part, like ${stray}${part.replaceAll(stray, stray + stray)}${stray}`,
        );
      if (part === '')
        throw new CliError(
          'USAGE',
          `empty part in '${name}'; write the name as dotted parts, like SALES.PUBLIC.ORDERS`,
        );
      i = dot < 0 ? name.length : dot;
    }
    parts.push(part);
    if (i >= name.length) return parts;
    i++; // past the dot
    if (i >= name.length) throw new CliError('USAGE', `'${name}' ends with a dot; name the part after it`);
  }
}

/** How a resource reads back to a person, in the form parseResources accepts: `table SALES.PUBLIC."Order Items"`. */
export function resourceLabel(ref: ResourceRef): string {
  const keys = WAREHOUSES.map((w) => valueKeys(w.resourceTypes, ref.type)).find((k) => k !== undefined);
  const ordered =
    keys && keys.every((k) => k in ref.values) ? keys.map((k) => ref.values[k]!) : Object.values(ref.values);
  return `${ref.type} ${ordered.join('.')}`;
}

function closingQuote(text: string, open: number, q: string): number {
  for (let j = open + 1; j < text.length; j++) {
    if (text[j] !== q) continue;
    if (text[j + 1] === q) {
      j++;
      continue;
    } // doubled: a quote inside the name
    return j;
  }
  return -1;
}

const isBlank = (c: string) => c === ' ' || c === '\t';
const isTypeWord = (word: string) =>
  WAREHOUSES.some((w) => valueKeys(w.resourceTypes, word.toLowerCase()) !== undefined);

const example = (kind: CliKind, type: string) => {
  const { examples } = warehouseOf(kind).names;
  return `${type} ${examples[type] ?? examples.table}`;
};
