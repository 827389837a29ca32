import { describe, expect, it } from 'vitest';
import { diagnosticsKey } from '../../../shared/events/dedupe-key.js';
import { ingestMessage } from '../../../shared/events/ingest.js';
import { requestedResources } from '../../../shared/task/task-request.js';
import { diagnosticRecord, fixture, fixtureText, logId } from './load-fixture.js';

/** The resources of a RESOURCE_SYNC request (diagnostic records never make another type). */

const DATABRICKS = {
  type: 'RESOURCE_SYNC',
  appType: 'DATABRICKS',
  appSubType: 'UNITY_CATALOG',
  source: 'DATABRICKS_DIAGNOSTICS',
} as const;

function batch(...records: unknown[]) {
  return JSON.stringify({ records });
}

describe('Databricks diagnostic logs', () => {
  it('turns a mixed batch into one request naming each changed object once', () => {
    const result = ingestMessage(fixtureText('diagnostics-mixed-batch.json'), { eventId: 'eh-1' });
    expect(result.items).toEqual([
      {
        dedupeKey: diagnosticsKey([4, 6, 9, 13, 15].map(logId)),
        origin: 'databricks_diagnostics',
        request: {
          ...DATABRICKS,
          createTime: '2026-11-27T09:14:03.1480000Z',
          requestInfo: {
            resources: [
              { type: 'table', values: { catalog: 'main', schema: 'sales', table: 'orders_2026' } },
              { type: 'schema', values: { catalog: 'main', schema: 'marketing' } },
              { type: 'catalog', values: { catalog: 'sandbox' } },
            ],
          },
        },
      },
    ]);
  });

  it('counts every dropped record by reason: reads, credential requests, failed calls, duplicates, other categories', () => {
    const { dropped } = ingestMessage(fixtureText('diagnostics-mixed-batch.json'), {});
    expect(dropped).toEqual({
      read_operation: 5,
      credential_request: 2,
      failed_call: 2,
      duplicate_log_id: 1,
      other_category: 1,
    });
  });

  it('counts a failed read as a read: noise is classified by action before status', () => {
    const { items, dropped } = ingestMessage(
      batch(diagnosticRecord({ action: 'getTable', params: { full_name_arg: 'main.sales.ghost' }, status: 404 })),
      {},
    );
    expect(items).toEqual([]);
    expect(dropped).toEqual({ read_operation: 1 });
  });

  it('yields no request for a batch of pure noise, only the counts', () => {
    const result = ingestMessage(fixtureText('diagnostics-noise-only.json'), { eventId: 'eh-2' });
    expect(result).toEqual({
      items: [],
      dropped: { read_operation: 3, credential_request: 1, failed_call: 2, duplicate_log_id: 1 },
    });
  });

  it('syncs a redelivered record once and counts the repeat as a duplicate logId', () => {
    const record = diagnosticRecord({
      n: 7,
      action: 'createTable',
      params: { name: 'orders', catalog_name: 'main', schema_name: 'sales' },
    });
    const { items, dropped } = ingestMessage(batch(record, record, record), {});
    expect(items.map((item) => requestedResources(item.request))).toEqual([
      [{ type: 'table', values: { catalog: 'main', schema: 'sales', table: 'orders' } }],
    ]);
    expect(items[0]?.dedupeKey).toBe(diagnosticsKey([logId(7)]));
    expect(dropped).toEqual({ duplicate_log_id: 2 });
  });

  it('keys the request by its sorted logIds, so a reordered redelivery with other noise maps to the same key', () => {
    const { records } = fixture<{ records: unknown[] }>('diagnostics-mixed-batch.json');
    const noise = diagnosticRecord({ n: 900, action: 'listCatalogs' });
    const again = ingestMessage({ records: [noise, ...records].reverse() }, { eventId: 'eh-other' });
    const first = ingestMessage({ records }, { eventId: 'eh-1' });
    expect(again.items[0]?.dedupeKey).toBe(first.items[0]?.dedupeKey);
  });

  it('turns a deleted table into a sync of its parent schema, folding deletes in the same schema', () => {
    const { items, dropped } = ingestMessage(fixtureText('diagnostics-delete-table.json'), {});
    expect(items).toEqual([
      {
        dedupeKey: diagnosticsKey([logId(101), logId(102), logId(103)]),
        origin: 'databricks_diagnostics',
        request: {
          ...DATABRICKS,
          createTime: '2026-11-27T10:02:11.0000000Z',
          requestInfo: {
            resources: [
              { type: 'schema', values: { catalog: 'main', schema: 'sales' } },
              { type: 'table', values: { catalog: 'main', schema: 'sales', table: 'orders_archive' } },
            ],
          },
        },
      },
    ]);
    expect(dropped).toEqual({});
  });

  it('syncs the securable a permission change names, whatever the case of its type, and drops unsupported securables', () => {
    const { items, dropped } = ingestMessage(fixtureText('diagnostics-update-permissions.json'), {});
    expect(items).toEqual([
      {
        dedupeKey: diagnosticsKey([logId(201), logId(202), logId(203)]),
        origin: 'databricks_diagnostics',
        request: {
          ...DATABRICKS,
          createTime: '2026-11-27T11:20:00.0000000Z',
          requestInfo: {
            resources: [
              { type: 'table', values: { catalog: 'main', schema: 'sales', table: 'orders' } },
              { type: 'schema', values: { catalog: 'main', schema: 'hr' } },
              { type: 'catalog', values: { catalog: 'main' } },
            ],
          },
        },
      },
    ]);
    expect(dropped).toEqual({ unsupported_securable: 1, read_operation: 1 });
  });

  it('drops a permission change on a securable type named like an inherited property', () => {
    const records = ['constructor', '__proto__', 'toString'].map((t, n) =>
      diagnosticRecord({
        n,
        action: 'updatePermissions',
        params: { securable_type: t, securable_full_name: 'main.sales.orders' },
      }),
    );
    const { items, dropped } = ingestMessage(JSON.stringify({ records }), {});
    expect(items).toEqual([]);
    expect(dropped).toEqual({ unsupported_securable: 3 });
  });

  it('treats a permission change on a view as one on its table securable', () => {
    const record = diagnosticRecord({
      action: 'updatePermissions',
      params: { securable_type: 'view', securable_full_name: 'main.sales.orders_v' },
    });
    expect(requestedResources(ingestMessage(batch(record), {}).items[0]?.request)).toEqual([
      { type: 'table', values: { catalog: 'main', schema: 'sales', table: 'orders_v' } },
    ]);
  });

  it.each([
    [
      'createTable',
      { full_name_arg: 'main.sales.orders' },
      'table',
      { catalog: 'main', schema: 'sales', table: 'orders' },
    ],
    [
      'createTable',
      { catalog_name: 'main', schema_name: 'sales', name: 'orders' },
      'table',
      { catalog: 'main', schema: 'sales', table: 'orders' },
    ],
    [
      'updateTables',
      { full_name_arg: 'main.sales.orders' },
      'table',
      { catalog: 'main', schema: 'sales', table: 'orders' },
    ],
    [
      'updateTable',
      { catalog_name: 'main', schema_name: 'sales', table_name: 'orders' },
      'table',
      { catalog: 'main', schema: 'sales', table: 'orders' },
    ],
    [
      'deleteTable',
      { catalog_name: 'main', schema_name: 'sales', name: 'orders' },
      'schema',
      { catalog: 'main', schema: 'sales' },
    ],
    ['createSchema', { catalog_name: 'main', name: 'sales' }, 'schema', { catalog: 'main', schema: 'sales' }],
    ['updateSchema', { full_name_arg: 'main.sales' }, 'schema', { catalog: 'main', schema: 'sales' }],
    ['createCatalog', { name: 'main' }, 'catalog', { catalog: 'main' }],
    ['updateCatalog', { name_arg: 'main' }, 'catalog', { catalog: 'main' }],
    [
      'updatePermissions',
      { securable_type: 'schema', securable_full_name: 'main.sales' },
      'schema',
      { catalog: 'main', schema: 'sales' },
    ],
  ])('takes the object of %s from requestParams %j', (action, params, type, values) => {
    const { items, dropped } = ingestMessage(batch(diagnosticRecord({ action, params })), {});
    expect(items.map((item) => requestedResources(item.request))).toEqual([[{ type, values }]]);
    expect(dropped).toEqual({});
  });

  it('folds the full-name form and the separate-fields form of one table into one resource', () => {
    const { items } = ingestMessage(
      batch(
        diagnosticRecord({
          n: 1,
          action: 'createTable',
          params: { catalog_name: 'main', schema_name: 'sales', name: 'orders' },
        }),
        diagnosticRecord({ n: 2, action: 'updateTables', params: { full_name_arg: 'main.sales.orders' } }),
        diagnosticRecord({
          n: 3,
          action: 'updatePermissions',
          params: { securable_type: 'table', securable_full_name: 'main.sales.orders' },
        }),
      ),
      {},
    );
    expect(items).toHaveLength(1);
    expect(requestedResources(items[0]?.request)).toEqual([
      { type: 'table', values: { catalog: 'main', schema: 'sales', table: 'orders' } },
    ]);
    expect(items[0]?.dedupeKey).toBe(diagnosticsKey([logId(1), logId(2), logId(3)]));
  });

  it('lower-cases names as Unity Catalog stores them, so case variants are one object', () => {
    const { items } = ingestMessage(
      batch(
        diagnosticRecord({
          n: 1,
          action: 'createTable',
          params: { catalog_name: 'Main', schema_name: 'Sales', name: 'Orders' },
        }),
        diagnosticRecord({ n: 2, action: 'updateTables', params: { full_name_arg: 'main.sales.ORDERS' } }),
      ),
      {},
    );
    expect(requestedResources(items[0]?.request)).toEqual([
      { type: 'table', values: { catalog: 'main', schema: 'sales', table: 'orders' } },
    ]);
  });

  it('syncs a renamed schema under its new name: the grants move with the object', () => {
    const { items } = ingestMessage(
      batch(
        diagnosticRecord({ action: 'updateSchema', params: { full_name_arg: 'main.sales', new_name: 'sales_eu' } }),
      ),
      {},
    );
    expect(requestedResources(items[0]?.request)).toEqual([
      { type: 'schema', values: { catalog: 'main', schema: 'sales_eu' } },
    ]);
  });

  it('accepts requestParams and response written as objects as well as strings', () => {
    const record = diagnosticRecord({ action: 'createSchema' });
    const asObjects = {
      ...record,
      properties: {
        ...record.properties,
        requestParams: { catalog_name: 'main', name: 'hr' },
        response: { statusCode: 200 },
      },
    };
    expect(requestedResources(ingestMessage({ records: [asObjects] }, {}).items[0]?.request)).toEqual([
      { type: 'schema', values: { catalog: 'main', schema: 'hr' } },
    ]);
  });

  it('takes the action from operationName when properties.actionName is absent', () => {
    const record = diagnosticRecord({ action: 'createCatalog', params: { name: 'finance' } });
    const { actionName: _dropped, ...properties } = record.properties;
    expect(requestedResources(ingestMessage({ records: [{ ...record, properties }] }, {}).items[0]?.request)).toEqual([
      { type: 'catalog', values: { catalog: 'finance' } },
    ]);
  });

  it.each([
    ['an empty table name', { catalog_name: 'main', schema_name: 'sales', name: '' }],
    ['an empty part in a full name', { full_name_arg: 'main..orders' }],
    ['a NUL character', { catalog_name: 'main', schema_name: 'sales', name: 'orders\u0000' }],
    ['a bell character', { full_name_arg: 'main.sa\u0007les.orders' }],
    ['a newline', { catalog_name: 'main', schema_name: 'sales', name: 'orders\nDROP' }],
    ['DEL', { catalog_name: 'main', schema_name: 'sales', name: 'orders\u007f' }],
    ['a C1 control character', { catalog_name: 'main', schema_name: 'sales', name: 'orders\u0085' }],
    ['a period inside a part', { catalog_name: 'main', schema_name: 'sales', name: 'a.b' }],
    ['a space', { catalog_name: 'main', schema_name: 'sales', name: 'my orders' }],
    ['a forward slash', { catalog_name: 'main', schema_name: 'sales', name: 'a/b' }],
    ['a lone surrogate', { catalog_name: 'main', schema_name: 'sales', name: 'orders\ud800' }],
    ['256 characters', { catalog_name: 'main', schema_name: 'sales', name: 'x'.repeat(256) }],
    ['too few parts for a table', { full_name_arg: 'main.orders' }],
    ['too many parts for a table', { full_name_arg: 'main.sales.orders.extra' }],
  ])('drops a table change whose name has %s', (_what, params) => {
    const { items, dropped } = ingestMessage(batch(diagnosticRecord({ action: 'createTable', params })), {});
    expect(items).toEqual([]);
    expect(dropped).toEqual({ invalid_identifier: 1 });
  });

  it('accepts names with hyphens, non-ASCII letters and 255 characters', () => {
    const name = 'é'.repeat(255);
    const { items } = ingestMessage(
      batch(
        diagnosticRecord({ action: 'createTable', params: { catalog_name: 'cat-a-log', schema_name: '目录', name } }),
      ),
      {},
    );
    expect(requestedResources(items[0]?.request)).toEqual([
      { type: 'table', values: { catalog: 'cat-a-log', schema: '目录', table: name } },
    ]);
  });

  it('drops malformed records without sinking the rest of the batch', () => {
    const good = diagnosticRecord({ n: 1, action: 'createSchema', params: { catalog_name: 'main', name: 'hr' } });
    const noLogId = { ...good, properties: { ...good.properties, logId: undefined } };
    const { items, dropped } = ingestMessage(
      {
        records: [
          null,
          'createTable',
          { category: 'unityCatalog' },
          noLogId,
          diagnosticRecord({ n: 2, action: 'createTable', params: 'not json {' }),
          diagnosticRecord({ n: 3, action: 'createTable', params: { catalog_name: 'main' } }),
          {
            ...diagnosticRecord({ n: 4, action: 'createTable' }),
            properties: { ...diagnosticRecord({ n: 4, action: 'createTable' }).properties, response: '{oops' },
          },
          diagnosticRecord({ n: 5, action: 'updatePermissions', params: { securable_full_name: 'main.hr' } }),
          good,
        ],
      },
      {},
    );
    expect(items.map((item) => requestedResources(item.request))).toEqual([
      [{ type: 'schema', values: { catalog: 'main', schema: 'hr' } }],
    ]);
    expect(dropped).toEqual({ malformed_record: 8 });
  });

  it('counts logs of other Azure services on the same hub as another category, not as malformed', () => {
    const keyVault = {
      time: '2026-11-27T09:00:00Z',
      resourceId: '/SUBSCRIPTIONS/X/PROVIDERS/MICROSOFT.KEYVAULT/VAULTS/KV',
      category: 'AuditEvent',
      operationName: 'SecretGet',
      properties: { id: 'https://kv.vault.azure.net/secrets/x' },
    };
    expect(ingestMessage({ records: [keyVault, keyVault] }, {})).toEqual({ items: [], dropped: { other_category: 2 } });
  });

  it('drops actions that change other kinds of objects as unsupported', () => {
    const { dropped } = ingestMessage(
      batch(
        diagnosticRecord({
          n: 1,
          action: 'createVolume',
          params: { catalog_name: 'main', schema_name: 'raw', name: 'landing' },
        }),
        diagnosticRecord({ n: 2, action: 'deleteSchema', params: { full_name_arg: 'main.tmp' } }),
        diagnosticRecord({ n: 3, action: 'createStorageCredential', params: { name: 'mi-landing' } }),
      ),
      {},
    );
    expect(dropped).toEqual({ unsupported_action: 3 });
  });

  it('splits a batch naming more than 1000 objects into requests of at most 1000 resources', () => {
    const records = Array.from({ length: 1001 }, (_, i) =>
      diagnosticRecord({ n: i + 1, action: 'createTable', params: { full_name_arg: `main.bulk.t${i}` } }),
    );
    const { items } = ingestMessage({ records }, {});
    expect(items.map((item) => requestedResources(item.request)?.length)).toEqual([1000, 1]);
    expect(items[1]?.dedupeKey).toBe(diagnosticsKey([logId(1001)]));
  });
});
