import { describe, expect, it } from 'vitest';
import type { TaskResource, TaskView } from '../../../cli/api-client.js';
import { changesLines, planLines, progressLine, progressTracker, summaryLine } from '../../../cli/render.js';
import { taskViewOf } from '../../support/task-view.js';

const orders: TaskResource = {
  type: 'table',
  values: { database: 'SALES', schema: 'PUBLIC', table: 'ORDERS' },
  status: 'SUCCESS',
  message: 'dry run: 3 change(s) planned',
  changes: {
    unchanged: 3,
    warnings: [],
    granted: [],
    revoked: [],
    statements: [],
    dryRun: true,
    plan: [
      {
        op: 'GRANT',
        object: 'database SALES',
        principal: 'role ENGINEER',
        privileges: ['USAGE'],
        reason: 'parent of SALES.PUBLIC.ORDERS',
      },
      {
        op: 'GRANT',
        object: 'table SALES.PUBLIC.ORDERS',
        principal: 'role ENGINEER',
        privileges: ['INSERT', 'SELECT'],
        reason: 'policy 12',
      },
    ],
  },
};
const invoices: TaskResource = {
  type: 'schema',
  values: { database: 'SALES', schema: 'FINANCE' },
  status: 'SUCCESS',
  message: 'dry run: 1 change(s) planned',
  changes: {
    unchanged: 0,
    granted: [],
    revoked: [],
    statements: [],
    warnings: ['select is denied to user bob on table SALES.FINANCE.INVOICES (policy 7) while others are allowed it'],
    plan: [
      {
        op: 'REVOKE',
        object: 'table SALES.FINANCE.INVOICES',
        principal: 'role FINANCE_READER',
        privileges: ['UPDATE'],
        reason: 'drift',
      },
    ],
  },
};
const missing: TaskResource = {
  type: 'table',
  values: { database: 'SALES', schema: 'PUBLIC', table: '"Order Items"' },
  status: 'SKIPPED',
  message: 'not found: table SALES.PUBLIC."Order Items"',
};
const task = (resources: TaskResource[], extra: Partial<TaskView> = {}): TaskView => ({
  ...taskViewOf({ taskId: '914198696983498752', status: 'SUCCESS' }),
  status: 'SUCCESS',
  message: `${resources.length} resource(s) synced`,
  counts: {
    resources: resources.length,
    succeeded: resources.filter((r) => r.status === 'SUCCESS').length,
    failed: 0,
    skipped: resources.filter((r) => r.status === 'SKIPPED').length,
  },
  resources,
  ...extra,
});

describe('the plan table', () => {
  const lines = planLines(task([orders, invoices, missing], { dryRun: true }));

  it('heads each resource with its name as written and what it would change', () => {
    expect(lines).toContain('table SALES.PUBLIC.ORDERS: 2 change(s), 3 grant(s) unchanged');
    expect(lines).toContain('schema SALES.FINANCE: 1 change(s)');
    expect(lines).toContain('table SALES.PUBLIC."Order Items": SKIPPED, not found: table SALES.PUBLIC."Order Items"');
  });

  it('lines up every column across all resources', () => {
    const rows = lines.filter((l) => /^ {2}(OP|GRANT|REVOKE) /.test(l));
    expect(rows).toHaveLength(5); // a header per resource with steps, three steps
    for (const column of ['OBJECT', 'PRINCIPAL', 'PRIVILEGES', 'REASON']) {
      const at = rows[0]!.indexOf(column);
      const header = rows.find((r) => r.startsWith('  OP'))!;
      expect(header.indexOf(column)).toBe(at);
      for (const row of rows.filter((r) => !r.startsWith('  OP'))) expect(row[at - 1]).toBe(' ');
    }
    expect(rows[1]).toBe(
      '  GRANT   database SALES                role ENGINEER        USAGE           parent of SALES.PUBLIC.ORDERS',
    );
    expect(rows[4]).toBe('  REVOKE  table SALES.FINANCE.INVOICES  role FINANCE_READER  UPDATE          drift');
  });

  it('lists the warnings under the resource they belong to', () => {
    const at = lines.indexOf('schema SALES.FINANCE: 1 change(s)');
    expect(lines.slice(at)).toContain(
      '  warning  select is denied to user bob on table SALES.FINANCE.INVOICES (policy 7) while others are allowed it',
    );
  });

  it('leaves the principal and privilege cells of a masking step empty', () => {
    const withMask: TaskResource = {
      ...orders,
      changes: {
        ...orders.changes!,
        plan: [
          {
            op: 'ATTACH MASKING POLICY',
            object: 'column SALES.PUBLIC.CUSTOMERS.EMAIL',
            principal: '',
            privileges: [],
            reason: 'policy 30 (SALES.PUBLIC.MASK_EMAIL)',
          },
          ...orders.changes!.plan!,
        ],
      },
    };
    const table = planLines(task([withMask])).filter((l) => l.startsWith('  '));
    expect(table[0]).toBe(
      '  OP                     OBJECT                               PRINCIPAL      PRIVILEGES      REASON',
    );
    expect(table[1]).toBe(
      '  ATTACH MASKING POLICY  column SALES.PUBLIC.CUSTOMERS.EMAIL                                 policy 30 (SALES.PUBLIC.MASK_EMAIL)',
    );
  });

  it('says so when a resource needs no change', () => {
    const inSync: TaskResource = { ...orders, changes: { ...orders.changes!, plan: [] } };
    expect(planLines(task([inSync]))).toEqual([
      'table SALES.PUBLIC.ORDERS: 0 change(s), 3 grant(s) unchanged',
      '  no changes: the grants already match the policies',
    ]);
  });
});

