import type { Connector, Grant, LoadedResource, Principal, Securable, StatementOutcome } from '../connector.js';
import { withBackoff } from '../../backoff.js';
import { ConnectorError, isTransient } from '../errors.js';
import type { PlanStep } from '../../sync/plan-step.js';
import type { ResourceRef } from '../../task/request.js';
import { grantStatement, quoteIdent, storedName } from './dialect.js';
import { SnowflakeSession, type SnowflakeSettings } from './session.js';

type Row = Record<string, unknown>;
const text = (v: unknown) => (v === null || v === undefined ? '' : String(v));
const ROLES_TTL_MS = 60_000;

/**
 * Snowflake through snowflake-sdk. Objects and grants are read per database from INFORMATION_SCHEMA (real
 * time, unlike ACCOUNT_USAGE) in bulk; every identifier is quoted by the dialect and every value is a binding.
 */
export class SnowflakeConnector implements Connector {
  readonly kind = 'snowflake' as const;
  private roles: { at: number; list: Principal[] } | undefined;

  constructor(private readonly session: SnowflakeSession, private readonly clock: () => number = Date.now) {}

  static fromSettings(settings: SnowflakeSettings): SnowflakeConnector {
    return new SnowflakeConnector(new SnowflakeSession(settings));
  }

  async load(ref: ResourceRef): Promise<LoadedResource | 'not_found'> {
    try {
      return await this.loadOrThrow(ref);
    } catch (err) {
      if (err instanceof ConnectorError && err.code === 'NOT_FOUND') return 'not_found';
      throw err;
    }
  }

  private async loadOrThrow(ref: ResourceRef): Promise<LoadedResource | 'not_found'> {
    const v = ref.values;
    const db = storedName(v.database ?? '');
    const dbSec: Securable = { kind: 'database', path: [db] };
    const tables = `${quoteIdent(db)}.INFORMATION_SCHEMA.TABLES`;
    const asSecurable = (r: Row): Securable => ({
      kind: text(r.TABLE_TYPE) === 'VIEW' ? 'view' : 'table', path: [db, text(r.TABLE_SCHEMA), text(r.TABLE_NAME)],
    });

    if (ref.type === 'database' || ref.type === 'schema') {
      const schemas = (await this.session.query(`SHOW SCHEMAS IN DATABASE ${quoteIdent(db)}`))
        .map((r) => text(r.name)).filter((s) => s !== 'INFORMATION_SCHEMA');
      if (ref.type === 'database') {
        const rows = await this.session.query(`SELECT TABLE_SCHEMA, TABLE_NAME, TABLE_TYPE FROM ${tables}`);
        const objects = rows.filter((r) => text(r.TABLE_SCHEMA) !== 'INFORMATION_SCHEMA').map(asSecurable);
        return { root: dbSec, objects: [dbSec, ...schemas.map((s): Securable => ({ kind: 'schema', path: [db, s] })), ...objects], parents: [], columns: {} };
      }
      const schema = storedName(v.schema ?? '');
      if (!schemas.includes(schema)) return 'not_found';
      const rows = await this.session.query(`SELECT TABLE_SCHEMA, TABLE_NAME, TABLE_TYPE FROM ${tables} WHERE TABLE_SCHEMA = ?`, [schema]);
      const schemaSec: Securable = { kind: 'schema', path: [db, schema] };
      return { root: schemaSec, objects: [schemaSec, ...rows.map(asSecurable)], parents: [dbSec], columns: {} };
    }

    const schema = storedName(v.schema ?? '');
    const table = storedName(v.table ?? '');
    const rows = await this.session.query(
      `SELECT TABLE_SCHEMA, TABLE_NAME, TABLE_TYPE FROM ${tables} WHERE TABLE_SCHEMA = ? AND TABLE_NAME = ?`, [schema, table]);
    const found = rows[0];
    if (!found) return 'not_found';
    const sec = asSecurable(found);
    if (ref.type === 'view' && sec.kind !== 'view') return 'not_found';
    const parents: Securable[] = [dbSec, { kind: 'schema', path: [db, schema] }];
    if (ref.type !== 'column') return { root: sec, objects: [sec], parents, columns: {} };
    const columns = (await this.session.query(
      `SELECT COLUMN_NAME FROM ${quoteIdent(db)}.INFORMATION_SCHEMA.COLUMNS WHERE TABLE_SCHEMA = ? AND TABLE_NAME = ?`, [schema, table]))
      .map((r) => text(r.COLUMN_NAME));
    const column = storedName(v.column ?? '');
    if (!columns.includes(column)) return 'not_found';
    return { root: sec, objects: [sec], parents, columns: { [sec.path.join('.')]: columns }, column };
  }

