import type { Scenario } from './scenario.js';

/** The connector scenarios every target runs: the same list against the emulators and against a real account. */
export const SCENARIOS: Scenario[] = [
  {
    name: 'grants what a policy allows',
    tables: [{ schema: 'CORE', table: 'ORDERS' }],
    principals: ['READERS'],
    before: [],
    policies: [{ schema: 'CORE', tables: ['ORDERS'], groups: ['READERS'] }],
    sync: { schema: 'CORE', table: 'ORDERS' },
    expect: {
      status: 'SUCCESS',
      has: [{ schema: 'CORE', table: 'ORDERS', privilege: 'SELECT', principal: 'READERS' }],
      lacks: [],
    },
  },
  {
    name: 'revokes a grant no policy allows',
    tables: [{ schema: 'CORE', table: 'ORDERS' }],
    principals: ['READERS', 'OTHERS'],
    before: [{ schema: 'CORE', table: 'ORDERS', privilege: 'SELECT', principal: 'OTHERS' }],
    policies: [{ schema: 'CORE', tables: ['ORDERS'], groups: ['READERS'] }],
    sync: { schema: 'CORE', table: 'ORDERS' },
    expect: {
      status: 'SUCCESS',
      has: [{ schema: 'CORE', table: 'ORDERS', privilege: 'SELECT', principal: 'READERS' }],
      lacks: [{ schema: 'CORE', table: 'ORDERS', privilege: 'SELECT', principal: 'OTHERS' }],
    },
  },
  {
    name: 'leaves an ignored principal alone',
    tables: [{ schema: 'CORE', table: 'ORDERS' }],
    principals: ['READERS', 'AUDITORS'],
    before: [{ schema: 'CORE', table: 'ORDERS', privilege: 'SELECT', principal: 'AUDITORS' }],
    policies: [{ schema: 'CORE', tables: ['ORDERS'], groups: ['READERS'] }],
    ignored: ['AUDITORS'],
    sync: { schema: 'CORE', table: 'ORDERS' },
    expect: {
      status: 'SUCCESS',
      has: [
        { schema: 'CORE', table: 'ORDERS', privilege: 'SELECT', principal: 'READERS' },
        { schema: 'CORE', table: 'ORDERS', privilege: 'SELECT', principal: 'AUDITORS' },
      ],
      lacks: [],
    },
  },
  {
    name: 'syncs every table a wildcard covers in a schema, and no other',
    tables: [
      { schema: 'CORE', table: 'SALES_2025' },
      { schema: 'CORE', table: 'SALES_2026' },
      { schema: 'CORE', table: 'PAYROLL' },
    ],
    principals: ['READERS'],
    before: [],
    policies: [{ schema: 'CORE', tables: ['SALES_*'], groups: ['READERS'] }],
    sync: { schema: 'CORE' },
    expect: {
      status: 'SUCCESS',
      has: [
        { schema: 'CORE', table: 'SALES_2025', privilege: 'SELECT', principal: 'READERS' },
        { schema: 'CORE', table: 'SALES_2026', privilege: 'SELECT', principal: 'READERS' },
      ],
      lacks: [{ schema: 'CORE', table: 'PAYROLL', privilege: 'SELECT', principal: 'READERS' }],
    },
  },
  {
    name: 'quotes a hostile table name as data',
    tables: [{ schema: 'CORE', table: 'x"; DROP TABLE ORDERS; --' }],
    principals: ['READERS'],
    before: [],
    policies: [{ schema: 'CORE', tables: ['x"; DROP TABLE ORDERS; --'], groups: ['READERS'] }],
    sync: { schema: 'CORE', table: 'x"; DROP TABLE ORDERS; --' },
    expect: {
      status: 'SUCCESS',
      has: [{ schema: 'CORE', table: 'x"; DROP TABLE ORDERS; --', privilege: 'SELECT', principal: 'READERS' }],
      lacks: [],
    },
  },
  {
    name: 'skips a table that does not exist',
    tables: [{ schema: 'CORE', table: 'ORDERS' }],
    principals: ['READERS'],
    before: [],
    policies: [{ schema: 'CORE', tables: ['*'], groups: ['READERS'] }],
    sync: { schema: 'CORE', table: 'NO_SUCH_TABLE' },
    expect: { status: 'SKIPPED', has: [], lacks: [] },
  },
];
