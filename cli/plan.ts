/** `policysync plan <resource...>`: a dry run, waited for, with the plan as a table. Nothing is applied. */
import { Command, Option } from 'commander';
import { MAX_WAIT_SLICE_SECONDS } from './api-client.js';
import {
  apiClient,
  DEFAULT_WAIT_SECONDS,
  followTask,
  type GlobalOptions,
  parseWaitSeconds,
  type Runner,
  waitSecondsOf,
} from './follow.js';
import type { Io, Output } from './output.js';
import { parseResources, resolveKind } from './resource-args.js';

interface PlanOptions {
  wait?: number | boolean;
}

export function planCommand(run: Runner): Command {
  return new Command('plan')
    .description('show what a sync of the named resources would grant and revoke, without applying it')
    .argument(
      '<resource...>',
      'resources as <type> <name>: table SALES.PUBLIC.ORDERS, schema SALES.PUBLIC, catalog main',
    )
    .addOption(
      new Option('--wait [seconds]', `how long to wait for the plan (default ${DEFAULT_WAIT_SECONDS} s)`).argParser(
        parseWaitSeconds,
      ),
    )
    .action(async (words: string[], opts: PlanOptions) =>
      run((out, io, globals) => plan(words, opts, out, io, globals)),
    );
}

export async function plan(
  words: string[],
  opts: PlanOptions,
  out: Output,
  io: Io,
  globals: GlobalOptions,
): Promise<number> {
  const resources = parseResources(words, resolveKind(globals.kind, io.env));
  const client = apiClient(globals, io);
  const seconds = Math.max(waitSecondsOf(opts.wait, DEFAULT_WAIT_SECONDS), 1);
  const startedAt = client.now();
  const first = await client.createTask(resources, {
    dryRun: true,
    waitSeconds: Math.min(seconds, MAX_WAIT_SLICE_SECONDS),
  });
  return followTask(client, first, seconds, startedAt, out, 'plan');
}
