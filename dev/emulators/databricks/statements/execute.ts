import { parseStatement } from '../sql/parse.js';
import type { StatementContext, StatementResult } from './context.js';
import { grant, revoke, showGrants } from './grants.js';
import { selectFrom } from './information-schema.js';
import { executeMasking } from './masking.js';
import { selectValues } from './select-values.js';
import {
  describeCatalog,
  describeSchema,
  describeTable,
  showCatalogs,
  showColumns,
  showFunctions,
  showPrincipals,
  showSchemas,
  showTables,
  showViews,
  showVolumes,
} from './show.js';

/** Parses and runs one statement against the metastore; throws DatabricksSqlError when Databricks would refuse. */
export function executeStatement(ctx: StatementContext, sql: string): StatementResult {
  const masking = executeMasking(ctx, sql);
  if (masking !== 'not-masking') return masking;
  const s = parseStatement(sql);
  switch (s.kind) {
    case 'select-values':
      return selectValues(ctx, s);
    case 'select-from':
      return selectFrom(ctx, s);
    case 'show-catalogs':
      return showCatalogs(ctx, s);
    case 'show-schemas':
      return showSchemas(ctx, s);
    case 'show-tables':
      return showTables(ctx, s);
    case 'show-views':
      return showViews(ctx, s);
    case 'show-functions':
      return showFunctions(ctx, s);
    case 'show-volumes':
      return showVolumes(ctx, s);
    case 'show-columns':
      return showColumns(ctx, s);
    case 'describe-table':
      return describeTable(ctx, s);
    case 'describe-catalog':
      return describeCatalog(ctx, s);
    case 'describe-schema':
      return describeSchema(ctx, s);
    case 'show-users':
    case 'show-groups':
      return showPrincipals(ctx, s);
    case 'show-grants':
      return showGrants(ctx, s);
    case 'grant':
      return grant(ctx, s);
    case 'revoke':
      return revoke(ctx, s);
    case 'use-catalog':
      ctx.session.catalog = ctx.metastore.catalog(s.name).name;
      ctx.session.schema = 'default';
      return undefined;
    case 'use-schema': {
      const path = s.name.length === 1 ? [ctx.session.catalog, s.name[0]!] : s.name;
      const schema = ctx.metastore.schema(path);
      ctx.session.catalog = path[0]!.toLowerCase();
      ctx.session.schema = schema.name;
      return undefined;
    }
  }
}
