import type { DataMaskInfo } from '../../policy/index.js';
import type { MaskSqlDialect, TypeFamily } from '../../connectors/masking-port.js';

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
export function maskExpression(d: MaskSqlDialect, info: DataMaskInfo, family: TypeFamily, dataType: string, arg: string): string {
  const type = info.dataMaskType.toUpperCase();
  switch (type) {
    case 'MASK_NONE': return arg;
    case 'MASK_NULL': return 'NULL';
    case 'MASK_HASH': return family === 'string' ? `SHA2(${arg}, 256)` : 'NULL';
    case 'CUSTOM': {
      const text = customText(info, arg);
      return text === undefined ? 'NULL' : `(${text})`;
    }
    case 'MASK':
      if (family === 'string') return maskChars(d, arg, 'X', 'x', 'n');
      if (family === 'integer') return maskDigits(d, arg, dataType);
      if (family === 'date') return dateLiteral(d, '0001-01-01', arg);
      return 'NULL';
    case 'MASK_SHOW_LAST_4': case 'MASK_SHOW_FIRST_4': {
      const last = type === 'MASK_SHOW_LAST_4';
      if (family === 'string') return showFour(d, arg, last, (e) => maskChars(d, e, 'x', 'x', 'x'), arg);
      if (family === 'integer') {
        const text = d.toText(arg);
        return `CASE WHEN ${arg} IS NULL THEN NULL ELSE ${d.toInteger(showFour(d, text, last, (e) => digitsToOne(d, e), text), dataType)} END`;
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

/** The admin text a CUSTOM mask puts in the body, `{col}` replaced by the value; undefined when there is none. */
export function customText(info: DataMaskInfo, arg: string): string | undefined {
  const text = (info.valueExpr ?? '').trim();
  return info.dataMaskType.toUpperCase() !== 'CUSTOM' || text === '' ? undefined : text.replaceAll('{col}', arg);
}

/** Whether a mask leaves every value as it is (MASK_NONE, or a CUSTOM expression that is just the column). */
export function isClear(info: DataMaskInfo): boolean {
  const type = info.dataMaskType.toUpperCase();
  return type === 'MASK_NONE' || (type === 'CUSTOM' && (info.valueExpr ?? '').trim() === '{col}');
}

const maskChars = (d: MaskSqlDialect, e: string, upper: string, lower: string, digit: string) =>
  upper === lower && lower === digit
    ? `REGEXP_REPLACE(${e}, ${d.literal('[A-Za-z0-9]')}, ${d.literal(upper)})`
    : `REGEXP_REPLACE(REGEXP_REPLACE(REGEXP_REPLACE(${e}, ${d.literal('[A-Z]')}, ${d.literal(upper)}), ${d.literal('[a-z]')}, ${d.literal(lower)}), ${d.literal('[0-9]')}, ${d.literal(digit)})`;

const digitsToOne = (d: MaskSqlDialect, e: string) => `REGEXP_REPLACE(${e}, ${d.literal('[0-9]')}, ${d.literal('1')})`;

// The sign is not a digit: -123 masks to -111, as Hive's number transformer does.
const maskDigits = (d: MaskSqlDialect, arg: string, dataType: string) =>
  `CASE WHEN ${arg} IS NULL THEN NULL ELSE ${d.toInteger(digitsToOne(d, d.toText(arg)), dataType)} END`;

/** Keeps the first or last four characters and masks the rest; four or fewer stay as they are. */
function showFour(_d: MaskSqlDialect, e: string, last: boolean, mask: (e: string) => string, whole: string): string {
  const masked = last
    ? `${mask(`LEFT(${e}, LENGTH(${e}) - 4)`)} || RIGHT(${e}, 4)`
    : `LEFT(${e}, 4) || ${mask(`RIGHT(${e}, LENGTH(${e}) - 4)`)}`;
  return `CASE WHEN LENGTH(${e}) <= 4 THEN ${whole} ELSE ${masked} END`;
}

// A masked date keeps NULL as NULL; any other value becomes Hive's 0001-01-01.
const dateLiteral = (d: MaskSqlDialect, iso: string, arg: string) =>
  `CASE WHEN ${arg} IS NULL THEN NULL ELSE CAST(${d.literal(iso)} AS DATE) END`;
