import { own } from '../../own.js';
import type { WarehouseProfile } from '../../plan/profile.js';
import { snowflakeServiceDef } from '../../policy/service-defs.js';
import { mapName, type PrincipalNaming } from '../principal-names.js';
import type { SecurableKind } from '../securable.js';
import { storedName } from './dialect.js';

// Ranger access type -> Snowflake privilege, per object type. Views take only SELECT and REFERENCES.
const TABLE: Record<string, string[]> = {
  select: ['SELECT'],
  insert: ['INSERT'],
  update: ['UPDATE'],
  delete: ['DELETE'],
  truncate: ['TRUNCATE'],
  references: ['REFERENCES'],
  all: ['SELECT', 'INSERT', 'UPDATE', 'DELETE', 'TRUNCATE', 'REFERENCES'],
};
const VIEW: Record<string, string[]> = {
  select: ['SELECT'],
  references: ['REFERENCES'],
  all: ['SELECT', 'REFERENCES'],
};
const SCHEMA: Record<string, string[]> = {
  usage: ['USAGE'],
  monitor: ['MONITOR'],
  modify: ['MODIFY'],
  create_table: ['CREATE TABLE'],
  create_view: ['CREATE VIEW'],
  all: ['USAGE', 'MONITOR', 'MODIFY', 'CREATE TABLE', 'CREATE VIEW'],
};
const DATABASE: Record<string, string[]> = {
  usage: ['USAGE'],
  monitor: ['MONITOR'],
  modify: ['MODIFY'],
  create_schema: ['CREATE SCHEMA'],
  all: ['USAGE', 'MONITOR', 'MODIFY', 'CREATE SCHEMA'],
};
const BY_KIND: Partial<Record<SecurableKind, Record<string, string[]>>> = {
  database: DATABASE,
  schema: SCHEMA,
  table: TABLE,
  view: VIEW,
};

export const SNOWFLAKE_PRIVILEGES = [...new Set(Object.values(BY_KIND).flatMap((m) => Object.values(m).flat()))];

/** Snowflake grants go to roles: Ranger roles and groups map to roles by name, users through a template. */
export function snowflakeProfile(naming: PrincipalNaming): WarehouseProfile {
  return {
    serviceDef: snowflakeServiceDef,
    containerKind: 'database',
    privileges: SNOWFLAKE_PRIVILEGES,
    privilegesFor: (access, kind) => own(BY_KIND[kind], access.toLowerCase()) ?? [],
    parentPrivilege: (kind) => (kind === 'database' || kind === 'schema' ? 'USAGE' : undefined),
    principalFor: (type, name) => ({
      kind: 'role',
      name: mapName(name, naming, type === 'user' ? naming.userRoleTemplate : '{name}'),
    }),
    resourcePath: (ref) =>
      ['database', 'schema', 'table'].flatMap((k) => (ref.values[k] !== undefined ? [storedName(ref.values[k])] : [])),
    policyResource: (s) => {
      const [database = '', schema, table] = s.path;
      return { database, ...(schema !== undefined ? { schema } : {}), ...(table !== undefined ? { table } : {}) };
    },
  };
}
