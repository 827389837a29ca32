import type { Capabilities, Connector, StatementOutcome } from '../../../shared/connectors/connector.js';
import type { LoadedResource } from '../../../shared/connectors/loaded-resource.js';
import type { PlanStep } from '../../../shared/connectors/plan-step.js';
import { type Grant, type Principal, type Securable, securableKey } from '../../../shared/connectors/securable.js';
import type { ResourceRef } from '../../../shared/task/request.js';

/**
 * A warehouse held in memory with Snowflake's resource types: a test fixture (CONNECTOR_KIND=memory in a test's
 * local host, see memory-module.ts), never a production path.
 */
export interface MemoryCatalog {
  databases: {
    name: string;
    schemas: { name: string; tables: { name: string; kind?: 'table' | 'view'; columns?: string[] }[] }[];
  }[];
  roles: string[];
  grants: Grant[];
}

export class MemoryConnector implements Connector {
  readonly kind = 'memory';
  readonly statements: string[] = [];
  readonly capabilities: Capabilities = {
    principals: {
      existing: async () => this.catalog.roles.map((name) => ({ kind: 'role', name })),
      remedy: 'create it',
    },
  };

  constructor(readonly catalog: MemoryCatalog) {}

  /** The memory warehouse has no session principal of its own. */
  async identity(): Promise<Principal[]> {
    return [];
  }

  async load(ref: ResourceRef): Promise<LoadedResource | 'not_found'> {
    const loaded = this.objectsOf(ref);
    return loaded === 'not_found' ? loaded : { ...loaded, grants: this.grantsOn(loaded) };
  }

  private objectsOf(ref: ResourceRef): Omit<LoadedResource, 'grants'> | 'not_found' {
    const v = ref.values;
    const db = findName(this.catalog.databases, v.database);
    if (!db) return 'not_found';
    const dbSec: Securable = { kind: 'database', path: [db.name] };
    if (ref.type === 'database') {
      const objects: Securable[] = [dbSec];
      for (const s of db.schemas) {
        objects.push({ kind: 'schema', path: [db.name, s.name] });
        for (const t of s.tables) objects.push({ kind: t.kind ?? 'table', path: [db.name, s.name, t.name] });
      }
      return { root: dbSec, objects, parents: [], columns: {} };
    }
    const schema = findName(db.schemas, v.schema);
    if (!schema) return 'not_found';
    const schemaSec: Securable = { kind: 'schema', path: [db.name, schema.name] };
    if (ref.type === 'schema') {
      const tables = schema.tables.map(
        (t): Securable => ({ kind: t.kind ?? 'table', path: [db.name, schema.name, t.name] }),
      );
      return { root: schemaSec, objects: [schemaSec, ...tables], parents: [dbSec], columns: {} };
    }
    const table = findName(schema.tables, v.table);
    if (!table || (ref.type === 'view' && table.kind !== 'view')) return 'not_found';
    const tableSec: Securable = { kind: table.kind ?? 'table', path: [db.name, schema.name, table.name] };
    const column =
      ref.type === 'column'
        ? findName(
            (table.columns ?? []).map((name) => ({ name })),
            v.column,
          )?.name
        : undefined;
    if (ref.type === 'column' && !column) return 'not_found';
    return {
      root: tableSec,
      objects: [tableSec],
      parents: [dbSec, schemaSec],
      columns: { [securableKey(tableSec)]: table.columns ?? [] },
      ...(column ? { column } : {}),
    };
  }

  private grantsOn(loaded: Omit<LoadedResource, 'grants'>): Grant[] {
    const wanted = new Set([...loaded.objects, ...loaded.parents].map(securableKey));
    return this.catalog.grants.filter((g) => wanted.has(securableKey(g.securable))).map((g) => ({ ...g }));
  }

  async apply(steps: PlanStep[]): Promise<StatementOutcome[]> {
    return steps.map((step) => {
      const sql = `${step.op} ${step.privileges.join(', ')} ON ${step.securable.kind.toUpperCase()} ${step.securable.path.join('.')} ${step.op === 'GRANT' ? 'TO' : 'FROM'} ROLE ${step.principal.name}`;
      this.statements.push(sql);
      const same = (g: Grant, privilege: string) =>
        securableKey(g.securable) === securableKey(step.securable) &&
        g.principal.name === step.principal.name &&
        g.privilege === privilege;
      for (const privilege of step.privileges) {
        const held = this.catalog.grants.some((g) => same(g, privilege));
        if (step.op === 'GRANT' && !held)
          this.catalog.grants.push({ securable: step.securable, principal: step.principal, privilege });
        if (step.op === 'REVOKE') this.catalog.grants = this.catalog.grants.filter((g) => !same(g, privilege));
      }
      return { step, sql, ok: true };
    });
  }

  async close(): Promise<void> {}
}

const findName = <T extends { name: string }>(items: T[], name: string | undefined) =>
  name === undefined
    ? undefined
    : (items.find((i) => i.name === name) ?? items.find((i) => i.name.toUpperCase() === name.toUpperCase()));
