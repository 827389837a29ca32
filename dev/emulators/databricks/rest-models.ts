import type { ServerResponse } from 'node:http';
import { Access } from './access.js';
import type { Metastore, ResolvedSecurable } from './metastore.js';

export const MODELS_ROUTE = '/api/2.1/unity-catalog/models';

const problem = (res: ServerResponse, status: number, error_code: string, message: string) => {
  res.writeHead(status, { 'Content-Type': 'application/json' });
  res.end(JSON.stringify({ error_code, message }));
};

/**
 * `GET /api/2.1/unity-catalog/models?catalog_name=&schema_name=[&include_browse=true][&max_results=&page_token=]`:
 * the registered models of one schema, as the workspace REST API lists them (no SQL view does). "The returned models
 * are filtered based on the privileges of the calling user [...] the metastore admin is able to list all the
 * registered models. A regular user needs to be the owner or have the EXECUTE privilege on the registered model
 * [...] the caller must also be the owner or have the USE_CATALOG privilege on the parent catalog and the USE_SCHEMA
 * privilege on the parent schema"; `include_browse` adds those it may only see the metadata of
 * (docs.databricks.com/api/uc-registered-models/v1/list-registered-models). Pages of `max_results` (default 10000).
 */
export function serveModels(metastore: Metastore, user: string, url: URL, res: ServerResponse): void {
  const catalogName = url.searchParams.get('catalog_name');
  const schemaName = url.searchParams.get('schema_name');
  if (!catalogName || !schemaName)
    return problem(res, 400, 'INVALID_PARAMETER_VALUE', 'catalog_name and schema_name are both required here');
  const c = metastore.catalogs.get(catalogName.toLowerCase());
  if (!c) return problem(res, 404, 'CATALOG_DOES_NOT_EXIST', `Catalog '${catalogName}' does not exist.`);
  const s = c.schemas.get(schemaName.toLowerCase());
  if (!s) return problem(res, 404, 'SCHEMA_DOES_NOT_EXIST', `Schema '${c.name}.${schemaName}' does not exist.`);
  const access = new Access(metastore, user);
  const browse = url.searchParams.get('include_browse') === 'true';
  const on = (name: string): ResolvedSecurable => ({
    type: 'FUNCTION',
    objectType: 'FUNCTION',
    path: [c.name, s.name, name],
  });
  const usable = access.mayUse([c.name, s.name]);
  const listed = [...s.models.values()]
    .filter((m) => {
      if (access.isAdmin || access.ownsOrContains(on(m.name))) return true;
      if (browse && access.canSee(on(m.name))) return true;
      return usable && access.holds('EXECUTE', on(m.name));
    })
    .sort((a, b) => a.name.localeCompare(b.name));
  const size = Math.max(1, Number(url.searchParams.get('max_results') ?? 0) || 10_000);
  const from = Number(url.searchParams.get('page_token') ?? 0) || 0;
  const page = listed.slice(from, from + size);
  res.writeHead(200, { 'Content-Type': 'application/json' });
  res.end(
    JSON.stringify({
      registered_models: page.map((m) => ({
        name: m.name,
        catalog_name: c.name,
        schema_name: s.name,
        full_name: `${c.name}.${s.name}.${m.name}`,
        owner: m.owner,
      })),
      ...(from + size < listed.length ? { next_page_token: String(from + size) } : {}),
    }),
  );
}
