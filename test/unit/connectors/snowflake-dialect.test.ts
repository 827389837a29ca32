import { describe, expect, it } from 'vitest';
import { grantStatement, quoteIdent, storedName } from '../../../shared/connectors/snowflake/dialect.js';

describe('Snowflake dialect', () => {
  it('quotes every identifier and doubles quotes inside it', () => {
    expect(quoteIdent('ORDERS')).toBe('"ORDERS"');
    expect(quoteIdent('x"; DROP TABLE y; --')).toBe('"x""; DROP TABLE y; --"');
  });

  it('reads request names the way Snowflake reads identifiers', () => {
    expect(storedName('orders')).toBe('ORDERS');
    expect(storedName('"orders"')).toBe('orders');
    expect(storedName('"a""b"')).toBe('a"b');
    expect(storedName('My Table')).toBe('My Table');
  });

  it('renders one statement per object and role with every privilege', () => {
    const step = {
      op: 'REVOKE' as const,
      securable: { kind: 'view' as const, path: ['D', 'S', 'V"1'] },
      principal: { kind: 'role' as const, name: 'R' },
      privileges: ['REFERENCES', 'SELECT'],
      reason: 'x',
    };
    expect(grantStatement(step)).toBe('REVOKE REFERENCES, SELECT ON VIEW "D"."S"."V""1" FROM ROLE "R"');
  });
});
