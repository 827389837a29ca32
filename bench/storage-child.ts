/**
 * Azurite (tables and queues, in memory) as a process of its own, standing in for the remote storage account a
 * deployed service talks to. Prints one JSON line `{"connectionString": ...}` and runs until SIGTERM or SIGINT.
 *
 *   tsx bench/storage-child.ts
 */
import { startAzurite } from '../dev/azurite.js';

const azurite = await startAzurite();
process.stdout.write(`${JSON.stringify({ connectionString: azurite.connectionString })}\n`);
for (const signal of ['SIGTERM', 'SIGINT'] as const) {
  process.once(signal, () => { void azurite.stop().finally(() => process.exit(0)); });
}