  async readGrants(loaded: LoadedResource): Promise<Grant[]> {
    const db = loaded.root.path[0]!;
    const known = new Map([...loaded.objects, ...loaded.parents].map((s) => [s.path.join('\u0000'), s]));
    const role = (name: string): Principal => ({ kind: 'role', name });
    const grants: Grant[] = [];

    const [schema, table] = loaded.root.path.slice(1);
    const where = table !== undefined ? ' WHERE TABLE_SCHEMA = ? AND TABLE_NAME = ?' : schema !== undefined ? ' WHERE TABLE_SCHEMA = ?' : '';
    const tableRows = await this.session.query(
      `SELECT GRANTEE, TABLE_SCHEMA, TABLE_NAME, PRIVILEGE_TYPE FROM ${quoteIdent(db)}.INFORMATION_SCHEMA.TABLE_PRIVILEGES${where}`,
      [schema, table].filter((x): x is string => x !== undefined));
    for (const r of tableRows) {
      const securable = known.get([db, text(r.TABLE_SCHEMA), text(r.TABLE_NAME)].join('\u0000'));
      if (securable) grants.push({ securable, principal: role(text(r.GRANTEE)), privilege: text(r.PRIVILEGE_TYPE) });
    }
    const objectRows = await this.session.query(
      `SELECT GRANTEE, OBJECT_CATALOG, OBJECT_SCHEMA, OBJECT_NAME, OBJECT_TYPE, PRIVILEGE_TYPE FROM ${quoteIdent(db)}.INFORMATION_SCHEMA.OBJECT_PRIVILEGES`);
    for (const r of objectRows) {
      const type = text(r.OBJECT_TYPE);
      const path = type === 'DATABASE' ? [text(r.OBJECT_NAME)] : type === 'SCHEMA' ? [text(r.OBJECT_CATALOG), text(r.OBJECT_NAME)] : undefined;
      const securable = path ? known.get(path.join('\u0000')) : undefined;
      if (securable) grants.push({ securable, principal: role(text(r.GRANTEE)), privilege: text(r.PRIVILEGE_TYPE) });
    }
    return grants;
  }

  async existingPrincipals(): Promise<Principal[]> {
    if (this.roles && this.clock() - this.roles.at < ROLES_TTL_MS) return this.roles.list;
    const list = (await this.session.query('SHOW ROLES')).map((r): Principal => ({ kind: 'role', name: text(r.name) }));
    this.roles = { at: this.clock(), list };
    return list;
  }

  async apply(steps: PlanStep[]): Promise<StatementOutcome[]> {
    const outcomes: StatementOutcome[] = [];
    for (const step of steps) {
      const sql = grantStatement(step);
      try {
        await withBackoff(() => this.session.query(sql), isTransient);
        outcomes.push({ step, sql, ok: true });
      } catch (err) {
        const e = err instanceof ConnectorError ? err : new ConnectorError('STATEMENT_FAILED', String(err));
        // 002003 also means "role does not exist": only a vanished object has converged.
        const vanished = e.code === 'NOT_FOUND' && !/\brole\b/i.test(e.message);
        outcomes.push({ step, sql, ok: false, error: e.message, code: vanished ? 'NOT_FOUND' : e.detail?.warehouseCode ?? e.code });
      }
    }
    return outcomes;
  }

  async close(): Promise<void> {
    await this.session.close();
  }
}
