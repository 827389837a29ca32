import { ConnectorError } from '../errors.js';
import { type Securable, securableName } from '../securable.js';
import { quoteIdent, quotePrincipal } from './dialect.js';

// Unity Catalog refuses a caller that may not use or manage an object with INSUFFICIENT_PERMISSIONS (SQLSTATE 42501),
// or on older runtimes a bare `PERMISSION_DENIED: User does not have ...`.
const REFUSED = /INSUFFICIENT_PERMISSIONS|PERMISSION_DENIED|SQLSTATE: 42501/;

/** Whether a statement failed because our identity may not look at the object, rather than because it is missing. */
export const isRefusal = (err: unknown): err is ConnectorError =>
  err instanceof ConnectorError &&
  err.code === 'STATEMENT_FAILED' &&
  (REFUSED.test(err.detail?.warehouseCode ?? '') || REFUSED.test(err.message));

/**
 * The resource's failure when Unity Catalog refused to show an object's grants to the connector's identity. What
 * the information schema shows depends on who asks ("automatically filter[s] results to include only the objects
 * you have Unity Catalog privileges to access", sql-ref-information-schema), so such an object is neither skipped
 * as missing nor synced blind: the message names the identity and the grant that lets it read and manage the
 * object's grants (owner, or MANAGE with USE CATALOG and USE SCHEMA: sql-ref-privileges, security-show-grant).
 */
export function notVisible(securable: Securable, principal: string, refusal: ConnectorError): ConnectorError {
  const [catalog = ''] = securable.path;
  const fix = `GRANT USE CATALOG, USE SCHEMA, MANAGE ON CATALOG ${quoteIdent(catalog)} TO ${quotePrincipal(principal)}`;
  const narrower =
    securable.kind === 'catalog'
      ? ''
      : ` (or MANAGE on the ${securable.kind} itself, with USE CATALOG and USE SCHEMA on the catalog and schema above it)`;
  return new ConnectorError(
    'NOT_VISIBLE',
    `${securable.kind} ${securableName(securable)} is not visible to ${principal}, the identity policysync runs as: ` +
      `Unity Catalog refused to show its grants, so whether it exists is unknown and it was not synced ` +
      `(${refusal.message.trim()}). Run \`${fix}\`${narrower}, or make ${principal} its owner, then sync again.`,
    { ...refusal.detail, warehouseCode: refusal.detail?.warehouseCode ?? 'INSUFFICIENT_PERMISSIONS' },
  );
}
