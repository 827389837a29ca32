import { describe, expect, it } from 'vitest';
import { isRefusal, notVisible } from '../../../shared/connectors/databricks/visibility.js';
import { ConnectorError } from '../../../shared/connectors/errors.js';

const failed = (message: string, warehouseCode?: string) =>
  new ConnectorError('STATEMENT_FAILED', message, {
    sql: 'SHOW GRANTS ON TABLE `c`.`s`.`t`',
    ...(warehouseCode ? { warehouseCode } : {}),
  });

describe('Unity Catalog refusals', () => {
  it('are told from missing objects and other failures, in either wording', () => {
    expect(
      isRefusal(
        failed(
          "[INSUFFICIENT_PERMISSIONS] Insufficient privileges: User does not have MANAGE on Table 'c.s.t'. SQLSTATE: 42501",
          'INSUFFICIENT_PERMISSIONS',
        ),
      ),
    ).toBe(true);
    expect(isRefusal(failed("PERMISSION_DENIED: User does not have USE SCHEMA on Schema 'c.s'"))).toBe(true);
    expect(isRefusal(failed('[PARSE_SYNTAX_ERROR] Syntax error', 'PARSE_SYNTAX_ERROR'))).toBe(false);
    expect(isRefusal(new ConnectorError('NOT_FOUND', '[TABLE_OR_VIEW_NOT_FOUND] ...'))).toBe(false);
    expect(isRefusal(new Error('INSUFFICIENT_PERMISSIONS'))).toBe(false);
  });

  it('become a NOT_VISIBLE failure naming the principal and the GRANT that fixes it, names quoted', () => {
    const err = notVisible(
      { kind: 'table', path: ['sales`x', 's', 't'] },
      'a1b2c3d4-0000-4000-8000-00000000beef',
      failed(
        "[INSUFFICIENT_PERMISSIONS] Insufficient privileges: User does not have USE CATALOG on Catalog 'sales`x'.",
        'INSUFFICIENT_PERMISSIONS',
      ),
    );
    expect(err.code).toBe('NOT_VISIBLE');
    expect(err.message).toContain('table sales`x.s.t is not visible to a1b2c3d4-0000-4000-8000-00000000beef');
    expect(err.message).toContain(
      'GRANT USE CATALOG, USE SCHEMA, MANAGE ON CATALOG `sales``x` TO `a1b2c3d4-0000-4000-8000-00000000beef`',
    );
    expect(err.message).toContain('or MANAGE on the table itself');
    expect(err.detail?.warehouseCode).toBe('INSUFFICIENT_PERMISSIONS');
  });
});
