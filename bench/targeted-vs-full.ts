import { startSnowflakeEmulator } from '../dev/emulators/snowflake/index.js';
import { createTask } from '../shared/intake/create-task.js';
import { startFullSync } from '../shared/intake/full-sync.js';
import { runTask } from '../shared/sync/worker.js';
import type { ResourceRef } from '../shared/task/request.js';
import { benchTable, type CatalogShape, writeBenchFiles } from './catalog.js';
import { type BenchResult, now, progress, round, timed } from './harness.js';
import { startBenchStorage, startServiceRig } from './rig.js';

const LATENCY_MS = 20;

export interface TargetedVsFull extends BenchResult {
  raw: { targeted: Cost; full: Cost; fullTasks: number; fullStatus: string[]; targetedStatus: string };
}
interface Cost {
  ms: number;
  roundTrips: number;
  statements: number;
}

/**
 * One-table on-demand sync against the scheduled full sync, on the same generated catalog with the same injected
 * latency, one after the other in this run. Both start from a catalog with no grants: the one table has its
 * changes to apply, and so does every table the full sync sweeps.
 */
export async function targetedVsFull(shape: CatalogShape): Promise<TargetedVsFull> {
  const started = now();
  const tables = shape.schemas * shape.tables;
  progress(`targeted vs full: generating ${tables.toLocaleString('en-US')} tables, ${shape.policies} policies`);
  const files = writeBenchFiles(shape);
  const emulator = await startSnowflakeEmulator({ catalog: files.catalogFile });
  const rig = await startServiceRig(emulator.url, files.policyFile, { storage: await startBenchStorage() });
  try {
    // Login, connection and JIT warm-up on another table, as a dry run (reads, no grants): upkeep is not the cost measured.
    const { task: warm } = await createTask(
      rig.intake,
      { request: { type: 'RESOURCE_SYNC', requestInfo: { resources: [benchTable(0, 0) as ResourceRef] } } },
      { source: 'API', dryRun: true },
    );
    await runTask(warm.header.taskId, rig.deps);
    emulator.control.setLatency(LATENCY_MS);

    emulator.control.reset();
    const table = benchTable(Math.floor(shape.schemas / 2), Math.floor(shape.tables / 2)) as ResourceRef;
    const targeted = await timed(async () => {
      const { task } = await createTask(
        rig.intake,
        { request: { type: 'RESOURCE_SYNC', requestInfo: { resources: [table] } } },
        { source: 'API' },
      );
      await runTask(task.header.taskId, rig.deps);
      return (await rig.storage.store.get(task.header.taskId))!.header.status;
    });
    const targetedCost = {
      ms: targeted.ms,
      roundTrips: emulator.control.roundTrips(),
      statements: emulator.control.statements().length,
    };
    progress(
      `targeted vs full: one table ${round(targeted.ms)} ms, ${targetedCost.roundTrips} round trips; starting the full sync`,
    );

    emulator.control.reset();
    const full = await timed(async () => {
      const ids = await startFullSync(rig.intake, rig.connector, new Date());
      const statuses: string[] = [];
      for (const id of ids) {
        await runTask(id, rig.deps);
        statuses.push((await rig.storage.store.get(id))!.header.status);
      }
      return statuses;
    });
    const fullCost = {
      ms: full.ms,
      roundTrips: emulator.control.roundTrips(),
      statements: emulator.control.statements().length,
    };
    progress(`targeted vs full: full sync ${round(full.ms / 1000, 2)} s, ${fullCost.roundTrips} round trips`);

    const ratio = (k: keyof Cost) => round(fullCost[k] / Math.max(1, targetedCost[k]), 1);
    return {
      name: 'targeted-vs-full',
      title: 'Targeted vs full sync',
      settings: `${shape.schemas} schemas x ${shape.tables} tables (${tables.toLocaleString('en-US')} tables), ${shape.columns} columns each, ${shape.policies} Ranger policies, ${LATENCY_MS} ms injected round-trip latency, masking sync off, one connection`,
      figures: [
        { label: 'one-table on-demand sync: wall time', value: round(targetedCost.ms), unit: 'ms' },
        { label: 'scheduled full sync: wall time', value: round(fullCost.ms), unit: 'ms' },
        { label: 'wall-time ratio full / targeted', value: ratio('ms'), unit: 'x', target: '>= 100' },
        { label: 'one-table sync: round trips', value: targetedCost.roundTrips, unit: '' },
        { label: 'full sync: round trips', value: fullCost.roundTrips, unit: '' },
        { label: 'round-trip ratio', value: ratio('roundTrips'), unit: 'x' },
        { label: 'one-table sync: statements', value: targetedCost.statements, unit: '' },
        { label: 'full sync: statements', value: fullCost.statements, unit: '' },
        { label: 'statement ratio', value: ratio('statements'), unit: 'x' },
      ],
      notes: [
        `Both syncs start from a catalog without grants and include task creation (createTask / startFullSync + runTask). The one table is ${table.values.schema}.${table.values.table}; it is synced first, so the full sync finds it in sync and every other table with changes. Task states: targeted ${targeted.value}, full ${full.value.join(', ')}.`,
        "Before the measured syncs a dry-run sync of another table warms the connection, the JIT and the connector's role list (SHOW ROLES, cached 60 s), so the targeted figure is a warm service's; the round-trip benchmark below counts a sync on a fresh connection, SHOW ROLES included.",
      ],
      ms: now() - started,
      raw: {
        targeted: targetedCost,
        full: fullCost,
        fullTasks: full.value.length,
        fullStatus: full.value,
        targetedStatus: targeted.value,
      },
    };
  } finally {
    await rig.close();
    await emulator.stop();
    await rig.storage.azurite.stop();
    files.remove();
  }
}
