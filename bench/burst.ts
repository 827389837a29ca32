import { startSnowflakeEmulator } from '../dev/emulators/snowflake/index.js';
import { createTask } from '../shared/intake/create-task.js';
import { runTask } from '../shared/sync/worker.js';
import type { ResourceRef } from '../shared/task/request.js';
import { isTerminal } from '../shared/task/status.js';
import { benchTable, writeBenchFiles } from './catalog.js';
import { type BenchResult, now, progress, round, sleep } from './harness.js';
import { startServiceRig } from './rig.js';

const LATENCY_MS = 20;
const WORKERS = 16; // host.json queues.batchSize: what one host instance runs at once

export interface Burst extends BenchResult {
  raw: {
    tasks: number;
    terminal: number;
    success: number;
    syncs: number;
    deferrals: number;
    submitMs: number;
    terminalMs: number;
  };
}

/**
 * `tasks` tasks for the same table submitted at once, then delivered from the real queue to 16 concurrent workers
 * with coalescing on, as the host would. Warehouse syncs are counted as the emulator's grant reads (the one
 * statement with UNION ALL each sync of a table starts with).
 */
export async function burst(tasks: number): Promise<Burst> {
  const started = now();
  const files = writeBenchFiles({ schemas: 1, tables: 10, columns: 20, policies: 20 });
  const emulator = await startSnowflakeEmulator({ catalog: files.catalogFile });
  const rig = await startServiceRig(emulator.url, files.policyFile);
  rig.deps.coalescing = { states: rig.storage.states, queue: rig.storage.queue };
  try {
    await rig.connector.capabilities.containers!();
    emulator.control.setLatency(LATENCY_MS);
    emulator.control.reset();
    const table = benchTable(0, 3) as ResourceRef;
    const t0 = now();
    const ids: string[] = [];
    for (let i = 0; i < tasks; i += 50) {
      // 50 submissions in flight, as concurrent API calls would be
      ids.push(
        ...(await Promise.all(
          Array.from(
            { length: Math.min(50, tasks - i) },
            async () =>
              (
                await createTask(
                  rig.intake,
                  { request: { type: 'RESOURCE_SYNC', requestInfo: { resources: [table] } } },
                  { source: 'API' },
                )
              ).task.header.taskId,
          ),
        )),
      );
    }
    const submitMs = now() - t0;
    progress(`burst: ${tasks} tasks submitted in ${round(submitMs)} ms; draining with ${WORKERS} workers`);

    const done = new Set<string>();
    let deferrals = 0;
    const deadline = Date.now() + 180_000;
    while (done.size < tasks && Date.now() < deadline) {
      const { receivedMessageItems: batch } = await rig.storage.queue.client.receiveMessages({
        numberOfMessages: WORKERS,
        visibilityTimeout: 60,
      });
      if (batch.length === 0) {
        await sleep(100);
        continue;
      }
      await Promise.all(
        batch.map(async (m) => {
          const { taskId } = JSON.parse(Buffer.from(m.messageText, 'base64').toString()) as { taskId: string };
          const outcome = await runTask(taskId, rig.deps);
          if (outcome === 'deferred') deferrals++;
          else if (outcome === 'completed' || outcome === 'already_terminal') done.add(taskId);
          await rig.storage.queue.client.deleteMessage(m.messageId, m.popReceipt);
        }),
      );
    }
    const terminalMs = now() - t0;
    const stored = await Promise.all(ids.map((id) => rig.storage.store.get(id)));
    const terminal = stored.filter((t) => t && isTerminal(t.header.status)).length;
    const success = stored.filter((t) => t?.header.status === 'SUCCESS').length;
    const syncs = emulator.control.statements().filter((s) => s.sql.includes('UNION ALL')).length;
    progress(`burst: ${terminal}/${tasks} terminal after ${round(terminalMs / 1000, 2)} s, ${syncs} warehouse sync(s)`);
    return {
      name: 'burst',
      title: `Burst of ${tasks.toLocaleString('en-US')} tasks for one table`,
      settings: `${tasks} tasks for ${table.values.schema}.${table.values.table}, coalescing on, ${WORKERS} concurrent workers on the Azurite queue, ${LATENCY_MS} ms injected latency`,
      figures: [
        { label: 'warehouse syncs of the table', value: syncs, unit: '', target: '<= 2' },
        { label: 'tasks terminal', value: terminal, unit: `of ${tasks}` },
        { label: 'tasks SUCCESS', value: success, unit: `of ${tasks}` },
        { label: 'time to submit all tasks', value: round(submitMs), unit: 'ms' },
        { label: 'time from first submit until all terminal', value: round(terminalMs), unit: 'ms' },
        { label: 'deferrals (lease taken, back to the queue)', value: deferrals, unit: '' },
      ],
      notes: [
        'Tasks that find the lease taken go back to the queue invisible for 1-2 s (no spinning), so the time until all are terminal includes at least one such delay; the rest finish "already in sync since ..." without touching the warehouse.',
      ],
      ms: now() - started,
      raw: { tasks, terminal, success, syncs, deferrals, submitMs, terminalMs },
    };
  } finally {
    await rig.close();
    await emulator.stop();
    await rig.storage.azurite.stop();
    files.remove();
  }
}
