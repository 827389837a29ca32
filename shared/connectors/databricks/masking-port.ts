import { markerComment } from '../../plan/masking/marker.js';
import type { LoadedResource } from '../loaded-resource.js';
import type {
  Attachment,
  ColumnInfo,
  DesiredPolicy,
  ExistingPolicy,
  MaskingOptions,
  MaskingPort,
  MaskingState,
  MaskStep,
  MaskStepOutcome,
} from '../masking-port.js';
import { ownedMarker } from '../masking-port.js';
import { applyOneAtATime, plannedStatements } from '../masking-statements.js';
import { type Securable, securableKey } from '../securable.js';
import { qualified, quoteIdent } from './dialect.js';
import { databricksLiteral, databricksMaskingDialect } from './masking-dialect.js';
import type { DatabricksStatements } from './statements.js';

const text = (v: unknown) => (v === null || v === undefined ? '' : String(v));

/**
 * Column masks and row filters for the Unity Catalog connector: SQL UDFs in `<catalog>.<governanceSchema>`
 * whose COMMENT carries our marker, which names the table and column each was made for. State from
 * `<catalog>.information_schema.columns`, `column_masks`, `row_filters` and `routines` (the four reads run side
 * by side). A body change is CREATE OR REPLACE FUNCTION (UDFs have no ALTER BODY); SET MASK and SET ROW FILTER
 * replace what is attached in one statement.
 */
export class DatabricksMasking implements MaskingPort {
  readonly dialect;
  readonly takeover: boolean;
  readonly takeoverSetting = 'CONNECTOR_DATABRICKS_UNITY_CATALOG_MASKING_TAKEOVER';

  constructor(
    private readonly session: DatabricksStatements,
    private readonly options: MaskingOptions,
    /** Who the session runs as (`DatabricksConnector.identity`): only what they own can carry our marker. */
    private readonly identity: () => Promise<{ name: string }[]>,
  ) {
    this.dialect = databricksMaskingDialect(options.naming, options.governanceSchema);
    this.takeover = options.takeover;
  }

