import type { ResourceRef } from '../../task/request.js';
import { ConnectorError } from '../errors.js';
import { type Securable, securableName } from '../securable.js';
import type { CatalogQuery } from './catalog-query.js';
import { qualified, quoteIdent } from './dialect.js';
import type { SnowflakeSession } from './session.js';

type Row = Record<string, unknown>;
const SETUP = 'docs/setup-snowflake.md#seeing-every-object';

/**
 * The object a request names, when INFORMATION_SCHEMA did not show it. Those views "only display objects for which
 * the current role for the session has been granted access privileges" (docs.snowflake.com/en/sql-reference/
 * info-schema/table_privileges, usage notes), and until the 2026_07 bundle (release note bcr-2416) MANAGE GRANTS does
 * not count there: absent may mean hidden. `rows` is undefined when the read itself answered "does not exist or not
 * authorized". A column missing from a table the read did show is simply missing: undefined.
 */
export function unseenObject(ref: ResourceRef, q: CatalogQuery, rows: Row[] | undefined): Securable | undefined {
  if (ref.type === 'database') return { kind: 'database', path: [q.database] };
  if (ref.type === 'schema') return { kind: 'schema', path: [q.database, q.schema!] };
  if (rows?.some((r) => r.KIND === 'OBJECT')) return undefined;
  return { kind: ref.type === 'view' ? 'view' : 'table', path: [q.database, q.schema!, q.table!] };
}

const SHOW_TYPE: Partial<Record<Securable['kind'], string>> = {
  database: 'DATABASE',
  schema: 'SCHEMA',
  table: 'TABLE',
  view: 'VIEW',
};

/**
 * Whether the object exists though INFORMATION_SCHEMA hid it: SHOW GRANTS ON answers to MANAGE GRANTS on any object,
 * and answers "does not exist or not authorized" (002003) for a missing one and for one the role may not look at.
 */
export async function existsUnseen(session: SnowflakeSession, securable: Securable): Promise<boolean> {
  try {
    await session.query(`SHOW GRANTS ON ${SHOW_TYPE[securable.kind]} ${qualified(securable.path)}`);
    return true;
  } catch (err) {
    if (err instanceof ConnectorError && err.code === 'NOT_FOUND') return false;
    throw err;
  }
}

/**
 * The resource's failure for an object that exists but that `role` cannot see in INFORMATION_SCHEMA: its grants
 * cannot be read there, so it is neither skipped as missing nor synced blind. REFERENCES shows a table's or view's
 * structure and never its data; USAGE does the same for a schema or database.
 */
export function notVisible(securable: Securable, role: string): ConnectorError {
  const type = SHOW_TYPE[securable.kind]!;
  const privilege = securable.kind === 'table' || securable.kind === 'view' ? 'REFERENCES' : 'USAGE';
  const fix = `GRANT ${privilege} ON ${type} ${qualified(securable.path)} TO ROLE ${quoteIdent(role)}`;
  const above =
    securable.kind === 'database' ? '' : ' (with USAGE on the database and schema above it, if the role lacks them)';
  return new ConnectorError(
    'NOT_VISIBLE',
    `${securable.kind} ${securableName(securable)} exists but is not visible to role ${role}, the role policysync ` +
      `runs as: INFORMATION_SCHEMA shows a role only the objects it holds a privilege on, so its grants could not be ` +
      `read and it was not synced. Run \`${fix}\`${above}, then sync again; see ${SETUP}.`,
    { warehouseCode: '002003' },
  );
}
