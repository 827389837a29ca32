import { checkExpression, type Lexicon } from '../../plan/masking/expression-check.js';
import { generatedPolicyName } from '../../plan/masking/policy-name.js';
import type { MaskSqlDialect, TypeFamily } from '../masking-port.js';
import { filterBodySql, type MaskSqlPrimitives, maskBodySql, typeTextProblem } from '../masking-sql.js';
import { mapName, type PrincipalNaming } from '../principal-names.js';

// "Object names cannot exceed 255 characters" and "Unity Catalog stores all object names as lowercase"
// (docs.databricks.com/aws/en/data-governance/unity-catalog/requirements).
const NAME_STYLE = { case: 'lower', maxLength: 255 } as const;

/** A Spark SQL string literal: backslash escapes are on by default, so `\` and `'` are both escaped with `\`. */
export const databricksLiteral = (value: string) => `'${value.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;

/**
 * Spark SQL's quoted tokens: string literals in `'` or `"` (backslash escapes; `"` is an identifier under ANSI
 * double-quoted identifiers), raw strings `r'...'`, identifiers in backquotes (doubled only).
 */
const SPARK_LEXICON: Lexicon = {
  quotes: { "'": { backslash: true }, '"': { backslash: true }, '`': { backslash: false } },
  word: /[A-Za-z0-9_]/,
  dollarStrings: false,
  rawStrings: true,
};

export function databricksFamily(dataType: string): TypeFamily {
  const t = dataType.trim().toLowerCase();
  if (/^(string|varchar|char)\b/.test(t)) return 'string';
  if (/^(int|integer|bigint|long|smallint|short|tinyint|byte)\b/.test(t)) return 'integer';
  const dec = /^(decimal|numeric|dec)\s*(?:\(\s*\d+\s*(?:,\s*(\d+)\s*)?\))?$/.exec(t);
  if (dec) return dec[2] === undefined || Number(dec[2]) === 0 ? 'integer' : 'decimal';
  if (/^(float|double|real)\b/.test(t)) return 'float';
  if (t === 'date') return 'date';
  if (t.startsWith('timestamp')) return 'timestamp';
  if (t === 'boolean') return 'boolean';
  return 'other';
}

/**
 * Column masks and row filters as SQL UDFs in `<catalog>.<governanceSchema>`. Ranger groups and roles are
 * account groups (Unity Catalog has no roles); users are compared with current_user() by their mapped name.
 */
export function databricksMaskingDialect(
  naming: PrincipalNaming,
  governanceSchema: string,
): MaskSqlDialect & MaskSqlPrimitives {
  const primitives: MaskSqlPrimitives = {
    literal: databricksLiteral,
    principalCondition: (type, name) =>
      type === 'user'
        ? `current_user() = ${databricksLiteral(mapName(name, naming, naming.userRoleTemplate))}`
        : `is_account_group_member(${databricksLiteral(mapName(name, naming))})`,
    toText: (e) => `CAST(${e} AS STRING)`,
    toInteger: (e, dataType) => `CAST(${e} AS ${dataType.trim().toUpperCase()})`,
    truncateToYear: (e, family) => (family === 'date' ? `trunc(${e}, 'YEAR')` : `date_trunc('YEAR', ${e})`),
    argument: (name) => name,
  };
  return {
    ...primitives,
    familyOf: databricksFamily,
    signatureType: (family, dataType) => (family === 'string' ? 'STRING' : dataType.trim().toUpperCase()),
    typeProblem: typeTextProblem,
    checkExpression: (text) => checkExpression(text, SPARK_LEXICON),
    // As stored, so the name compares equal to what information_schema.routines lists.
    policyName: (target, signature, family) => [
      target.table[0] ?? '',
      governanceSchema.toLowerCase(),
      generatedPolicyName(target, signature, family, NAME_STYLE),
    ],
    viewsTakePolicies: false,
    maskBody: (body) => maskBodySql(primitives, body),
    filterBody: (body) => filterBodySql(primitives, body),
  };
}
