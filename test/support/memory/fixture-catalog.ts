import type { MemoryCatalog } from './memory-connector.js';

/** The small catalog the memory connector starts with: one database, two schemas, a view, a drifted grant. */
export function fixtureCatalog(): MemoryCatalog {
  const role = (name: string) => ({ kind: 'role' as const, name });
  return {
    databases: [
      {
        name: 'SALES',
        schemas: [
          {
            name: 'PUBLIC',
            tables: [
              { name: 'ORDERS', columns: ['ID', 'CUSTOMER_ID', 'AMOUNT', 'CREATED_AT'] },
              { name: 'CUSTOMERS', columns: ['ID', 'NAME', 'EMAIL'] },
              { name: 'ORDERS_V', kind: 'view', columns: ['ID', 'AMOUNT'] },
            ],
          },
          { name: 'FINANCE', tables: [{ name: 'INVOICES', columns: ['ID', 'ORDER_ID', 'TOTAL'] }] },
        ],
      },
    ],
    roles: ['ACCOUNTADMIN', 'SYSADMIN', 'PUBLIC', 'ANALYST', 'FINANCE_READER', 'ENGINEER'],
    grants: [
      {
        securable: { kind: 'table', path: ['SALES', 'PUBLIC', 'ORDERS'] },
        principal: role('SYSADMIN'),
        privilege: 'OWNERSHIP',
      },
      {
        securable: { kind: 'table', path: ['SALES', 'PUBLIC', 'ORDERS'] },
        principal: role('ENGINEER'),
        privilege: 'SELECT',
      },
    ],
  };
}
