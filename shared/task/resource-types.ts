import { own } from '../own.js';

/** The resource types a warehouse accepts, each with the identifiers it needs in hierarchy order (`table` -> database, schema, table). */
export type ResourceTypes = Readonly<Record<string, readonly string[]>>;

/** The identifiers a resource type needs, in hierarchy order; own entries only. */
export const valueKeys = (types: ResourceTypes, type: string): readonly string[] | undefined => own(types, type);

/** The resource types a warehouse supports, for messages. */
export const supportedTypes = (types: ResourceTypes) => Object.keys(types).join(', ');

/** The seed writes a connector's `appSubType` many ways (`Databricks Unity Catalog`, `unity_catalog`): compared by letters only. */
export const appSubTypeKey = (written: string) => written.toLowerCase().replace(/[^a-z]/g, '');
