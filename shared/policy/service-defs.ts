import { z } from 'zod';
import { PolicyError } from './errors.js';

/** The part of a Ranger service definition the evaluator needs: the resource hierarchy and the access types. */
export interface ServiceDefResource {
  name: string;
  level: number;
  parent?: string;
  ignoreCase: boolean;
  /** `*` and `?` are wildcards (RangerDefaultResourceMatcher option wildCard, default true). */
  wildcard?: boolean;
  /** Values may be matched as path prefixes when a policy sets isRecursive (URL/path resources). */
  recursiveSupported?: boolean;
}
export interface ServiceDefAccessType {
  name: string;
  impliedGrants?: string[];
}
export interface ServiceDef {
  name: string;
  resources: ServiceDefResource[];
  accessTypes: ServiceDefAccessType[];
}

const resource = (name: string, level: number, parent?: string): ServiceDefResource => ({
  name,
  level,
  ...(parent ? { parent } : {}),
  ignoreCase: true,
  wildcard: true,
});

const snowflakeAccess = [
  'select',
  'insert',
  'update',
  'delete',
  'truncate',
  'references',
  'usage',
  'monitor',
  'modify',
  'create_schema',
  'create_table',
  'create_view',
  'operate',
  'ownership',
];

/**
 * Snowflake: database > schema > table (views are tables to policies) > column. Names are matched case-insensitively,
 * as Snowflake resolves unquoted identifiers. `ownership` exists so policies can name it; the sync never revokes it.
 */
export const snowflakeServiceDef: ServiceDef = {
  name: 'snowflake',
  resources: [
    resource('database', 1),
    resource('schema', 2, 'database'),
    resource('table', 3, 'schema'),
    resource('column', 4, 'table'),
  ],
  accessTypes: [
    ...snowflakeAccess.map((name) => ({ name })),
    { name: 'all', impliedGrants: snowflakeAccess.filter((a) => a !== 'ownership') },
  ],
};

const databricksAccess = [
  'use_catalog',
  'use_schema',
  'select',
  'modify',
  'create_schema',
  'create_table',
  'create_function',
  'create_volume',
  'execute',
  'read_volume',
  'write_volume',
  'browse',
  'apply_tag',
  'manage',
];

/**
 * Databricks Unity Catalog: catalog > schema > table (views too) > column, and beside the table, under the schema,
 * function, volume and model (MLflow registered models). Neither Apache Ranger nor Privacera publishes resource
 * names for these, so they are named as Unity Catalog names the securables (`GRANT ... ON FUNCTION | VOLUME`).
 */
export const databricksServiceDef: ServiceDef = {
  name: 'databricks',
  resources: [
    resource('catalog', 1),
    resource('schema', 2, 'catalog'),
    resource('table', 3, 'schema'),
    resource('column', 4, 'table'),
    resource('function', 3, 'schema'),
    resource('volume', 3, 'schema'),
    resource('model', 3, 'schema'),
  ],
  accessTypes: [
    ...databricksAccess.map((name) => ({ name })),
    { name: 'all_privileges', impliedGrants: databricksAccess },
  ],
};

// Ranger writes matcher options as booleans or as the strings "true"/"false".
const optionFlag = z
  .union([z.boolean(), z.string()])
  .nullish()
  .transform((v) => (v === undefined || v === null ? undefined : v === true || String(v).toLowerCase() === 'true'));

const RangerServiceDefSchema = z.object({
  name: z.string().min(1),
  resources: z.array(
    z.object({
      name: z.string().min(1),
      level: z.number(),
      parent: z.string().nullish(),
      recursiveSupported: z.boolean().nullish(),
      matcherOptions: z.object({ ignoreCase: optionFlag, wildCard: optionFlag }).partial().nullish(),
    }),
  ),
  accessTypes: z.array(z.object({ name: z.string().min(1), impliedGrants: z.array(z.string()).nullish() })),
});

/** Converts a Ranger RangerServiceDef JSON object (as carried by downloads and Ranger's test files). */
export function serviceDefFromRanger(json: unknown): ServiceDef {
  const parsed = RangerServiceDefSchema.safeParse(json);
  if (!parsed.success) {
    const where = parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ');
    throw new PolicyError('INVALID_POLICIES', `invalid Ranger service definition: ${where}`);
  }
  const def = parsed.data;
  return {
    name: def.name,
    resources: def.resources.map((r) => ({
      name: r.name,
      level: r.level,
      ...(r.parent ? { parent: r.parent } : {}),
      // RangerAbstractResourceMatcher: ignoreCase and wildCard both default to true.
      ignoreCase: r.matcherOptions?.ignoreCase ?? true,
      wildcard: r.matcherOptions?.wildCard ?? true,
      recursiveSupported: r.recursiveSupported ?? false,
    })),
    accessTypes: def.accessTypes.map((a) => ({
      name: a.name,
      ...(a.impliedGrants?.length ? { impliedGrants: a.impliedGrants } : {}),
    })),
  };
}

/** Every root-to-leaf chain of resource names, e.g. [database, table, column] and [database, udf]. */
export function resourceHierarchies(def: ServiceDef): string[][] {
  const cached = hierarchyCache.get(def);
  if (cached) return cached;
  const parents = new Set(def.resources.map((r) => r.parent).filter((p): p is string => Boolean(p)));
  const byName = new Map(def.resources.map((r) => [r.name, r]));
  const chains = def.resources
    .filter((r) => !parents.has(r.name))
    .map((leaf) => {
      const chain: string[] = [];
      for (let at: ServiceDefResource | undefined = leaf; at; at = at.parent ? byName.get(at.parent) : undefined) {
        chain.unshift(at.name);
        if (chain.length > def.resources.length) break; // a cyclic definition; stop rather than loop
      }
      return chain;
    });
  hierarchyCache.set(def, chains);
  return chains;
}
const hierarchyCache = new WeakMap<ServiceDef, string[][]>();

export function resourceDef(def: ServiceDef, name: string): ServiceDefResource | undefined {
  return def.resources.find((r) => r.name === name);
}

/** Access types that name a real privilege (not the `all` shorthand), in definition order. */
export function concreteAccessTypes(def: ServiceDef): string[] {
  // Ranger's PolicyACLSummary lists every access type but `all` (which only implies the others).
  return def.accessTypes
    .filter((a) => !a.impliedGrants?.length && a.name.toLowerCase() !== 'all')
    .map((a) => a.name.toLowerCase());
}
