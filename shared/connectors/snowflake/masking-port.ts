import { ConnectorError } from '../errors.js';
import type { LoadedResource } from '../loaded-resource.js';
import type {
  ExistingPolicy,
  MaskingOptions,
  MaskingPort,
  MaskingState,
  MaskStep,
  MaskStepOutcome,
  PolicyKind,
} from '../masking-port.js';
import { ownedMarker } from '../masking-port.js';
import { applyOneAtATime, plannedStatements } from '../masking-statements.js';
import { qualified } from './dialect.js';
import {
  addRowPolicySql,
  alterBodySql,
  alterCommentSql,
  createPolicySql,
  dropPolicySql,
  dropRowPolicySql,
  setMaskSql,
  snowflakeMaskingDialect,
  swapRowPolicySql,
  unsetMaskSql,
} from './masking-dialect.js';
import { maskingStateBranches, maskingStateFrom, policyKey } from './masking-state.js';
import type { SnowflakeSession } from './session.js';
import { unionQuery } from './union-query.js';

type Row = Record<string, unknown>;
const text = (v: unknown) => (v === null || v === undefined ? '' : String(v));

const LISTING_TTL_MS = 60_000;

/**
 * Masking policies and row access policies for the Snowflake connector. State per table comes live from
 * INFORMATION_SCHEMA (maskingStateBranches: columns with data types, POLICY_REFERENCES), in the catalog read
 * itself for a table; our own policies, orphans included, from SHOW ... POLICIES IN SCHEMA <governance>, whose
 * comment carries the marker that names the table and column each was made for. Those listings are kept for a
 * minute per database in this process: a listing that overlaps one of our own masking applies is never kept, and
 * one that misses a governance-schema policy POLICY_REFERENCES shows attached (another instance made it) is read
 * again at once. What the minute can still hide is a change someone else makes in the governance schema to a
 * policy attached nowhere.
 */
export class SnowflakeMasking implements MaskingPort {
  readonly dialect;
  readonly takeover: boolean;
  readonly takeoverSetting = 'CONNECTOR_SNOWFLAKE_MASKING_TAKEOVER';
  /** Rows of catalog reads that carried the masking state, for the read of the same load. */
  private readonly prefetched = new WeakMap<LoadedResource, Row[]>();
  private readonly listings = new Map<string, { at: number; generation: number; rows: Promise<[Row[], Row[]]> }>();
  /** Moves at the start and the end of every masking apply: a listing from another generation is stale. */
  private generation = 0;

  constructor(
    private readonly session: SnowflakeSession,
    private readonly options: MaskingOptions,
    /** The roles this connector runs as (`SnowflakeConnector.identity`): only what they own can carry our marker. */
    private readonly identity: () => Promise<{ name: string }[]>,
    private readonly clock: () => number = Date.now,
  ) {
    this.dialect = snowflakeMaskingDialect(options.naming, options.governanceSchema);
    this.takeover = options.takeover;
  }

  /** Keeps the masking rows a catalog read brought along, so `read` of that load needs no round trip of its own. */
  remember(loaded: LoadedResource, rows: Row[]): void {
    this.prefetched.set(loaded, rows);
  }

