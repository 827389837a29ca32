import { customText } from '../plan/masking/mask-info.js';
import type { DataMaskInfo } from '../policy/index.js';
import type { FilterBody, MaskBody, Readers, TypeFamily } from './masking-port.js';

/** How a warehouse writes the pieces of a policy body; `masking-sql` composes them into the whole body. */
export interface MaskSqlPrimitives {
  /** A string literal, escaped for the warehouse. */
  literal(value: string): string;
  /** A condition true when the reader is the Ranger user / in the group / has the role. */
  principalCondition(type: 'user' | 'group' | 'role', name: string): string;
  /** The value as text, for digit-wise masking of integers. */
  toText(expr: string): string;
  /** Text back to the column's integer type. */
  toInteger(expr: string, dataType: string): string;
  /** Date or timestamp truncated to the first day of its year. */
  truncateToYear(expr: string, family: TypeFamily): string;
  /** How a policy's argument is referred to in its body. */
  argument(name: string): string;
}

/** A column mask's body: a CASE over the branches in order (the first match wins), ELSE the clear value. */
export function maskBodySql(d: MaskSqlPrimitives, body: MaskBody): string {
  const value = d.argument(body.argument);
  const then = (b: MaskBody['branches'][number]) => {
    switch (b.value.kind) {
      case 'clear':
        return value;
      case 'null':
        return 'NULL';
      case 'masked':
        return maskExpression(d, b.value.info, body.family, body.dataType, value);
    }
  };
  return `CASE ${body.branches.map((b) => `WHEN ${readersSql(d, b.readers)} THEN ${then(b)}`).join(' ')} ELSE ${value} END`;
}

/** A row filter's BOOLEAN body: a CASE over the branches in order, ELSE TRUE (every row). */
export function filterBodySql(d: MaskSqlPrimitives, body: FilterBody): string {
  const then = (b: FilterBody['branches'][number]) => {
    switch (b.rows.kind) {
      case 'all':
        return 'TRUE';
      case 'none':
        return 'FALSE';
      case 'where':
        return `(${b.rows.expression})`;
    }
  };
  return `CASE ${body.branches.map((b) => `WHEN ${readersSql(d, b.readers)} THEN ${then(b)}`).join(' ')} ELSE TRUE END`;
}

/** The readers as one condition: any role, group or user the item names. */
function readersSql(d: MaskSqlPrimitives, readers: Readers): string {
  if (readers === 'everyone') return 'TRUE';
  return [
    ...readers.roles.map((r) => d.principalCondition('role', r)),
    ...readers.groups.map((g) => d.principalCondition('group', g)),
    ...readers.users.map((u) => d.principalCondition('user', u)),
  ].join(' OR ');
}

/**
 * Ranger's mask types rendered with Hive's semantics (the transformers Ranger's Hive service definition names):
 *   MASK               mask({col}): upper -> X, lower -> x, digit -> n; an integer's digits -> 1; a date -> 0001-01-01
 *   MASK_SHOW_LAST_4   mask_show_last_n({col}, 4, 'x', 'x', 'x', -1, '1'): letters and digits -> x but the last 4
 *   MASK_SHOW_FIRST_4  mask_show_first_n(...): the same, keeping the first 4
 *   MASK_HASH          mask_hash({col}): SHA-256 hex of a string, NULL for any other type
 *   MASK_NULL          NULL
 *   MASK_NONE          the value
 *   MASK_DATE_SHOW_YEAR mask({col}, 'x', 'x', 'x', -1, '1', 1, 0, -1): a date keeps its year (YYYY-01-01)
 *   CUSTOM             valueExpr with {col} replaced by the value (NULL when blank)
 * Hive's mask functions accept strings, integers and dates only: any other type masks to NULL, never to the
 * clear value. SHOW_*_4 leaves a value of 4 characters (digits) or fewer as it is.
 */
