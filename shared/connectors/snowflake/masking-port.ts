import type { LoadedResource } from '../connector.js';
import { withBackoff } from '../../backoff.js';
import { ConnectorError, isTransient } from '../errors.js';
import { applyOneAtATime, plannedStatements } from '../../sync/masking/apply-steps.js';
import { parseMarker } from '../../sync/masking/marker.js';
import type {
  Attachment, ColumnInfo, ExistingPolicy, MaskingOptions, MaskingPort, MaskingState, MaskStep, MaskStepOutcome, PolicyKind,
} from '../../sync/masking/model.js';
import { quoteIdent, qualified } from './dialect.js';
import {
  addRowPolicySql, alterBodySql, alterCommentSql, createPolicySql, dropPolicySql, dropRowPolicySql, setMaskSql, snowflakeMaskingDialect, swapRowPolicySql, unsetMaskSql,
} from './masking-dialect.js';
import type { SnowflakeSession } from './session.js';

type Row = Record<string, unknown>;
const text = (v: unknown) => (v === null || v === undefined ? '' : String(v));

/**
 * Masking policies and row access policies for the Snowflake connector. State per table comes from
 * INFORMATION_SCHEMA.POLICY_REFERENCES (real time) with the columns' data types in the same UNION ALL read;
 * our own policies, orphans included, from SHOW ... POLICIES IN SCHEMA <governance>, whose comment carries
 * the marker.
 */
export class SnowflakeMasking implements MaskingPort {
  readonly dialect;
  readonly takeover: boolean;
  readonly takeoverSetting = 'CONNECTOR_SNOWFLAKE_MASKING_TAKEOVER';

  constructor(private readonly session: SnowflakeSession, private readonly options: MaskingOptions) {
    this.dialect = snowflakeMaskingDialect(options.naming, options.governanceSchema);
    this.takeover = options.takeover;
  }

  async read(loaded: LoadedResource): Promise<MaskingState> {
    const tables = loaded.objects.filter((s) => s.kind === 'table' || s.kind === 'view');
    if (tables.length === 0) return { columns: {}, attachments: [], policies: [] };
    const database = tables[0]!.path[0]!;
    const info = `${quoteIdent(database)}.INFORMATION_SCHEMA`;
    const branches: string[] = [];
    const binds: string[] = [];
    for (const t of tables) {
      branches.push(`SELECT 'COLUMN' AS KIND, TABLE_SCHEMA AS A, TABLE_NAME AS B, COLUMN_NAME AS C, DATA_TYPE AS D, TO_VARCHAR(NUMERIC_SCALE) AS E, NULL AS F, NULL AS G FROM ${info}.COLUMNS WHERE TABLE_SCHEMA = ? AND TABLE_NAME = ?`);
      binds.push(t.path[1]!, t.path[2]!);
      branches.push(`SELECT 'REF', REF_SCHEMA_NAME, REF_ENTITY_NAME, REF_COLUMN_NAME, POLICY_KIND, POLICY_DB, POLICY_SCHEMA, POLICY_NAME FROM TABLE(${info}.POLICY_REFERENCES(REF_ENTITY_NAME => ?, REF_ENTITY_DOMAIN => 'table'))`);
      binds.push(qualified(t.path));
    }
    // The policy listings do not depend on the references: all three reads run side by side.
    const [rows, masks, filters] = await Promise.all([
      this.session.query(branches.join(' UNION ALL '), binds), this.showPolicies(database, 'mask'), this.showPolicies(database, 'filter'),
    ]);

    const columns: Record<string, ColumnInfo[]> = {};
    const attachments: Attachment[] = [];
    const refNames = new Map<string, { kind: PolicyKind; name: string[] }>();
    for (const r of rows) {
      const table = tables.find((t) => t.path[1] === text(r.A) && t.path[2] === text(r.B));
      if (!table) continue;
      if (r.KIND === 'COLUMN') {
        const dataType = text(r.D) === 'NUMBER' ? `NUMBER(38,${text(r.E) || '0'})` : text(r.D);
        (columns[table.path.join('.')] ??= []).push({ name: text(r.C), dataType });
      } else if (r.KIND === 'REF') {
        const kind: PolicyKind = text(r.D) === 'ROW_ACCESS_POLICY' ? 'filter' : 'mask';
        const name = [text(r.E), text(r.F), text(r.G)];
        refNames.set(name.join('\u0000'), { kind, name });
        attachments.push({ kind, table, ...(kind === 'mask' ? { column: text(r.C) } : {}), policy: name });
      }
    }

    const policies = new Map<string, ExistingPolicy>();
    const prefixes = tables.map((t) => `${t.path[1]}$${t.path[2]}$`);
    for (const [kind, listed] of [['mask', masks], ['filter', filters]] as const) {
      for (const r of listed) {
        const name = [text(r.database_name), text(r.schema_name), text(r.name)];
        const key = name.join('\u0000');
        const marker = parseMarker(r.comment);
        // Ours for these tables (orphans included), and anything attached to them.
        if ((marker && prefixes.some((p) => name[2]!.startsWith(p))) || refNames.has(key)) policies.set(key, { kind, name, marker });
      }
    }
    for (const [key, ref] of refNames) if (!policies.has(key)) policies.set(key, { kind: ref.kind, name: ref.name, marker: null });
    return { columns, attachments, policies: [...policies.values()] };
  }