  async read(loaded: LoadedResource): Promise<MaskingState> {
    const tables = loaded.objects.filter((s) => s.kind === 'table' || s.kind === 'view');
    if (tables.length === 0) return { columns: {}, attachments: [], policies: [] };
    const database = tables[0]!.path[0]!;
    const stateRows = (): Promise<Row[]> => {
      const known = this.prefetched.get(loaded);
      if (known) return Promise.resolve(known);
      const q = unionQuery(tables.flatMap((t) => maskingStateBranches(t.path)));
      return this.session.query(q.sql, q.binds);
    };
    // The policy listings do not depend on the references: the reads run side by side.
    const [rows, kept, us] = await Promise.all([stateRows(), this.listing(database), this.identity()]);
    const { columns, attachments, attached } = maskingStateFrom(tables, rows);
    const listedNames = new Set(
      kept.flat().map((r) => policyKey([text(r.database_name), text(r.schema_name), text(r.name)])),
    );
    const unknownOfOurs = [...attached.values()].some(
      (a) => a.name[1] === this.options.governanceSchema && !listedNames.has(policyKey(a.name)),
    );
    const [masks, filters] = unknownOfOurs ? await this.listing(database, true) : kept;

    // Every object of the governance schema (whose name a new one must not take) and whatever is attached to
    // these tables; which of them are ours to change, and for which target, is their marker's to say.
    const policies = new Map<string, ExistingPolicy>();
    for (const [kind, listed] of [
      ['mask', masks],
      ['filter', filters],
    ] as const) {
      for (const r of listed) {
        const name = [text(r.database_name), text(r.schema_name), text(r.name)];
        // SHOW prints the owning role as stored, as CURRENT_ROLE() does: names compare exactly.
        const marker = ownedMarker(
          r.comment,
          text(r.owner),
          us.map((p) => p.name),
          (a, b) => a === b,
        );
        policies.set(policyKey(name), { kind, name, marker });
      }
    }
    for (const [key, ref] of attached)
      if (!policies.has(key)) policies.set(key, { kind: ref.kind, name: ref.name, marker: null });
    return { columns, attachments, policies: [...policies.values()] };
  }

  /**
   * Both policy listings of the database's governance schema, at most a minute old and from no earlier
   * generation (`fresh` reads them anew). A failed read is not kept, nor one that an apply of ours overlapped.
   */
  private listing(database: string, fresh = false): Promise<[Row[], Row[]]> {
    const kept = this.listings.get(database);
    if (!fresh && kept && kept.generation === this.generation && this.clock() - kept.at < LISTING_TTL_MS)
      return kept.rows;
    const entry = {
      at: this.clock(),
      generation: this.generation,
      rows: Promise.all([this.showPolicies(database, 'mask'), this.showPolicies(database, 'filter')]),
    };
    this.listings.set(database, entry);
    entry.rows.catch(() => {
      if (this.listings.get(database) === entry) this.listings.delete(database);
    });
    return entry.rows;
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
      case 'CREATE':
        return [createPolicySql(step.policy)];
      case 'ALTER_BODY':
        return [
          alterBodySql(step.policy.kind, step.policy.name, step.policy.body),
          alterCommentSql(step.policy.kind, step.policy.name, step.policy.marker),
        ];
      case 'ATTACH':
      case 'SWAP': {
        const p = step.policy;
        if (p.kind === 'mask') return [setMaskSql(p.table, p.column!, p.name, step.op === 'SWAP')];
        const cols = p.args.map((a) => a.name);
        return [
          step.op === 'SWAP'
            ? swapRowPolicySql(p.table, step.from, p.name, cols)
            : addRowPolicySql(p.table, p.name, cols),
        ];
      }
      case 'DETACH':
        return [
          step.kind === 'mask' ? unsetMaskSql(step.table, step.column!) : dropRowPolicySql(step.table, step.policyName),
        ];
      case 'DROP':
        return [dropPolicySql(step.kind, step.policyName)];
    }
  }

  /**
   * The steps in order, one statement per request, stopping at the first failure so a later DETACH or DROP
   * never runs after a failed ATTACH. Never a script: a CREATE or body change carries admin text, and sent on its
   * own it is one statement to Snowflake too, which refuses a request holding more statements than the
   * MULTI_STATEMENT_COUNT it came with (1, the driver's default).
   */
  async apply(steps: MaskStep[]): Promise<MaskStepOutcome[]> {
    const planned = plannedStatements(steps, (step) => this.statements(step), qualified);
    if (planned.length === 0) return [];
    // Whatever the outcome, the governance schema may change under this apply: listings read before it ends
    // (including ones in flight now) are not used afterwards.
    this.generation++;
    try {
      return await applyOneAtATime(planned, (sql) => this.session.query(sql));
    } finally {
      this.generation++;
    }
  }
}
