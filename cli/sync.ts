/** `policysync sync <resource...> [--wait [seconds]] [--dry-run]`: submit a RESOURCE_SYNC task, and follow it. */
import { Command, Option } from 'commander';
import { MAX_WAIT_SLICE_SECONDS } from './api-client.js';
import { EXIT } from './exit-status.js';
import { apiClient, followTask, type GlobalOptions, parseWaitSeconds, type Runner, waitSecondsOf } from './follow.js';
import type { Io, Output } from './output.js';
import { parseResources, resolveKind } from './resource-args.js';

interface SyncOptions {
  wait?: number | boolean;
  dryRun?: boolean;
  idempotencyKey?: string;
}

export function syncCommand(run: Runner): Command {
  return new Command('sync')
    .description('sync the grants of the named resources with the policies')
    .argument(
      '<resource...>',
      'resources as <type> <name>: table SALES.PUBLIC.ORDERS, schema SALES.PUBLIC, catalog main',
    )
    .addOption(
      new Option(
        '--wait [seconds]',
        'wait for the outcome: a line per resource, then the changes (default 120 s)',
      ).argParser(parseWaitSeconds),
    )
    .option('--dry-run', 'plan without applying anything')
    .option('--idempotency-key <key>', 'retries with the same key map to one task (default: a new key per run)')
    .action(async (words: string[], opts: SyncOptions) =>
      run((out, io, globals) => sync(words, opts, out, io, globals)),
    );
}

export async function sync(
  words: string[],
  opts: SyncOptions,
  out: Output,
  io: Io,
  globals: GlobalOptions,
): Promise<number> {
  const resources = parseResources(words, resolveKind(globals.kind, io.env));
  const client = apiClient(globals, io);
  const seconds = waitSecondsOf(opts.wait, 0);
  const startedAt = client.now();
  const first = await client.createTask(resources, {
    dryRun: opts.dryRun === true,
    ...(opts.idempotencyKey ? { idempotencyKey: opts.idempotencyKey } : {}),
    ...(seconds >= 1 ? { waitSeconds: Math.min(seconds, MAX_WAIT_SLICE_SECONDS) } : {}),
  });
  if (seconds > 0) return followTask(client, first, seconds, startedAt, out, 'changes');
  out.document(first.task);
  out.line(`task ${first.task.taskId} accepted: ${first.task.status}${first.task.dryRun ? ' (dry run)' : ''}`);
  out.line(`follow it with: policysync status ${first.task.taskId} --wait`);
  return EXIT.SUCCESS;
}
