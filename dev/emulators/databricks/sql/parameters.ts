import { DatabricksSqlError } from '../errors.js';
import { tokenize } from './lexer.js';

/** A bound value as the driver sends it (TSparkParameter): a name or a position, a Spark type, a string value. */
export interface BoundParameter {
  name?: string;
  type?: string;
  value?: { stringValue?: string };
}

const NUMERIC = new Set(['INTEGER', 'INT', 'BIGINT', 'SMALLINT', 'TINYINT', 'DOUBLE', 'FLOAT', 'DECIMAL']);

function literal(p: BoundParameter): string {
  const value = p.value?.stringValue;
  if (value === undefined) return 'NULL';
  const type = p.type?.toUpperCase() ?? 'STRING';
  if (NUMERIC.has(type) && /^-?[0-9.eE+-]+$/.test(value)) return value;
  if (type === 'BOOLEAN') return value.toLowerCase() === 'true' ? 'TRUE' : 'FALSE';
  return `'${value.replaceAll('\\', '\\\\').replaceAll("'", "\\'")}'`;
}

/**
 * Replaces `:name` and `?` markers with literals, so parameterized statements run like inline ones.
 * Markers inside strings and backquoted names are untouched (the tokenizer skips them).
 */
export function bindParameters(sql: string, parameters: readonly BoundParameter[] | undefined): string {
  if (!parameters || parameters.length === 0) return sql;
  const named = new Map(parameters.filter((p) => p.name).map((p) => [p.name!, p]));
  const positional = parameters.filter((p) => !p.name);
  const tokens = tokenize(sql);
  let out = '',
    last = 0,
    nextPositional = 0;
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i]!;
    if (t.kind !== 'punct') continue;
    if (t.text === '?') {
      const p = positional[nextPositional++];
      if (!p)
        throw new DatabricksSqlError(
          'UNBOUND_SQL_PARAMETER',
          `Found the unbound parameter: _${nextPositional}.`,
          '42P02',
        );
      out += sql.slice(last, t.pos) + literal(p);
      last = t.pos + 1;
    } else if (t.text === ':' && tokens[i + 1]?.kind === 'word' && tokens[i + 1]!.pos === t.pos + 1) {
      const name = tokens[i + 1]!.text;
      const p = named.get(name);
      if (!p) throw new DatabricksSqlError('UNBOUND_SQL_PARAMETER', `Found the unbound parameter: ${name}.`, '42P02');
      out += sql.slice(last, t.pos) + literal(p);
      last = t.pos + 1 + name.length;
      i++;
    }
  }
  return out + sql.slice(last);
}
