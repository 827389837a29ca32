import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { odata } from '@azure/data-tables';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { RangerAdminStandIn } from '../../dev/emulators/ranger/stand-in.js';
import { snowflakeModule } from '../../shared/connectors/snowflake/module.js';
import { taskView } from '../../shared/http/task-view.js';
import { createTask } from '../../shared/intake/create-task.js';
import { type PolicyWatchDeps, watchPolicies } from '../../shared/intake/policy-watch.js';
import { type PolicySource, rangerAdminSource } from '../../shared/policy/index.js';
import { tableClient } from '../../shared/store/clients.js';
import { PolicySnapshotStore } from '../../shared/store/policy-snapshot-store.js';
import { HEADER_ROWS } from '../../shared/store/task-store.js';
import { runTask } from '../../shared/sync/worker.js';
import { fixture, type SnowflakeRig, startSnowflakeRig } from '../support/snowflake-sync.js';

const FIXTURE_POLICIES = (JSON.parse(readFileSync(fixture('sync-policies.json'), 'utf8')) as { policies: unknown[] })
  .policies;
const SERVICE = 'snowflake_test';

let rig: SnowflakeRig;
let admin: RangerAdminStandIn;
let url: string;
let now: Date;
let tableName: string;

beforeAll(async () => {
  rig = await startSnowflakeRig();
});
afterAll(async () => {
  await rig?.stop();
});
beforeEach(async () => {
  now = new Date('2026-03-01T08:00:00Z');
  admin = new RangerAdminStandIn(SERVICE, { version: 7, policies: structuredClone(FIXTURE_POLICIES) });
  url = await admin.start();
  tableName = `policies${randomBytes(4).toString('hex')}`;
  rig.emulator.control.reset();
});
afterEach(async () => {
  await admin.stop();
});

const source = (): PolicySource =>
  rangerAdminSource({ url, serviceName: SERVICE, username: 'admin', password: 's3cret', now: () => now });

/** A watcher as one process has it: its own policy source and snapshot store client; the table is shared. */
async function watcher(policies = source()): Promise<PolicyWatchDeps> {
  const snapshots = new PolicySnapshotStore(
    tableClient({ connectionString: rig.storage.azurite.connectionString }, tableName),
  );
  await snapshots.init();
  return {
    intake: {
      store: rig.storage.store,
      queue: rig.storage.queue,
      warehouse: snowflakeModule,
      instance: 't',
      now: () => now,
    },
    snapshots,
    policies,
    connector: rig.connector,
    profile: rig.deps.profile,
  };
}

/** One tick; returns the tasks it created (or found), run through the worker at the same injected time. */
async function tick(w: PolicyWatchDeps, run = true) {
  const outcome = await watchPolicies(w, now);
  const ids = outcome.kind === 'watched' ? outcome.taskIds : [];
  const views = [];
  for (const id of ids) {
    if (run) await runTask(id, { ...rig.deps, policies: w.policies, now: () => now });
    const task = (await rig.storage.store.get(id))!;
    views.push(taskView(task.header, await rig.storage.store.resources(id)));
  }
  return { outcome, views };
}

const rowsOf = (views: Awaited<ReturnType<typeof tick>>['views']) =>
  views.flatMap((v) => v.resources!.map((r) => [r.type, Object.values(r.values).join('.')]));

const held = (object: string) =>
  rig.emulator.account
    .grants()
    .filter((g) => g.on.name === object)
    .map((g) => `${g.privilege} ${g.to}`);

const policy = (
  id: number,
  version: number,
  resources: Record<string, unknown>,
  extra: Record<string, unknown> = {},
) => ({
  id,
  version,
  name: `policy ${id}`,
  resources,
  policyItems: [{ accesses: [{ type: 'select' }], roles: ['auditor'] }],
  ...extra,
});
const finance = (table: string[], isExcludes = false) => ({
  database: { values: ['SALES'] },
  schema: { values: ['FINANCE'] },
  table: { values: table, isExcludes },
});
const publish = (...extra: unknown[]) => admin.publish([...structuredClone(FIXTURE_POLICIES), ...extra]);

