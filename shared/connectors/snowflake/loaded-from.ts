import type { ResourceRef } from '../../task/request.js';
import type { LoadedResource } from '../loaded-resource.js';
import { type Grant, type Securable, securableKey } from '../securable.js';
import type { CatalogQuery } from './catalog-query.js';
import { storedName } from './dialect.js';

type Row = Record<string, unknown>;
const text = (v: unknown) => (v === null || v === undefined ? '' : String(v));
const keyOf = (path: readonly string[]) => path.join('\u0000');

/** The objects a request covers and the direct grants on them, from the rows of one `catalogQuery`. */
export function loadedFrom(ref: ResourceRef, q: CatalogQuery, rows: Row[]): LoadedResource | 'not_found' {
  const db = q.database;
  const dbSec: Securable = { kind: 'database', path: [db] };
  const of = (kind: string) => rows.filter((r) => r.KIND === kind);
  const schemas = of('SCHEMA')
    .map((r) => text(r.A))
    .filter((s) => s !== 'INFORMATION_SCHEMA');
  const tables = of('OBJECT')
    .filter((r) => text(r.A) !== 'INFORMATION_SCHEMA')
    .map((r): Securable => ({ kind: text(r.C) === 'VIEW' ? 'view' : 'table', path: [db, text(r.A), text(r.B)] }));

  let loaded: Omit<LoadedResource, 'grants'>;
  if (ref.type === 'database') {
    // The database alone: its schemas are synced as children, each with its tables.
    loaded = { root: dbSec, objects: [dbSec], parents: [], columns: {} };
  } else if (ref.type === 'schema') {
    if (!schemas.includes(q.schema!)) return 'not_found';
    const schemaSec: Securable = { kind: 'schema', path: [db, q.schema!] };
    // A slice manages its tables only, the schema being their parent; the schema's own part manages the schema alone.
    loaded =
      q.part === undefined
        ? { root: schemaSec, objects: [schemaSec, ...tables], parents: [dbSec], columns: {} }
        : q.part === 'own'
          ? { root: schemaSec, objects: [schemaSec], parents: [dbSec], columns: {} }
          : { root: schemaSec, objects: tables, parents: [dbSec, schemaSec], columns: {} };
  } else {
    const sec = tables[0];
    if (!sec || (ref.type === 'view' && sec.kind !== 'view')) return 'not_found';
    const parents: Securable[] = [dbSec, { kind: 'schema', path: [db, q.schema!] }];
    if (ref.type !== 'column') {
      loaded = { root: sec, objects: [sec], parents, columns: {} };
    } else {
      const columns = of('COLUMN').map((r) => text(r.C));
      const column = storedName(ref.values.column ?? '');
      if (!columns.includes(column)) return 'not_found';
      loaded = { root: sec, objects: [sec], parents, columns: { [securableKey(sec)]: columns }, column };
    }
  }

  const known = new Map([...loaded.objects, ...loaded.parents].map((s) => [keyOf(s.path), s]));
  const grants: Grant[] = [];
  const add = (path: string[], grantee: unknown, privilege: unknown) => {
    const securable = known.get(keyOf(path));
    if (securable)
      grants.push({ securable, principal: { kind: 'role', name: text(grantee) }, privilege: text(privilege) });
  };
  for (const r of of('TABLE_GRANT')) add([db, text(r.A), text(r.B)], r.C, r.D);
  // OBJECT_PRIVILEGES names a database by itself and a schema by its database (OBJECT_CATALOG) and name; `known`
  // keeps only the rows of objects this read covers, whatever else the view returns.
  for (const r of of('OBJECT_GRANT')) {
    if (text(r.A) === 'DATABASE') add([text(r.C)], r.D, r.E);
    else if (text(r.A) === 'SCHEMA') add([text(r.B), text(r.C)], r.D, r.E);
  }
  return { ...loaded, grants };
}
