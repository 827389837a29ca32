import { own } from '../own.js';

/** The resource types each connector kind accepts, and the identifiers each needs, in hierarchy order. */
export type ConnectorKind = 'snowflake' | 'databricks_unity_catalog' | 'memory';

const SNOWFLAKE = {
  database: ['database'],
  schema: ['database', 'schema'],
  table: ['database', 'schema', 'table'],
  view: ['database', 'schema', 'table'],
  column: ['database', 'schema', 'table', 'column'],
} as const;

const UNITY_CATALOG = {
  catalog: ['catalog'],
  schema: ['catalog', 'schema'],
  table: ['catalog', 'schema', 'table'],
  view: ['catalog', 'schema', 'table'],
} as const;

export const RESOURCE_TYPES: Record<ConnectorKind, Readonly<Record<string, readonly string[]>>> = {
  snowflake: SNOWFLAKE,
  memory: SNOWFLAKE,
  databricks_unity_catalog: UNITY_CATALOG,
};

/** The identifiers a resource type needs, in hierarchy order (`table` -> database, schema, table); own entries only. */
export const valueKeys = (kind: ConnectorKind, type: string): readonly string[] | undefined => own(RESOURCE_TYPES[kind], type);

/** The resource types a connector kind supports, for messages. */
export const supportedTypes = (kind: ConnectorKind) => Object.keys(RESOURCE_TYPES[kind]).join(', ');

/** The seed names the connector kinds in `appSubType`; these spellings all mean the same kind. */
export function connectorKindOfAppSubType(appSubType: string): ConnectorKind | undefined {
  const key = appSubType.toLowerCase().replace(/[^a-z]/g, '');
  if (key === 'snowflake') return 'snowflake';
  if (key === 'databricksunitycatalog' || key === 'unitycatalog' || key === 'databricks') return 'databricks_unity_catalog';
  return undefined;
}
