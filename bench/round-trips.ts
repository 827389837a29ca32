import { startSnowflakeEmulator } from '../dev/emulators/snowflake/index.js';
import { createTask } from '../shared/intake/create-task.js';
import { runTask } from '../shared/sync/worker.js';
import type { ResourceRef } from '../shared/task/request.js';
import { BENCH_DATABASE, benchTable, schemaName, writeBenchFiles } from './catalog.js';
import { type BenchResult, type Figure, now, progress } from './harness.js';
import { startServiceRig } from './rig.js';

export interface RoundTrips extends BenchResult {
  raw: Record<
    'off' | 'on',
    { cold: number; changed: number; inSync: number; schema: number; statuses: string[]; inSyncStatements: string[] }
  >;
}

/**
 * Warehouse round trips per sync (query requests plus result fetches, as the emulator counts them): the first
 * table with changes on a fresh connection, another table with changes on the now warm service, that table
 * again (already in sync), one schema of 100 tables. Measured with masking sync off
 * (the connector the test rigs build) and on (the runtime's default: masking and row-filter state read per table),
 * each on a fresh emulator so both start from the same state.
 */
export async function roundTrips(): Promise<RoundTrips> {
  const started = now();
  const files = writeBenchFiles({ schemas: 2, tables: 100, columns: 20, policies: 200 });
  const raw = {} as RoundTrips['raw'];
  for (const masking of [false, true]) {
    const emulator = await startSnowflakeEmulator({ catalog: files.catalogFile });
    const rig = await startServiceRig(emulator.url, files.policyFile, { masking });
    const statuses: string[] = [];
    const sync = async (resource: ResourceRef) => {
      const { task } = await createTask(
        rig.intake,
        { request: { type: 'RESOURCE_SYNC', requestInfo: { resources: [resource] } } },
        { source: 'API' },
      );
      emulator.control.reset();
      await runTask(task.header.taskId, rig.deps);
      statuses.push((await rig.storage.store.get(task.header.taskId))!.header.status);
      return emulator.control.roundTrips();
    };
    try {
      await rig.connector.capabilities.containers!(); // login first: connection upkeep is not counted as a round trip anyway
      const cold = await sync(benchTable(0, 3) as ResourceRef);
      const table = benchTable(0, 7) as ResourceRef;
      const changed = await sync(table);
      const inSync = await sync(table);
      const inSyncStatements = emulator.control.statements().map((st) => st.sql.replace(/\s+/g, ' ').slice(0, 70));
      const schema = await sync({ type: 'schema', values: { database: BENCH_DATABASE, schema: schemaName(1) } });
      raw[masking ? 'on' : 'off'] = { cold, changed, inSync, schema, statuses, inSyncStatements };
      progress(
        `round trips (masking ${masking ? 'on' : 'off'}): first sync ${cold}, changed ${changed}, in sync ${inSync}, schema of 100 tables ${schema}`,
      );
    } finally {
      await rig.close();
      await emulator.stop();
      await rig.storage.azurite.stop();
    }
  }
  files.remove();
  const figures: Figure[] = (['off', 'on'] as const).flatMap((m) => [
    {
      label: `masking ${m}: first sync on a fresh connection (one table with changes)`,
      value: raw[m].cold,
      unit: 'round trips',
    },
    { label: `masking ${m}: one table with changes`, value: raw[m].changed, unit: 'round trips', target: '<= 3' },
    { label: `masking ${m}: one table already in sync`, value: raw[m].inSync, unit: 'round trips', target: '<= 2' },
    { label: `masking ${m}: one schema of 100 tables`, value: raw[m].schema, unit: 'round trips' },
  ]);
  return {
    name: 'round-trips',
    title: 'Warehouse round trips per sync',
    settings:
      '2 schemas x 100 tables, 20 columns, 200 policies; round trips = query requests + result fetches (login, heartbeat, token renewal not counted); a fresh emulator per masking setting',
    figures,
    notes: [
      "Masking off: the connector built without masking options (as the test rigs build it). Masking on: `SnowflakeConnector.fromSettings(settings, {governanceSchema: 'POLICYSYNC_GOVERNANCE', takeover: false, naming})`, which is what the runtime builds unless CONNECTOR_SNOWFLAKE_GOVERNANCE_SCHEMA is `none`.",
      `Already in sync, what each setting sends: off — ${raw.off.inSyncStatements.map((q) => `\`${q}…\``).join('; ')}; on — ${raw.on.inSyncStatements.map((q) => `\`${q}…\``).join('; ')}. With masking on, a table's columns and attached policies (INFORMATION_SCHEMA.COLUMNS, POLICY_REFERENCES) are branches of the same catalog read, so a table in sync costs one round trip either way.`,
      'The first sync on a connection also reads the role list (SHOW ROLES) and, with masking on, the governance schema\'s two policy listings (SHOW MASKING POLICIES, SHOW ROW ACCESS POLICIES); the connector keeps both for 60 s (the listings until its next masking change), so later syncs skip them. "One table with changes" is such a later sync, as on a service that has been running; the first sync is reported beside it.',
      `Task states: off ${raw.off.statuses.join(', ')}; on ${raw.on.statuses.join(', ')}.`,
    ],
    ms: now() - started,
    raw,
  };
}
