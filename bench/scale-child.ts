/**
 * The service side of a full sync in its own process, so the peak RSS measured is the service's alone: the
 * snowflake-sdk connector, the worker and the storage clients. The emulator is another process, and so is the
 * storage when a connection string is given (as on Azure, where it is remote); without one, Azurite runs in
 * this process as the local host runs it. Prints one JSON line with the result on stdout.
 *
 *   node bench/scale-child.js <emulatorUrl> <policyFile> [off|on] [storageConnectionString]   (compiled)
 *   tsx bench/scale-child.ts <emulatorUrl> <policyFile> [off|on] [storageConnectionString]
 */
import { startFullSync } from '../shared/intake/full-sync.js';
import { runTask } from '../shared/sync/worker.js';
import { now, rssSampler } from './harness.js';
import { startBenchStorage, startServiceRig } from './rig.js';

const [emulatorUrl, policyFile, masking = 'off', connectionString] = process.argv.slice(2);
if (!emulatorUrl || !policyFile) {
  process.stderr.write('usage: scale-child <emulatorUrl> <policyFile> [off|on] [storageConnectionString]\n');
  process.exit(2);
}
const baseline = process.memoryUsage.rss();
const sampler = rssSampler(20);
const storage = await startBenchStorage(
  connectionString ? { connectionString, stop: async () => undefined } : undefined,
);
const rig = await startServiceRig(emulatorUrl, policyFile, { masking: masking === 'on', storage });
const started = now();
const ids = await startFullSync(rig.intake, rig.connector, new Date());
const statuses: string[] = [];
for (const id of ids) {
  await runTask(id, rig.deps);
  const task = (await rig.storage.store.get(id))!;
  statuses.push(task.header.status);
}
const ms = now() - started;
const rows = (await Promise.all(ids.map((id) => rig.storage.store.resources(id)))).flat();
const peak = sampler.stop();
await rig.close();
await rig.storage.azurite.stop();
process.stdout.write(
  `${JSON.stringify({ ms, statuses, messages: rows.map((r) => r.message.slice(0, 120)), baselineBytes: baseline, ...peak })}\n`,
);
process.exit(0);