export function maskExpression(
  d: MaskSqlPrimitives,
  info: DataMaskInfo,
  family: TypeFamily,
  dataType: string,
  arg: string,
): string {
  const type = info.dataMaskType.toUpperCase();
  switch (type) {
    case 'MASK_NONE':
      return arg;
    case 'MASK_NULL':
      return 'NULL';
    case 'MASK_HASH':
      return family === 'string' ? `SHA2(${arg}, 256)` : 'NULL';
    case 'CUSTOM': {
      const text = customText(info, arg);
      return text === undefined ? 'NULL' : `(${text})`;
    }
    case 'MASK':
      if (family === 'string') return maskChars(d, arg, 'X', 'x', 'n');
      if (family === 'integer') return maskDigits(d, arg, dataType);
      if (family === 'date') return dateLiteral(d, '0001-01-01', arg);
      return 'NULL';
    case 'MASK_SHOW_LAST_4':
    case 'MASK_SHOW_FIRST_4': {
      const last = type === 'MASK_SHOW_LAST_4';
      if (family === 'string') return showFour(arg, last, (e) => maskChars(d, e, 'x', 'x', 'x'), arg);
      if (family === 'integer') {
        const text = d.toText(arg);
        return `CASE WHEN ${arg} IS NULL THEN NULL ELSE ${d.toInteger(
          showFour(text, last, (e) => digitsToOne(d, e), text),
          dataType,
        )} END`;
      }
      return 'NULL';
    }
    case 'MASK_DATE_SHOW_YEAR':
      if (family === 'date' || family === 'timestamp') return d.truncateToYear(arg, family);
      if (family === 'string') return maskChars(d, arg, 'x', 'x', 'x');
      if (family === 'integer') return maskDigits(d, arg, dataType);
      return 'NULL';
    default:
      // An unknown mask type must never leave the value clear.
      return 'NULL';
  }
}

const maskChars = (d: MaskSqlPrimitives, e: string, upper: string, lower: string, digit: string) =>
  upper === lower && lower === digit
    ? `REGEXP_REPLACE(${e}, ${d.literal('[A-Za-z0-9]')}, ${d.literal(upper)})`
    : `REGEXP_REPLACE(REGEXP_REPLACE(REGEXP_REPLACE(${e}, ${d.literal('[A-Z]')}, ${d.literal(upper)}), ${d.literal('[a-z]')}, ${d.literal(lower)}), ${d.literal('[0-9]')}, ${d.literal(digit)})`;

const digitsToOne = (d: MaskSqlPrimitives, e: string) =>
  `REGEXP_REPLACE(${e}, ${d.literal('[0-9]')}, ${d.literal('1')})`;

// The sign is not a digit: -123 masks to -111, as Hive's number transformer does.
const maskDigits = (d: MaskSqlPrimitives, arg: string, dataType: string) =>
  `CASE WHEN ${arg} IS NULL THEN NULL ELSE ${d.toInteger(digitsToOne(d, d.toText(arg)), dataType)} END`;

/** Keeps the first or last four characters and masks the rest; four or fewer stay as they are. */
function showFour(e: string, last: boolean, mask: (e: string) => string, whole: string): string {
  const masked = last
    ? `${mask(`LEFT(${e}, LENGTH(${e}) - 4)`)} || RIGHT(${e}, 4)`
    : `LEFT(${e}, 4) || ${mask(`RIGHT(${e}, LENGTH(${e}) - 4)`)}`;
  return `CASE WHEN LENGTH(${e}) <= 4 THEN ${whole} ELSE ${masked} END`;
}

// A masked date keeps NULL as NULL; any other value becomes Hive's 0001-01-01.
const dateLiteral = (d: MaskSqlPrimitives, iso: string, arg: string) =>
  `CASE WHEN ${arg} IS NULL THEN NULL ELSE CAST(${d.literal(iso)} AS DATE) END`;

const TYPE_TEXT = /^[A-Za-z0-9_<>(),: ]+$/;
const CLOSES: Record<string, string> = { ')': '(', '>': '<' };

/**
 * Null when a data type's text is made of type words, numbers and brackets closed in order — `DECIMAL(10,2)`,
 * `map<string,array<int>>`, `struct<a:int,b:string>` — so that, spliced into `f(val <type>)` or `CAST(x AS <type>)`,
 * it cannot close the enclosing bracket or add anything after it. Anything else (quoted field names included) is
 * refused: such a column is not masked, and its table is not granted until it can be.
 */
export function typeTextProblem(text: string): string | null {
  if (!TYPE_TEXT.test(text)) return 'it holds characters other than letters, digits, _ , : ( ) < > and spaces';
  const open: string[] = [];
  for (const c of text) {
    if (c === '(' || c === '<') open.push(c);
    else if (c in CLOSES && open.pop() !== CLOSES[c]) return `its ${c} closes nothing it opened`;
  }
  return open.length === 0 ? null : 'it leaves a bracket open';
}