describe('the changes at the end of a sync', () => {
  it('shows what was granted, revoked and left alone per resource', () => {
    const applied: TaskResource = {
      ...orders,
      message: '2 grant(s), 1 revoke(s) applied',
      changes: {
        unchanged: 3,
        warnings: [],
        plan: [],
        granted: [
          'USAGE ON DATABASE SALES TO ROLE ENGINEER',
          'INSERT, SELECT ON TABLE SALES.PUBLIC.ORDERS TO ROLE ENGINEER',
        ],
        revoked: ['DELETE ON TABLE SALES.PUBLIC.ORDERS FROM ROLE ANALYST'],
        statements: [],
      },
    };
    expect(changesLines(task([applied, missing]))).toEqual([
      'table SALES.PUBLIC.ORDERS: SUCCESS, 2 grant(s), 1 revoke(s) applied',
      '  granted  USAGE ON DATABASE SALES TO ROLE ENGINEER',
      '  granted  INSERT, SELECT ON TABLE SALES.PUBLIC.ORDERS TO ROLE ENGINEER',
      '  revoked  DELETE ON TABLE SALES.PUBLIC.ORDERS FROM ROLE ANALYST',
      '  3 grant(s) unchanged',
      'table SALES.PUBLIC."Order Items": SKIPPED, not found: table SALES.PUBLIC."Order Items"',
    ]);
  });

  it('lists masking policies and row filters changed beside the grants', () => {
    const masked: TaskResource = {
      ...orders,
      message: '0 grant(s), 0 revoke(s) applied, 1 masking change(s)',
      changes: {
        unchanged: 3,
        warnings: [],
        plan: [],
        granted: [],
        revoked: [],
        masking: ['attached masking policy SALES.PUBLIC.MASK_EMAIL to column SALES.PUBLIC.CUSTOMERS.EMAIL'],
        statements: [],
      },
    };
    expect(changesLines(task([masked]))).toEqual([
      'table SALES.PUBLIC.ORDERS: SUCCESS, 0 grant(s), 0 revoke(s) applied, 1 masking change(s)',
      '  masking  attached masking policy SALES.PUBLIC.MASK_EMAIL to column SALES.PUBLIC.CUSTOMERS.EMAIL',
      '  3 grant(s) unchanged',
    ]);
  });

  it('shows a failed statement with the warehouse message, on one line', () => {
    const failed: TaskResource = {
      ...orders,
      status: 'FAILED',
      message: 'a statement failed',
      changes: {
        unchanged: 0,
        warnings: [],
        plan: [],
        granted: [],
        revoked: [],
        statements: [
          {
            sql: 'GRANT SELECT ON TABLE "SALES"."PUBLIC"."ORDERS" TO ROLE "X"',
            ok: false,
            error: 'Insufficient privileges\nto operate on table',
          },
        ],
      },
    };
    expect(changesLines(task([failed], { status: 'FAILED' }))).toEqual([
      'table SALES.PUBLIC.ORDERS: FAILED, a statement failed',
      '  failed  GRANT SELECT ON TABLE "SALES"."PUBLIC"."ORDERS" TO ROLE "X": Insufficient privileges to operate on table',
    ]);
  });

  it('says no changes when the grants were already right', () => {
    const inSync: TaskResource = {
      ...orders,
      message: '0 grant(s), 0 revoke(s) applied',
      changes: { unchanged: 3, warnings: [], plan: [], granted: [], revoked: [], statements: [] },
    };
    expect(changesLines(task([inSync]))).toContain('  no changes: 3 grant(s) already match the policies');
  });
});

describe('progress and summary', () => {
  it('writes one aligned line per resource: status, resource, message', () => {
    expect(progressLine(orders)).toBe('SUCCESS  table SALES.PUBLIC.ORDERS  dry run: 3 change(s) planned');
    expect(progressLine(missing)).toBe(
      'SKIPPED  table SALES.PUBLIC."Order Items"  not found: table SALES.PUBLIC."Order Items"',
    );
    expect(progressLine({ ...orders, status: 'FAILED', message: 'x' })).toBe('FAILED   table SALES.PUBLIC.ORDERS  x');
  });

  it('reports each resource once, when it has finished', () => {
    const progress = progressTracker();
    const pending = { ...orders, status: 'PENDING' as const, message: '' };
    expect(progress(task([pending, pending], { status: 'INPROGRESS' }))).toEqual([]);
    expect(progress(task([orders, pending], { status: 'INPROGRESS' }))).toEqual([progressLine(orders)]);
    expect(progress(task([orders, missing]))).toEqual([progressLine(missing)]);
    expect(progress(task([orders, missing]))).toEqual([]);
  });

  it('sums the task up in one line and marks a dry run', () => {
    expect(summaryLine(task([orders, missing], { dryRun: true }))).toBe(
      'task 914198696983498752 SUCCESS: 2 resource(s) synced (1 succeeded, 0 failed, 1 skipped of 2) — dry run, nothing applied',
    );
  });
});