  async read(loaded: LoadedResource): Promise<MaskingState> {
    const tables = loaded.objects.filter((s) => s.kind === 'table' || s.kind === 'view');
    if (tables.length === 0) return { columns: {}, attachments: [], policies: [] };
    const catalog = tables[0]!.path[0]!;
    const schemas = [...new Set(tables.map((t) => t.path[1]!))];
    const info = `${quoteIdent(catalog)}.information_schema`;
    const oneTable = tables.length === 1 ? tables[0]!.path[2]! : undefined;
    const where = (schemaCol: string, tableCol: string) =>
      oneTable !== undefined
        ? ` WHERE ${schemaCol} = :schema AND ${tableCol} = :table`
        : schemas.length === 1
          ? ` WHERE ${schemaCol} = :schema`
          : '';
    const params: Record<string, string> = {
      ...(schemas.length === 1 ? { schema: schemas[0]! } : {}),
      ...(oneTable !== undefined ? { table: oneTable } : {}),
    };
    const [columnRows, maskRows, filterRows, routineRows, us] = await Promise.all([
      this.session.query(
        `SELECT table_schema, table_name, column_name, full_data_type FROM ${info}.columns${where('table_schema', 'table_name')}`,
        params,
      ),
      // column_masks and row_filters name the table's schema `schema_name`, unlike columns and tables.
      this.session.query(
        `SELECT schema_name AS table_schema, table_name, column_name, mask_catalog, mask_schema, mask_name FROM ${info}.column_masks${where('schema_name', 'table_name')}`,
        params,
      ),
      this.session.query(
        `SELECT schema_name AS table_schema, table_name, filter_catalog, filter_schema, filter_name FROM ${info}.row_filters${where('schema_name', 'table_name')}`,
        params,
      ),
      this.session.query(
        `SELECT routine_schema, routine_name, routine_owner, comment FROM ${info}.routines WHERE routine_schema = :governance`,
        { governance: this.options.governanceSchema.toLowerCase() },
      ),
      this.identity(),
    ]);
    const tableOf = (r: Record<string, unknown>) =>
      tables.find((t) => t.path[1] === text(r.table_schema) && t.path[2] === text(r.table_name));
    const columns: Record<string, ColumnInfo[]> = {};
    for (const r of columnRows) {
      const t = tableOf(r);
      if (t) (columns[securableKey(t)] ??= []).push({ name: text(r.column_name), dataType: text(r.full_data_type) });
    }
    const attachments: Attachment[] = [];
    for (const r of maskRows) {
      const t = tableOf(r);
      if (t)
        attachments.push({
          kind: 'mask',
          table: t,
          column: text(r.column_name),
          policy: [text(r.mask_catalog), text(r.mask_schema), text(r.mask_name)],
        });
    }
    for (const r of filterRows) {
      const t = tableOf(r);
      if (t)
        attachments.push({
          kind: 'filter',
          table: t,
          policy: [text(r.filter_catalog), text(r.filter_schema), text(r.filter_name)],
        });
    }
    // Every function of the governance schema (whose name a new one must not take) and whatever is attached to
    // these tables; which of them are ours to change, and for which target, is their marker's to say.
    const policies = new Map<string, ExistingPolicy>();
    const attachedKind = new Map(attachments.map((a) => [JSON.stringify(a.policy), a.kind]));
    for (const r of routineRows) {
      const name = [catalog, text(r.routine_schema), text(r.routine_name)];
      // Unity Catalog principals (user e-mails, service principal ids) compare without case.
      const marker = ownedMarker(
        r.comment,
        text(r.routine_owner),
        us.map((p) => p.name),
        (a, b) => a.toLowerCase() === b.toLowerCase(),
      );
      // A function neither attached nor marked for a target is only a name to keep clear of: its kind is moot.
      const kind = attachedKind.get(JSON.stringify(name)) ?? marker?.target?.kind ?? 'mask';
      policies.set(JSON.stringify(name), { kind, name, marker });
    }
    for (const a of attachments)
      if (!policies.has(JSON.stringify(a.policy)))
        policies.set(JSON.stringify(a.policy), { kind: a.kind, name: a.policy, marker: null });
    return { columns, attachments, policies: [...policies.values()] };
  }

  statements(step: MaskStep): string[] {
    switch (step.op) {
      case 'CREATE':
        return [functionSql(step.policy, false)];
      case 'ALTER_BODY':
        return [functionSql(step.policy, true)];
      case 'ATTACH':
      case 'SWAP': {
        const p = step.policy;
        return [
          p.kind === 'mask'
            ? `ALTER TABLE ${qualified(p.table.path)} ALTER COLUMN ${quoteIdent(p.column!)} SET MASK ${qualified(p.name)}`
            : `ALTER TABLE ${qualified(p.table.path)} SET ROW FILTER ${qualified(p.name)} ON (${p.args.map((a) => quoteIdent(a.name)).join(', ')})`,
        ];
      }
      case 'DETACH':
        return [detachSql(step.table, step.kind === 'mask' ? step.column : undefined)];
      case 'DROP':
        return [`DROP FUNCTION ${qualified(step.policyName)}`];
    }
  }

  /** One statement at a time (Databricks SQL has no multi-statement request); the first failure stops the rest. */
  async apply(steps: MaskStep[]): Promise<MaskStepOutcome[]> {
    return applyOneAtATime(
      plannedStatements(steps, (step) => this.statements(step), qualified),
      (sql) => this.session.query(sql),
    );
  }
}

function functionSql(p: DesiredPolicy, replace: boolean): string {
  const args = p.args.map((a) => `${quoteIdent(a.name)} ${a.dataType}`).join(', ');
  return `CREATE ${replace ? 'OR REPLACE ' : ''}FUNCTION ${qualified(p.name)}(${args}) RETURNS ${p.returns} COMMENT ${databricksLiteral(markerComment(p.marker))} RETURN ${p.body}`;
}

const detachSql = (table: Securable, column: string | undefined) =>
  column !== undefined
    ? `ALTER TABLE ${qualified(table.path)} ALTER COLUMN ${quoteIdent(column)} DROP MASK`
    : `ALTER TABLE ${qualified(table.path)} DROP ROW FILTER`;
