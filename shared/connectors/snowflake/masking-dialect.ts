import { checkExpression, type Lexicon } from '../../plan/masking/expression-check.js';
import { markerComment } from '../../plan/masking/marker.js';
import { generatedPolicyName } from '../../plan/masking/policy-name.js';
import type { Marker, MaskSqlDialect, PolicyKind, TypeFamily } from '../masking-port.js';
import { filterBodySql, type MaskSqlPrimitives, maskBodySql, typeTextProblem } from '../masking-sql.js';
import { mapName, type PrincipalNaming } from '../principal-names.js';
import type { Securable } from '../securable.js';
import { qualified, quoteIdent } from './dialect.js';

// "Regardless of whether an identifier is unquoted or double-quoted, the maximum number of characters allowed is
// 255" (docs.snowflake.com/en/sql-reference/identifiers-syntax); unquoted ones are stored upper-case.
const NAME_STYLE = { case: 'upper', maxLength: 255 } as const;

/** A string literal: Snowflake reads backslash escapes inside single quotes, so both `'` and `\` are escaped. */
export const snowflakeLiteral = (value: string) => `'${value.replace(/\\/g, '\\\\').replace(/'/g, "''")}'`;

/**
 * Snowflake's quoted tokens: string literals in `'` (doubled `''` and backslash escapes), identifiers in `"`
 * (doubled `""` only), `$$` strings; unquoted names take `$`.
 */
const SNOWFLAKE_LEXICON: Lexicon = {
  quotes: { "'": { backslash: true }, '"': { backslash: false } },
  word: /[A-Za-z0-9_$]/,
  dollarStrings: true,
  rawStrings: false,
};

export function snowflakeFamily(dataType: string): TypeFamily {
  const t = dataType.trim().toUpperCase();
  const m = /^(NUMBER|NUMERIC|DECIMAL)\s*(?:\(\s*\d+\s*(?:,\s*(\d+)\s*)?\))?$/.exec(t);
  if (m) return m[2] === undefined || Number(m[2]) === 0 ? 'integer' : 'decimal';
  if (/^(INT|INTEGER|BIGINT|SMALLINT|TINYINT|BYTEINT)\b/.test(t)) return 'integer';
  if (/^(FLOAT|FLOAT4|FLOAT8|DOUBLE|REAL)\b/.test(t)) return 'float';
  if (/^(VARCHAR|STRING|TEXT|CHAR|CHARACTER|NVARCHAR|NCHAR)\b/.test(t)) return 'string';
  if (t === 'DATE') return 'date';
  if (/^(TIMESTAMP|DATETIME)/.test(t)) return 'timestamp';
  if (t === 'BOOLEAN') return 'boolean';
  return 'other';
}

/**
 * Masking policies and row access policies in `<database>.<governanceSchema>`, one per column (and type family)
 * and one per table. Roles and groups are roles in Snowflake (IS_ROLE_IN_SESSION also sees roles the current
 * role inherits); users are compared with CURRENT_USER().
 */
export function snowflakeMaskingDialect(
  naming: PrincipalNaming,
  governanceSchema: string,
): MaskSqlDialect & MaskSqlPrimitives {
  const primitives: MaskSqlPrimitives = {
    literal: snowflakeLiteral,
    principalCondition: (type, name) =>
      type === 'user'
        ? `CURRENT_USER() = ${snowflakeLiteral(mapName(name, naming))}`
        : `IS_ROLE_IN_SESSION(${snowflakeLiteral(mapName(name, naming))})`,
    toText: (e) => `TO_VARCHAR(${e})`,
    toInteger: (e) => `TO_NUMBER(${e})`,
    truncateToYear: (e) => `DATE_TRUNC('YEAR', ${e})`,
    argument: (name) => name,
  };
  return {
    ...primitives,
    familyOf: snowflakeFamily,
    signatureType: (family, dataType) => {
      switch (family) {
        case 'string':
          return 'VARCHAR';
        case 'integer':
          return 'NUMBER';
        case 'date':
          return 'DATE';
        case 'boolean':
          return 'BOOLEAN';
        case 'float':
          return 'FLOAT';
        default:
          return dataType.trim().toUpperCase();
      }
    },
    typeProblem: typeTextProblem,
    checkExpression: (text) => checkExpression(text, SNOWFLAKE_LEXICON),
    policyName: (target, signature, family) => [
      target.table[0] ?? '',
      governanceSchema,
      generatedPolicyName(target, signature, family, NAME_STYLE),
    ],
    viewsTakePolicies: true,
    maskBody: (body) => maskBodySql(primitives, body),
    filterBody: (body) => filterBodySql(primitives, body),
  };
}

const objectWord = (kind: PolicyKind) => (kind === 'mask' ? 'MASKING POLICY' : 'ROW ACCESS POLICY');
const onWord = (s: Securable) => (s.kind === 'view' ? 'VIEW' : 'TABLE');

export const createPolicySql = (p: {
  kind: PolicyKind;
  name: string[];
  args: { name: string; dataType: string }[];
  returns: string;
  body: string;
  marker: Marker;
}) => {
  const args = p.args.map((a) => `${p.kind === 'mask' ? a.name : quoteIdent(a.name)} ${a.dataType}`).join(', ');
  return `CREATE ${objectWord(p.kind)} ${qualified(p.name)} AS (${args}) RETURNS ${p.returns} -> ${p.body} COMMENT = ${snowflakeLiteral(markerComment(p.marker))}`;
};
export const alterBodySql = (kind: PolicyKind, name: string[], body: string) =>
  `ALTER ${objectWord(kind)} ${qualified(name)} SET BODY -> ${body}`;
export const alterCommentSql = (kind: PolicyKind, name: string[], m: Marker) =>
  `ALTER ${objectWord(kind)} ${qualified(name)} SET COMMENT = ${snowflakeLiteral(markerComment(m))}`;
export const dropPolicySql = (kind: PolicyKind, name: string[]) => `DROP ${objectWord(kind)} ${qualified(name)}`;
export const setMaskSql = (table: Securable, column: string, policy: string[], force: boolean) =>
  `ALTER ${onWord(table)} ${qualified(table.path)} MODIFY COLUMN ${quoteIdent(column)} SET MASKING POLICY ${qualified(policy)}${force ? ' FORCE' : ''}`;
export const unsetMaskSql = (table: Securable, column: string) =>
  `ALTER ${onWord(table)} ${qualified(table.path)} MODIFY COLUMN ${quoteIdent(column)} UNSET MASKING POLICY`;
export const addRowPolicySql = (table: Securable, policy: string[], columns: string[]) =>
  `ALTER ${onWord(table)} ${qualified(table.path)} ADD ROW ACCESS POLICY ${qualified(policy)} ON (${columns.map(quoteIdent).join(', ')})`;
/** Snowflake swaps a row access policy in one statement: the table is never without one in between. */
export const swapRowPolicySql = (table: Securable, from: string[], policy: string[], columns: string[]) =>
  `ALTER ${onWord(table)} ${qualified(table.path)} DROP ROW ACCESS POLICY ${qualified(from)}, ADD ROW ACCESS POLICY ${qualified(policy)} ON (${columns.map(quoteIdent).join(', ')})`;
export const dropRowPolicySql = (table: Securable, policy: string[]) =>
  `ALTER ${onWord(table)} ${qualified(table.path)} DROP ROW ACCESS POLICY ${qualified(policy)}`;
