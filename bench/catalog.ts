import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { SnowflakeCatalog } from '../dev/emulators/snowflake/index.js';

/** The shape of a generated warehouse: one database BENCH with `schemas` x `tables` tables of `columns` columns. */
export interface CatalogShape {
  schemas: number;
  tables: number;
  columns: number;
  policies: number;
}

export const BENCH_DATABASE = 'BENCH';
export const ROLES = 20;
export const schemaName = (s: number) => `S${String(s).padStart(4, '0')}`;
export const tableName = (t: number) => `T${String(t).padStart(4, '0')}`;
const roleName = (r: number) => `BENCH_R${String(r).padStart(2, '0')}`;

/**
 * A Snowflake emulator catalog of the given shape: no grants yet, so every table has changes to apply. Roles
 * BENCH_R00..R19 exist, so the Ranger roles the policies name resolve.
 */
export function benchCatalog(shape: CatalogShape): SnowflakeCatalog {
  const columns = Array.from({ length: shape.columns }, (_, c) => ({
    name: `C${String(c).padStart(2, '0')}`,
    type: c % 3 === 0 ? 'NUMBER(38,0)' : 'VARCHAR(200)',
  }));
  return {
    databases: [
      {
        name: BENCH_DATABASE,
        schemas: Array.from({ length: shape.schemas }, (_, s) => ({
          name: schemaName(s),
          tables: Array.from({ length: shape.tables }, (_, t) => ({
            name: tableName(t),
            kind: 'TABLE' as const,
            columns,
          })),
        })),
      },
    ],
    roles: Array.from({ length: ROLES }, (_, r) => ({ name: roleName(r) })),
    grants: [],
  };
}

/**
 * `shape.policies` Ranger policies over the catalog: every schema gets whole-schema SELECT policies (`*`),
 * the rest name table patterns (`T00*`) and single tables, spread over the 20 roles, a fifth also grant INSERT.
 */
export function benchPolicies(shape: CatalogShape) {
  return {
    serviceName: 'bench',
    policyVersion: 1,
    policies: Array.from({ length: shape.policies }, (_, i) => {
      const schema = schemaName(i % shape.schemas);
      const kind = Math.floor(i / shape.schemas) % 3;
      const table =
        kind === 0 ? '*' : kind === 1 ? `${tableName(i % shape.tables).slice(0, 3)}*` : tableName(i % shape.tables);
      return {
        id: i + 1,
        name: `bench policy ${i + 1}`,
        isEnabled: true,
        policyType: 0,
        resources: {
          database: { values: [BENCH_DATABASE] },
          schema: { values: [schema] },
          table: { values: [table] },
          column: { values: ['*'] },
        },
        policyItems: [
          {
            accesses: [
              { type: 'select', isAllowed: true },
              ...(i % 5 === 0 ? [{ type: 'insert', isAllowed: true }] : []),
            ],
            roles: [roleName(i % ROLES).toLowerCase()],
          },
        ],
      };
    }),
  };
}

/** Writes the catalog and the policy file to a fresh temporary directory. */
export function writeBenchFiles(shape: CatalogShape): {
  dir: string;
  catalogFile: string;
  policyFile: string;
  remove(): void;
} {
  const dir = mkdtempSync(join(tmpdir(), 'policysync-bench-'));
  const catalogFile = join(dir, 'catalog.json'),
    policyFile = join(dir, 'policies.json');
  writeFileSync(catalogFile, JSON.stringify(benchCatalog(shape)));
  writeFileSync(policyFile, JSON.stringify(benchPolicies(shape)));
  return { dir, catalogFile, policyFile, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

export const benchTable = (schema: number, table: number) => ({
  type: 'table',
  values: { database: BENCH_DATABASE, schema: schemaName(schema), table: tableName(table) },
});
