import { own } from '../../own.js';
import type { RangerPrincipalType, WarehouseProfile } from '../../plan/profile.js';
import { databricksServiceDef } from '../../policy/service-defs.js';
import { mapName, type PrincipalNaming } from '../principal-names.js';
import type { Principal, SecurableKind } from '../securable.js';
import { principalKindOf, storedName } from './dialect.js';

// Ranger access type (databricksServiceDef) -> Unity Catalog privileges, per securable kind.
//
// `all_privileges` maps to nothing on purpose: the service definition makes it imply every other access type,
// so the evaluator already hands us each one and we grant them explicitly. `ALL PRIVILEGES` itself would also
// carry privileges added to Unity Catalog later, which no policy reviewed.
//
// A schema takes only the privileges that concern the schema itself: not SELECT, MODIFY, EXECUTE, READ VOLUME
// or WRITE VOLUME. Ranger matches a `table = *` (`function = *`, `volume = *`) policy at the schema level too, so
// mapping them there would put a schema-wide grant — which reaches every object, future ones and ones a policy
// excludes or denies — on top of the per-object grants the same policy already produces on each table,
// function, volume and model a schema load brings.
const CATALOG: Record<string, string[]> = {
  use_catalog: ['USE CATALOG'],
  create_schema: ['CREATE SCHEMA'],
  browse: ['BROWSE'],
  apply_tag: ['APPLY TAG'],
};
const SCHEMA: Record<string, string[]> = {
  use_schema: ['USE SCHEMA'],
  create_table: ['CREATE TABLE'],
  create_function: ['CREATE FUNCTION'],
  create_volume: ['CREATE VOLUME'],
  apply_tag: ['APPLY TAG'],
  manage: ['MANAGE'],
};
const TABLE: Record<string, string[]> = {
  select: ['SELECT'],
  modify: ['MODIFY'],
  apply_tag: ['APPLY TAG'],
  manage: ['MANAGE'],
};
const VIEW: Record<string, string[]> = { select: ['SELECT'] };
// Functions and registered models are executed; volumes read and written (sql-ref-privileges).
const FUNCTION: Record<string, string[]> = { execute: ['EXECUTE'], manage: ['MANAGE'] };
const MODEL: Record<string, string[]> = { execute: ['EXECUTE'], apply_tag: ['APPLY TAG'], manage: ['MANAGE'] };
const VOLUME: Record<string, string[]> = {
  read_volume: ['READ VOLUME'],
  write_volume: ['WRITE VOLUME'],
  manage: ['MANAGE'],
};
const BY_KIND: Partial<Record<SecurableKind, Record<string, string[]>>> = {
  catalog: CATALOG,
  schema: SCHEMA,
  table: TABLE,
  view: VIEW,
  function: FUNCTION,
  volume: VOLUME,
  model: MODEL,
};
// The Ranger resource that names an object below a schema.
const LEAF_RESOURCE: Partial<Record<SecurableKind, string>> = {
  function: 'function',
  volume: 'volume',
  model: 'model',
};

/** Every privilege the profile grants: the default managed list (USE CATALOG / USE SCHEMA included). */
export const DATABRICKS_PRIVILEGES: readonly string[] = [
  ...new Set(Object.values(BY_KIND).flatMap((m) => Object.values(m).flat())),
];

/**
 * Unity Catalog grants go to users (e-mail), groups and service principals (application id), matched
 * case-sensitively: keep `case: 'preserve'`. Ranger users map through `naming.userRoleTemplate` (e.g.
 * `{name}@example.com`); Ranger groups and roles become groups of the same name (UC has no roles).
 */
export function databricksProfile(naming: PrincipalNaming): WarehouseProfile {
  return {
    serviceDef: databricksServiceDef,
    containerKind: 'catalog',
    privileges: DATABRICKS_PRIVILEGES,
    privilegesFor: (access, kind) => own(BY_KIND[kind], access.toLowerCase()) ?? [],
    parentPrivilege: (kind) => (kind === 'catalog' ? 'USE CATALOG' : kind === 'schema' ? 'USE SCHEMA' : undefined),
    principalFor: (type, name) => databricksPrincipal(type, name, naming),
    resourcePath: (ref) =>
      ['catalog', 'schema', 'table'].flatMap((k) => (ref.values[k] !== undefined ? [storedName(ref.values[k])] : [])),
    policyResource: (s) => {
      const [catalog = '', schema, leaf] = s.path;
      return {
        catalog,
        ...(schema !== undefined ? { schema } : {}),
        ...(leaf !== undefined ? { [LEAF_RESOURCE[s.kind] ?? 'table']: leaf } : {}),
      };
    },
  };
}

/**
 * The kind comes from the mapped name (see `principalKindOf`), never from the Ranger type alone: the privilege
 * views only give a grantee's name, and a grant we read must compare equal to the one we planned.
 */
function databricksPrincipal(type: RangerPrincipalType, name: string, naming: PrincipalNaming): Principal {
  const mapped = mapName(name, naming, type === 'user' ? naming.userRoleTemplate : '{name}');
  return { kind: principalKindOf(mapped), name: mapped };
}

/**
 * Every principal the current policies name (allow, deny and exception items, masks and row filters), as the
 * profile maps it. Unity Catalog has no cheap SQL listing of principals, so the Databricks connector presumes
 * these exist and lets GRANT refuse a missing one with PRINCIPAL_DOES_NOT_EXIST (see DatabricksConnector).
 */
