import { type ResultSet, rowsByName, STATEMENT_TYPE, text } from '../result-set.js';
import { doesNotExist } from '../sql-error.js';
import type { Statement } from '../statement.js';
import { columnTypeInfo } from './column-type.js';
import { type ExecContext, qualify } from './context.js';
import { requireSchema } from './show.js';

const DESCRIBE_COLUMNS = [
  text('name'),
  text('type'),
  text('kind'),
  text('null?'),
  text('default'),
  text('primary key'),
  text('unique key'),
  text('check'),
  text('expression'),
  text('comment'),
  text('policy name'),
  text('privacy domain'),
];

/** DESCRIBE TABLE / VIEW: one row per column, with Snowflake's canonical type spelling (VARCHAR(n), NUMBER(p,s)). */
export function executeDescribe(ctx: ExecContext, s: Extract<Statement, { kind: 'describe' }>): ResultSet {
  const path = qualify(ctx, s.path, 3, 'DESCRIBE');
  const { schema } = requireSchema(ctx.account, path);
  const t = schema.tables.get(path[2]!);
  // DESCRIBE TABLE also describes a view in Snowflake; DESCRIBE VIEW needs a view.
  if (!t || (s.type === 'VIEW' && t.kind !== 'VIEW')) throw doesNotExist(s.type === 'VIEW' ? 'View' : 'Table', path);
  return {
    columns: DESCRIBE_COLUMNS,
    rows: rowsByName(
      DESCRIBE_COLUMNS,
      t.columns.map((c) => ({
        name: c.name,
        type: canonicalType(c.type),
        kind: 'COLUMN',
        'null?': c.nullable ? 'Y' : 'N',
        default: null,
        'primary key': 'N',
        'unique key': 'N',
        check: null,
        expression: null,
        comment: c.comment,
        'policy name': null,
        'privacy domain': null,
      })),
    ),
    statementTypeId: STATEMENT_TYPE.SHOW,
  };
}

function canonicalType(sqlType: string): string {
  const info = columnTypeInfo(sqlType);
  if (info.dataType === 'TEXT') return `VARCHAR(${info.length})`;
  if (info.dataType === 'NUMBER') return `NUMBER(${info.precision},${info.scale})`;
  if (info.dataType.startsWith('TIMESTAMP')) return `${info.dataType}(${info.scale})`;
  return info.dataType;
}