async function policyChangeTaskCount(): Promise<number> {
  let n = 0;
  const filter = `${HEADER_ROWS} and ${odata`source eq 'POLICY_CHANGE'`}`;
  for await (const _ of rig.storage.tasksTable().listEntities({ queryOptions: { filter } })) n++;
  return n;
}

describe('the policy watcher against a Ranger Admin stand-in, Azurite and the Snowflake emulator', () => {
  it('records the first set without syncing anything, and does nothing on 304', async () => {
    const w = await watcher();
    expect((await tick(w)).outcome).toEqual({ kind: 'baseline', revision: 'v7' });
    const again = await tick(w);
    expect(again.outcome).toMatchObject({ kind: 'watched', changed: false, taskIds: [] });
    expect(admin.query(1).get('lastKnownVersion')).toBe('7');
  });

  it('syncs an added, edited, disabled and deleted policy on the next tick, naming it and the versions', async () => {
    const w = await watcher();
    await tick(w);

    publish(policy(10, 1, finance(['PAYMENTS'])));
    const added = await tick(w);
    expect(added.views).toHaveLength(1);
    expect(added.views[0]).toMatchObject({
      type: 'RESOURCE_SYNC',
      source: 'POLICY_CHANGE',
      status: 'SUCCESS',
      policies: [{ id: 10, version: 1 }],
      policyRevisions: { from: 'v7', to: 'v8' },
    });
    expect(rowsOf(added.views)).toEqual([['table', 'SALES.FINANCE.PAYMENTS']]);
    expect(held('SALES.FINANCE.PAYMENTS')).toContain('SELECT AUDITOR');

    publish(
      policy(10, 2, finance(['PAYMENTS']), { policyItems: [{ accesses: [{ type: 'select' }], roles: ['analyst'] }] }),
    );
    const edited = await tick(w);
    expect(edited.views[0]).toMatchObject({
      policies: [{ id: 10, version: 2 }],
      policyRevisions: { from: 'v8', to: 'v9' },
    });
    expect(held('SALES.FINANCE.PAYMENTS')).toContain('SELECT ANALYST');
    expect(held('SALES.FINANCE.PAYMENTS')).not.toContain('SELECT AUDITOR');

    publish(
      policy(10, 3, finance(['PAYMENTS']), {
        isEnabled: false,
        policyItems: [{ accesses: [{ type: 'select' }], roles: ['analyst'] }],
      }),
    );
    expect(rowsOf((await tick(w)).views)).toEqual([['table', 'SALES.FINANCE.PAYMENTS']]);
    expect(held('SALES.FINANCE.PAYMENTS')).not.toContain('SELECT ANALYST');

    publish(policy(10, 4, finance(['PAYMENTS'])));
    await tick(w);
    expect(held('SALES.FINANCE.PAYMENTS')).toContain('SELECT AUDITOR');
    publish();
    const deleted = await tick(w);
    expect(deleted.views[0]).toMatchObject({ policies: [{ id: 10, version: 4 }] });
    expect(held('SALES.FINANCE.PAYMENTS')).not.toContain('SELECT AUDITOR');
  });

  it('expands a wildcard by listing only the schema it names, once', async () => {
    const w = await watcher();
    await tick(w);
    publish(policy(11, 1, finance(['PAY*'])));
    rig.emulator.control.reset();
    const { views } = await tick(w, false);
    expect(rowsOf(views)).toEqual([['table', '"SALES"."FINANCE"."PAYMENTS"']]);
    const listings = rig.emulator.control.statements().filter((s) => /^SHOW|INFORMATION_SCHEMA\.TABLES/.test(s.sql));
    expect(listings.map((s) => s.sql)).toEqual([
      'SELECT TABLE_SCHEMA, TABLE_NAME FROM "SALES".INFORMATION_SCHEMA.TABLES WHERE TABLE_SCHEMA = ? ORDER BY TABLE_NAME',
    ]);
  });

  it('expands an excludes policy to every other table of its schema', async () => {
    const w = await watcher();
    await tick(w);
    publish(policy(12, 1, finance(['INVOICES'], true)));
    const invoices = held('SALES.FINANCE.INVOICES');
    const { views } = await tick(w);
    expect(rowsOf(views)).toEqual([['table', '"SALES"."FINANCE"."PAYMENTS"']]);
    expect(held('SALES.FINANCE.PAYMENTS')).toContain('SELECT AUDITOR');
    expect(held('SALES.FINANCE.INVOICES')).toEqual(invoices);
  });

  it('syncs a deny item added to a schema-wide policy as one schema task, and the deny takes the grants away', async () => {
    const w = await watcher();
    await tick(w);
    const policies = structuredClone(FIXTURE_POLICIES) as Record<string, unknown>[];
    policies[0]!.denyPolicyItems = [{ accesses: [{ type: 'select' }], roles: ['analyst'] }];
    admin.publish(policies);
    const { views } = await tick(w);
    expect(rowsOf(views)).toEqual([['schema', 'SALES.PUBLIC']]);
    expect(held('SALES.PUBLIC.ORDERS')).not.toContain('SELECT ANALYST');
  });

  it('syncs the table of a new mask and of a new row filter', async () => {
    const w = await watcher();
    await tick(w);
    publish(
      policy(
        13,
        1,
        { ...finance(['PAYMENTS']), column: { values: ['AMOUNT'] } },
        {
          policyType: 1,
          policyItems: [],
          dataMaskPolicyItems: [
            { accesses: [{ type: 'select' }], roles: ['analyst'], dataMaskInfo: { dataMaskType: 'MASK_NULL' } },
          ],
        },
      ),
      policy(14, 1, finance(['INVOICES']), {
        policyType: 2,
        policyItems: [],
        rowFilterPolicyItems: [
          { accesses: [{ type: 'select' }], roles: ['analyst'], rowFilterInfo: { filterExpr: 'AMOUNT < 100' } },
        ],
      }),
    );
    const { views } = await tick(w, false);
    expect(rowsOf(views).sort()).toEqual([
      ['table', 'SALES.FINANCE.INVOICES'],
      ['table', 'SALES.FINANCE.PAYMENTS'],
    ]);
    expect(views[0]).toMatchObject({ policies: [{ id: 13 }, { id: 14 }] });
  });

  it('grants when a validity window opens and revokes when it closes, within a tick of each boundary', async () => {
    const w = await watcher();
    now = new Date('2026-03-01T08:59:00Z');
    await tick(w);
    publish(
      policy(15, 1, finance(['PAYMENTS']), {
        validitySchedules: [{ startTime: '2026/03/01 09:00:00', endTime: '2026/03/01 17:00:00' }],
      }),
    );
    await tick(w);
    expect(held('SALES.FINANCE.PAYMENTS')).not.toContain('SELECT AUDITOR');

    now = new Date('2026-03-01T09:00:20Z');
    const opened = await tick(w);
    expect(opened.views).toHaveLength(1);
    expect(opened.views[0]).toMatchObject({
      source: 'POLICY_CHANGE',
      validityBoundary: '2026-03-01T09:00:00.000Z',
      policies: [{ id: 15 }],
    });
    expect(held('SALES.FINANCE.PAYMENTS')).toContain('SELECT AUDITOR');

    now = new Date('2026-03-01T09:00:50Z');
    expect((await tick(w)).views).toEqual([]);

    now = new Date('2026-03-01T17:00:15Z');
    const closed = await tick(w);
    expect(closed.views[0]).toMatchObject({ validityBoundary: '2026-03-01T17:00:00.000Z' });
    expect(held('SALES.FINANCE.PAYMENTS')).not.toContain('SELECT AUDITOR');
  });

  it('neither misses nor doubles a change across a restart between two versions', async () => {
    await tick(await watcher());
    publish(policy(16, 1, finance(['PAYMENTS'])));
    const before = await policyChangeTaskCount();

    // A watcher that dies after creating the tasks, before it records the new set.
    const dying = await watcher();
    dying.snapshots.advance = () => Promise.reject(new Error('process killed'));
    await expect(watchPolicies(dying, now)).rejects.toThrow('process killed');
    expect(await policyChangeTaskCount()).toBe(before + 1);

    // The restarted process (no memory: a new source and store client) finds the same change, and the same task.
    const restarted = await watcher();
    const { outcome } = await tick(restarted);
    expect(outcome).toMatchObject({ changed: true, advanced: true, revision: 'v8' });
    expect(await policyChangeTaskCount()).toBe(before + 1);
    expect(held('SALES.FINANCE.PAYMENTS')).toContain('SELECT AUDITOR');
    expect((await tick(restarted)).outcome).toMatchObject({ changed: false, taskIds: [] });
  });

  it('lets two instances on one change create its tasks once, and exactly one of them advance', async () => {
    await tick(await watcher());
    publish(policy(17, 1, finance(['PAYMENTS'])));
    const [a, b] = await Promise.all([watcher(), watcher()]);
    const [ra, rb] = await Promise.all([watchPolicies(a, now), watchPolicies(b, now)]);
    expect(ra.kind === 'watched' && rb.kind === 'watched' && ra.taskIds).toEqual(rb.kind === 'watched' && rb.taskIds);
    expect([ra, rb].filter((r) => r.kind === 'watched' && r.advanced)).toHaveLength(1);
  });

  it('keeps the set it just replaced for a watcher still diffing against it, and drops the one before', async () => {
    const w = await watcher();
    await tick(w);
    const first = (await w.snapshots.head())!;
    publish(policy(20, 1, finance(['PAYMENTS'])));
    await tick(w, false);
    expect(await w.snapshots.read(first)).toBeDefined();
    const second = (await w.snapshots.head())!;
    publish();
    await tick(w, false);
    expect(await w.snapshots.read(first)).toBeUndefined();
    expect(await w.snapshots.read(second)).toBeDefined();
  });

  it('turns a burst of 100 edits between two ticks into one task, each object once', async () => {
    const w = await watcher();
    publish(policy(18, 1, finance(['PAYMENTS'])));
    await tick(w);
    for (let v = 2; v <= 101; v++) publish(policy(18, v, finance([v % 2 === 0 ? 'INVOICES' : 'PAYMENTS', 'INVOICES'])));
    const { views } = await tick(w, false);
    expect(views).toHaveLength(1);
    expect(rowsOf(views).sort()).toEqual([
      ['table', 'SALES.FINANCE.INVOICES'],
      ['table', 'SALES.FINANCE.PAYMENTS'],
    ]);
  });

  it('does not sync again an object another task synced after it, under the same policy version', async () => {
    const w = await watcher();
    await tick(w);
    publish(policy(19, 1, finance(['PAYMENTS'])));
    const { outcome } = await tick(w, false);
    const [taskId] = outcome.kind === 'watched' ? outcome.taskIds : [];
    const coalescing = {
      ...rig.deps,
      policies: w.policies,
      coalescing: { states: rig.storage.states, queue: rig.storage.queue },
    };
    now = new Date(now.getTime() + 1000);
    const { task: other } = await createTask(
      { store: rig.storage.store, queue: rig.storage.queue, warehouse: snowflakeModule, instance: 't', now: () => now },
      {
        request: {
          type: 'RESOURCE_SYNC',
          requestInfo: {
            resources: [{ type: 'table', values: { database: 'SALES', schema: 'FINANCE', table: 'PAYMENTS' } }],
          },
        },
      },
      { source: 'API' },
    );
    await runTask(other.header.taskId, { ...coalescing, now: () => now });
    await runTask(taskId!, { ...coalescing, now: () => now });
    const [row] = await rig.storage.store.resources(taskId!);
    expect(row!.message).toMatch(/^already in sync since/);
  });
});
