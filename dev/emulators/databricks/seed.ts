import { readFile } from 'node:fs/promises';
import { z } from 'zod';

/** The JSON a Databricks emulator starts from: the objects of a Unity Catalog metastore, its principals and grants. */
const name = z.string().min(1);
const column = z.object({ name, type: name });
const table = z.object({
  name,
  kind: z.enum(['TABLE', 'VIEW']).default('TABLE'),
  owner: name.optional(),
  columns: z.array(column).default([]),
  /** Rows by column name (dates as 'YYYY-MM-DD'): what SELECT returns, through column masks and row filters. */
  rows: z.array(z.record(z.string(), z.union([z.string(), z.number(), z.boolean(), z.null()]))).default([]),
});
const leaf = z.object({ name, owner: name.optional() });
const schema = z.object({
  name,
  owner: name.optional(),
  tables: z.array(table).default([]),
  functions: z.array(leaf).default([]),
  volumes: z.array(leaf).default([]),
  /** MLflow registered models: FUNCTION securables, listed by the REST API only (`/api/2.1/unity-catalog/models`). */
  models: z.array(leaf).default([]),
});
const catalog = z.object({ name, owner: name, schemas: z.array(schema).default([]) });
const principal = z.object({
  kind: z.enum(['user', 'group', 'service_principal']),
  name,
  /** A group's members (users or service principals): what is_account_group_member() answers. */
  members: z.array(name).default([]),
});
const grant = z.object({
  principal: name,
  privilege: name,
  /** `name` is dotted (`main.sales.orders`); backquote a part that holds a dot or a backtick. */
  on: z.object({ type: z.enum(['CATALOG', 'SCHEMA', 'TABLE', 'VIEW', 'FUNCTION', 'VOLUME']), name }),
});

export const databricksCatalogSchema = z.object({
  catalogs: z.array(catalog),
  principals: z.array(principal).default([]),
  grants: z.array(grant).default([]),
});

/** What callers write (defaults optional). */
export type DatabricksCatalog = z.input<typeof databricksCatalogSchema>;
/** What the metastore reads (defaults applied). */
export type DatabricksSeed = z.output<typeof databricksCatalogSchema>;

export class SeedError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SeedError';
  }
}

/** Validates a catalog given inline or as a path to a JSON file; names every problem with its JSON path. */
export async function loadSeed(source: DatabricksCatalog | string): Promise<DatabricksSeed> {
  let raw: unknown = source;
  if (typeof source === 'string') {
    try {
      raw = JSON.parse(await readFile(source, 'utf8'));
    } catch (error) {
      throw new SeedError(`cannot read Databricks catalog ${source}: ${(error as Error).message}`);
    }
  }
  const parsed = databricksCatalogSchema.safeParse(raw);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `$.${issue.path.join('.')}: ${issue.message}`);
    throw new SeedError(
      `invalid Databricks catalog${typeof source === 'string' ? ` ${source}` : ''}: ${problems.join('; ')}`,
    );
  }
  return parsed.data;
}
