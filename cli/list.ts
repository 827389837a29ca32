/** `policysync list [--status S] [--source S] [--since T] [--until T] [--limit N]`: recent tasks, newest first. */
import { Command, InvalidArgumentError, Option } from 'commander';
import type { TaskView } from '../shared/http/task-view.js';
import { TASK_STATUSES } from '../shared/task/status.js';
import { CliError } from './cli-error.js';
import { apiClient, type GlobalOptions, type Runner } from './follow.js';
import type { Io, Output } from './output.js';
import { taskTableLines } from './render.js';

interface ListOptions {
  status?: string;
  source?: string;
  since?: string;
  until?: string;
  limit: number;
}

/** The server's largest page: more is fetched by following the continuation. */
const PAGE_MAX = 200;
const MAX_LIMIT = 10_000;
const UNIT_MS: Record<string, number> = { m: 60_000, h: 3_600_000, d: 86_400_000 };

export function listCommand(run: Runner): Command {
  return new Command('list')
    .description('list recent tasks, newest first (the last 7 days unless --since says otherwise)')
    .addOption(
      new Option('--status <statuses>', `only these statuses, comma-separated: ${TASK_STATUSES.join(', ')}`).argParser(
        parseStatuses,
      ),
    )
    .option('--source <source>', 'only tasks from this source: API, EVENT_HUB, SCHEDULE, POLICY_CHANGE, ...')
    .addOption(new Option('--since <time>', 'created at or after: an ISO time or an age like 30m, 6h, 2d'))
    .addOption(new Option('--until <time>', 'created at or before: an ISO time or an age (default now)'))
    .addOption(new Option('--limit <n>', `at most this many tasks (1..${MAX_LIMIT})`).default(50).argParser(parseLimit))
    .action(async (opts: ListOptions) => run((out, io, globals) => list(opts, out, io, globals)));
}

export async function list(opts: ListOptions, out: Output, io: Io, globals: GlobalOptions): Promise<number> {
  const client = apiClient(globals, io);
  const query = new URLSearchParams();
  if (opts.status) query.set('status', opts.status);
  if (opts.source) query.set('source', opts.source);
  if (opts.since) query.set('since', instant(opts.since, '--since', client.now()));
  if (opts.until) query.set('until', instant(opts.until, '--until', client.now()));
  const tasks: TaskView[] = [];
  for (;;) {
    query.set('limit', String(Math.min(PAGE_MAX, opts.limit - tasks.length)));
    const page = await client.listTasks(query);
    tasks.push(...page.tasks);
    if (!page.continuation || tasks.length >= opts.limit) break;
    query.set('continuation', page.continuation);
  }
  out.document({ tasks });
  if (!out.json) {
    if (tasks.length === 0) out.line('no tasks in that range');
    else for (const line of taskTableLines(tasks)) out.line(line);
  }
  return 0;
}

function parseStatuses(value: string): string {
  const unknown = value.split(',').filter((s) => !(TASK_STATUSES as readonly string[]).includes(s));
  if (unknown.length > 0)
    throw new InvalidArgumentError(`unknown status ${unknown.join(', ')}; use ${TASK_STATUSES.join(', ')}`);
  return value;
}

function parseLimit(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > MAX_LIMIT)
    throw new InvalidArgumentError(`--limit takes a whole number from 1 to ${MAX_LIMIT}, not '${value}'`);
  return n;
}

/** An ISO time as given, or an age (`90m`, `6h`, `2d`) as the ISO time that long before `now`. */
function instant(value: string, flag: string, now: number): string {
  const age = /^(\d{1,6})([mhd])$/.exec(value.trim());
  if (age) return new Date(now - Number(age[1]) * UNIT_MS[age[2]!]!).toISOString();
  const t = Date.parse(value);
  if (Number.isNaN(t)) throw new CliError('USAGE', `${flag} takes an ISO time or an age like 6h, not '${value}'`);
  return new Date(t).toISOString();
}
