import { z } from 'zod';
import { hourKey } from '../store/task-index.js';
import { listTasks } from '../store/task-listing.js';
import { TASK_STATUSES, type TaskStatus } from '../task/status.js';
import { decodeContinuation, encodeContinuation } from './list-continuation.js';
import { problem } from './problem.js';
import { authenticated, type LazyTaskApiDeps, type TaskApiDeps } from './task-api.js';
import { type TaskList, taskView } from './task-view.js';
import type { ApiRequest, ApiResponse } from './types.js';

const DAY_MS = 86_400_000;
/** The range listed when `since` is absent (shortened to the retention period when that is shorter). */
export const DEFAULT_LIST_DAYS = 7;

const statusList = z
  .string()
  .meta({ description: 'One status or several, comma-separated', example: 'FAILED,INPROGRESS' })
  .transform((s) => s.split(','))
  .pipe(z.array(z.enum(TASK_STATUSES)).max(TASK_STATUSES.length));

/** The query of `GET /tasks`; a parameter given empty (`status=`) counts as absent. */
export const TaskListQuerySchema = z.strictObject({
  status: statusList.optional(),
  source: z.string().max(64).optional().meta({ description: 'Only tasks from this source', example: 'API' }),
  since: z.iso
    .datetime({ offset: true })
    .optional()
    .meta({ description: `Created at or after (default: ${DEFAULT_LIST_DAYS} days before \`until\`)` }),
  until: z.iso.datetime({ offset: true }).optional().meta({ description: 'Created at or before (default: now)' }),
  limit: z.coerce.number().int().min(1).max(200).default(50).meta({ description: 'Tasks per page' }),
  continuation: z.string().optional().meta({ description: 'The `continuation` of the previous page' }),
});

export interface ListOptions {
  /** TASK_RETENTION_DAYS: no range may be longer than what retention keeps. */
  retentionDays: number;
  now?: () => Date;
}

/** `GET /policysync/api/v1/tasks`: tasks newest first, filtered and paged, read through the status index. */
export async function getTasks(
  req: ApiRequest,
  deps: TaskApiDeps | LazyTaskApiDeps,
  opts: ListOptions,
): Promise<ApiResponse> {
  return authenticated(req, deps, async (_caller, deps) => {
    const params = [...new URL(req.url, 'http://localhost').searchParams].filter(([, v]) => v !== '');
    const parsed = TaskListQuerySchema.safeParse(Object.fromEntries(params));
    if (!parsed.success) {
      return invalid(
        'the query does not match the listing parameters',
        parsed.error.issues.map((i) => ({ path: `query:${String(i.path[0] ?? '')}`, message: i.message })),
      );
    }
    const q = parsed.data;
    const now = (opts.now ?? (() => new Date()))();
    const until = q.until ? new Date(q.until) : now;
    const since = q.since
      ? new Date(q.since)
      : new Date(until.getTime() - Math.min(DEFAULT_LIST_DAYS, opts.retentionDays) * DAY_MS);
    if (since > until) return invalid('since is after until', [{ path: 'query:since', message: 'after until' }]);
    if (until.getTime() - since.getTime() > opts.retentionDays * DAY_MS) {
      return invalid(
        `the range is longer than the ${opts.retentionDays} days tasks are kept (TASK_RETENTION_DAYS); narrow since and until`,
        [{ path: 'query:since', message: `more than ${opts.retentionDays} days before until` }],
      );
    }
    const from = q.continuation === undefined ? undefined : decodeContinuation(q.continuation);
    const hour = (d: Date) => hourKey(d.toISOString());
    if (q.continuation !== undefined && (!from || from.hour > hour(until) || from.hour < hour(since))) {
      return problem(
        400,
        'invalid-continuation',
        'Bad Request',
        'the continuation is not one this listing answered for these since and until; start again without it',
        { issues: [{ path: 'query:continuation', message: 'not a continuation of this listing' }] },
      );
    }
    const { headers, next } = await listTasks(deps.store, {
      statuses: (q.status ?? []) as TaskStatus[],
      source: q.source,
      since,
      until,
      limit: q.limit,
      from,
    });
    const body: TaskList = {
      tasks: headers.map((h) => taskView(h)),
      ...(next ? { continuation: encodeContinuation(next) } : {}),
    };
    return { status: 200, jsonBody: body };
  });
}

const invalid = (detail: string, issues: { path: string; message: string }[]) =>
  problem(400, 'invalid-request', 'Bad Request', detail, { issues });
