import { describe, expect, it } from 'vitest';
import { databricksModule } from '../../../shared/connectors/databricks/module.js';
import { snowflakeModule } from '../../../shared/connectors/snowflake/module.js';
import { identifierProblem } from '../../../shared/task/identifier.js';
import { normalizeRequest } from '../../../shared/task/normalize.js';
import type { SyncRequest } from '../../../shared/task/request.js';

const request = (...resources: SyncRequest['requestInfo']['resources']): SyncRequest => ({
  type: 'RESOURCE_SYNC',
  requestInfo: { resources },
});

describe('normalizeRequest', () => {
  it('accepts every Snowflake resource type with the identifiers it needs, type names case-insensitive', () => {
    const out = normalizeRequest(
      request(
        { type: 'DATABASE', values: { database: 'SALES' } },
        { type: 'schema', values: { database: 'SALES', schema: 'PUBLIC' } },
        { type: 'Table', values: { database: 'SALES', schema: 'PUBLIC', table: 'ORDERS' } },
        { type: 'view', values: { database: 'SALES', schema: 'PUBLIC', view: 'V' } },
        { type: 'column', values: { database: 'SALES', schema: 'PUBLIC', table: 'ORDERS', column: 'AMOUNT' } },
      ),
      snowflakeModule,
    );
    expect(out.resources.map((r) => r.skip)).toEqual([undefined, undefined, undefined, undefined, undefined]);
    expect(out.resources[3]!.ref).toEqual({
      type: 'view',
      values: { database: 'SALES', schema: 'PUBLIC', table: 'V' },
    });
  });

  it('skips a type the connector does not support, naming the supported ones', () => {
    const [r] = normalizeRequest(
      request({ type: 'column', values: { catalog: 'm', schema: 's', table: 't', column: 'c' } }),
      databricksModule,
    ).resources;
    expect(r!.skip).toMatch(
      /unsupported resource type 'column' for a databricks_unity_catalog connector \(supported: catalog, schema, table, view\)/,
    );
  });

  it('refuses in a request exactly what the change-record path refuses: C1 controls and lone surrogates too', () => {
    for (const table of ['A\u0085B', 'A\u009fB', 'A\uD800B', 'A\uDC00']) {
      const out = normalizeRequest(
        request({ type: 'table', values: { database: 'SALES', schema: 'PUBLIC', table } }),
        snowflakeModule,
      );
      expect(out.resources[0]!.skip, JSON.stringify(table)).toBe(
        `invalid request: values.table ${identifierProblem(table)}`,
      );
    }
    expect(
      normalizeRequest(
        request({ type: 'table', values: { database: 'SALES', schema: 'PUBLIC', table: 'Ünïcödé 表 🙂' } }),
        snowflakeModule,
      ).resources[0]!.skip,
    ).toBeUndefined();
  });

  it('skips a resource missing an identifier or carrying a control character', () => {
    const out = normalizeRequest(
      request(
        { type: 'table', values: { database: 'SALES', schema: 'PUBLIC' } },
        { type: 'table', values: { database: 'SALES', schema: 'PUBLIC', table: 'A\u0000B' } },
      ),
      snowflakeModule,
    );
    expect(out.resources[0]!.skip).toContain('needs values.table');
    expect(out.resources[1]!.skip).toContain('the control character U+');
  });

  it('skips a type named after what every object inherits, as an unsupported type', () => {
    for (const type of ['__proto__', 'constructor', 'toString', 'hasOwnProperty']) {
      const [r] = normalizeRequest(request({ type, values: {} }), snowflakeModule).resources;
      expect(r!.skip).toContain(`unsupported resource type '${type}'`);
    }
  });

  it('keeps identifiers exactly as requested, quotes and all', () => {
    const [r] = normalizeRequest(
      request({ type: 'table', values: { database: 'SALES', schema: 'PUBLIC', table: 'x"; DROP TABLE y; --' } }),
      snowflakeModule,
    ).resources;
    expect(r!.ref.values.table).toBe('x"; DROP TABLE y; --');
  });
});
