import type { Attachment, ColumnInfo, PolicyKind } from '../masking-port.js';
import { type Securable, securableKey } from '../securable.js';
import { informationSchema, qualified } from './dialect.js';
import type { Branch } from './union-query.js';

type Row = Record<string, unknown>;
const text = (v: unknown) => (v === null || v === undefined ? '' : String(v));

/**
 * What the masking sync needs to know of one table, read live from INFORMATION_SCHEMA: its columns with data
 * types (COLUMN rows) and the policies attached to it or its columns (REF rows, from POLICY_REFERENCES).
 * They are branches so that the catalog read of a table carries them in its own round trip.
 */
export function maskingStateBranches(path: readonly string[]): Branch[] {
  const [database, schema, table] = path as [string, string, string];
  const info = informationSchema(database);
  return [
    {
      kind: 'COLUMN',
      columns: ['TABLE_SCHEMA', 'TABLE_NAME', 'COLUMN_NAME', 'DATA_TYPE', 'TO_VARCHAR(NUMERIC_SCALE)'],
      from: `${info}.COLUMNS WHERE TABLE_SCHEMA = ? AND TABLE_NAME = ?`,
      binds: [schema, table],
    },
    {
      kind: 'REF',
      columns: [
        'REF_SCHEMA_NAME',
        'REF_ENTITY_NAME',
        'REF_COLUMN_NAME',
        'POLICY_KIND',
        'POLICY_DB',
        'POLICY_SCHEMA',
        'POLICY_NAME',
      ],
      from: `TABLE(${info}.POLICY_REFERENCES(REF_ENTITY_NAME => ?, REF_ENTITY_DOMAIN => 'table'))`,
      binds: [qualified(path)],
    },
  ];
}

export interface TableMaskingState {
  columns: Record<string, ColumnInfo[]>;
  attachments: Attachment[];
  /** Every policy attached to the tables, by its three-part name. */
  attached: Map<string, { kind: PolicyKind; name: string[] }>;
}

export const policyKey = (name: readonly string[]) => name.join('\u0000');

/** The COLUMN and REF rows of the tables' branches; other rows of the same read are left alone. */
export function maskingStateFrom(tables: Securable[], rows: Row[]): TableMaskingState {
  const state: TableMaskingState = { columns: {}, attachments: [], attached: new Map() };
  const bySchemaAndName = new Map<string, Securable>();
  for (const t of tables)
    if (!bySchemaAndName.has(policyKey(t.path.slice(1)))) bySchemaAndName.set(policyKey(t.path.slice(1)), t);
  for (const r of rows) {
    if (r.KIND !== 'COLUMN' && r.KIND !== 'REF') continue;
    const table = bySchemaAndName.get(policyKey([text(r.A), text(r.B)]));
    if (!table) continue;
    if (r.KIND === 'COLUMN') {
      const dataType = text(r.D) === 'NUMBER' ? `NUMBER(38,${text(r.E) || '0'})` : text(r.D);
      (state.columns[securableKey(table)] ??= []).push({ name: text(r.C), dataType });
    } else {
      const kind: PolicyKind = text(r.D) === 'ROW_ACCESS_POLICY' ? 'filter' : 'mask';
      const name = [text(r.E), text(r.F), text(r.G)];
      state.attached.set(policyKey(name), { kind, name });
      state.attachments.push({ kind, table, ...(kind === 'mask' ? { column: text(r.C) } : {}), policy: name });
    }
  }
  return state;
}
