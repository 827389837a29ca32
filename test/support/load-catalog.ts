import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { SnowflakeCatalog } from '../../dev/emulators/snowflake/index.js';

/**
 * A Snowflake catalog of `n` tables (LOAD.S.T000000...) whose policy grants SELECT to ANALYST: each table's sync
 * applies exactly one GRANT, so the emulator's statement log counts applications per task. USAGE on the database
 * and schema is already in place, so concurrent tasks do not all grant it.
 */
export const loadTable = (i: number) => `T${String(i).padStart(6, '0')}`;

export function loadCatalog(n: number): SnowflakeCatalog {
  return {
    databases: [
      {
        name: 'LOAD',
        schemas: [
          {
            name: 'S',
            tables: Array.from({ length: n }, (_, i) => ({
              name: loadTable(i),
              columns: [{ name: 'ID', type: 'NUMBER' }],
            })),
          },
        ],
      },
    ],
    roles: [{ name: 'ANALYST' }],
    grants: [
      { privilege: 'USAGE', on: { type: 'DATABASE', name: 'LOAD' }, to: 'ANALYST' },
      { privilege: 'USAGE', on: { type: 'SCHEMA', name: 'LOAD.S' }, to: 'ANALYST' },
    ],
  };
}

/** The Ranger policy file for the load catalog, written to a temporary directory; returns its path. */
export function loadPolicyFile(): string {
  const dir = mkdtempSync(join(tmpdir(), 'load-policies-'));
  const file = join(dir, 'policies.json');
  writeFileSync(
    file,
    JSON.stringify({
      serviceName: 'load',
      policyVersion: 1,
      policies: [
        {
          id: 1,
          name: 'analysts read load',
          isEnabled: true,
          policyType: 0,
          resources: {
            database: { values: ['LOAD'] },
            schema: { values: ['S'] },
            table: { values: ['*'] },
            column: { values: ['*'] },
          },
          policyItems: [{ accesses: [{ type: 'select', isAllowed: true }], roles: ['analyst'] }],
        },
      ],
    }),
  );
  return file;
}