  private async showPolicies(database: string, kind: PolicyKind): Promise<Row[]> {
    const what = kind === 'mask' ? 'MASKING POLICIES' : 'ROW ACCESS POLICIES';
    try {
      return await this.session.query(`SHOW ${what} IN SCHEMA ${qualified([database, this.options.governanceSchema])}`);
    } catch (err) {
      if (err instanceof ConnectorError && err.code === 'NOT_FOUND') return [];
      throw err;
    }
  }

  statements(step: MaskStep): string[] {
    switch (step.op) {
      case 'CREATE': return [createPolicySql(step.policy)];
      case 'ALTER_BODY': return [alterBodySql(step.policy.kind, step.policy.name, step.policy.body), alterCommentSql(step.policy.kind, step.policy.name, step.policy.marker)];
      case 'ATTACH': case 'SWAP': {
        const p = step.policy;
        if (p.kind === 'mask') return [setMaskSql(p.table, p.column!, p.name, step.op === 'SWAP')];
        const cols = p.args.map((a) => a.name);
        return [step.op === 'SWAP' ? swapRowPolicySql(p.table, step.from, p.name, cols) : addRowPolicySql(p.table, p.name, cols)];
      }
      case 'DETACH': return [step.kind === 'mask' ? unsetMaskSql(step.table, step.column!) : dropRowPolicySql(step.table, step.policyName)];
      case 'DROP': return [dropPolicySql(step.kind, step.policyName)];
    }
  }

  /**
   * The steps in order, in one scripting block (one round trip). When the block fails, the statements run one
   * at a time from the start — CREATE of an object the block already made counts as done — and stop at the
   * first failure, so a later DETACH or DROP never runs after a failed ATTACH.
   */
  async apply(steps: MaskStep[]): Promise<MaskStepOutcome[]> {
    const planned = plannedStatements(steps, (step) => this.statements(step), qualified);
    if (planned.length === 0) return [];
    try {
      await withBackoff(() => this.session.query(`BEGIN\n${planned.map((p) => `  ${p.sql};`).join('\n')}\nEND;`), isTransient);
      return planned.map((p) => ({ ...p, ok: true }));
    } catch {
      // fall through: find the failing statement
    }
    // 002002: the object already exists — the block made it before it failed.
    return applyOneAtATime(planned, (sql) => this.session.query(sql), (p, e) => p.step.op === 'CREATE' && e.detail?.warehouseCode === '002002');
  }
}
