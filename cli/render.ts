/**
 * What a person reads: a line per resource as it finishes, the changes per resource at the end, a plan as a
 * table with aligned columns (Terraform's "read it before anything is applied"), and a one-line summary.
 * Pure: tasks in, lines out.
 */
import type { TaskResource, TaskView } from './api-client.js';
import { resourceLabel } from './resource-args.js';

const STATUS_WIDTH = 'SUCCESS'.length;

/** `SUCCESS  table SALES.PUBLIC.ORDERS  3 grant(s), 0 revoke(s) applied` */
export function progressLine(resource: TaskResource): string {
  return `${resource.status.padEnd(STATUS_WIDTH)}  ${resourceLabel(resource)}${resource.message ? `  ${oneLine(resource.message)}` : ''}`;
}

/** Follows a task across reads and yields a progress line for each resource the first time it has finished. */
export function progressTracker(): (task: TaskView) => string[] {
  const reported = new Set<number>();
  return (task) =>
    (task.resources ?? []).flatMap((r, i) => {
      if (r.status === 'PENDING' || reported.has(i)) return [];
      reported.add(i);
      return [progressLine(r)];
    });
}

/** `task 9141… SUCCESS: 1 resource(s) synced (1 succeeded, 0 failed, 2 skipped)`, and whether it was a dry run. */
export function summaryLine(task: TaskView): string {
  const c = task.counts;
  const counts = c ? ` (${c.succeeded} succeeded, ${c.failed} failed, ${c.skipped} skipped of ${c.resources})` : '';
  return `task ${task.taskId} ${task.status}${task.message ? `: ${oneLine(task.message)}` : ''}${counts}${task.dryRun ? ' — dry run, nothing applied' : ''}`;
}

/** Each resource's outcome and what it changed: granted, revoked, warnings, failed statements, unchanged. */
export function changesLines(task: TaskView): string[] {
  const lines: string[] = [];
  for (const r of task.resources ?? []) {
    lines.push(`${resourceLabel(r)}: ${r.status}${r.message ? `, ${oneLine(r.message)}` : ''}`);
    const c = r.changes;
    if (!c) continue;
    const entries: [string, string][] = [
      ...(c.granted ?? []).map((g): [string, string] => ['granted', g]),
      ...(c.revoked ?? []).map((g): [string, string] => ['revoked', g]),
      ...(c.masking ?? []).map((m): [string, string] => ['masking', m]),
      ...(c.statements ?? [])
        .filter((s) => !s.ok)
        .map((s): [string, string] => ['failed', `${s.sql}: ${oneLine(s.error ?? 'error')}`]),
      ...(c.warnings ?? []).map((w): [string, string] => ['warning', oneLine(w)]),
    ];
    const width = Math.max(0, ...entries.map(([k]) => k.length));
    for (const [kind, text] of entries) lines.push(`  ${kind.padEnd(width)}  ${text}`);
    if (
      (c.granted ?? []).length === 0 &&
      (c.revoked ?? []).length === 0 &&
      (c.masking ?? []).length === 0 &&
      r.status === 'SUCCESS'
    ) {
      lines.push(`  no changes${c.unchanged ? `: ${c.unchanged} grant(s) already match the policies` : ''}`);
    } else if (c.unchanged) {
      lines.push(`  ${c.unchanged} grant(s) unchanged`);
    }
    if (c.truncated) lines.push('  (the service shortened this record to fit its store)');
  }
  return lines;
}

const PLAN_HEADER = ['OP', 'OBJECT', 'PRINCIPAL', 'PRIVILEGES', 'REASON'] as const;

/**
 * The plan of a dry run: per resource a heading, then one table row per step. Columns line up across every
 * resource so the whole plan reads as one table.
 */
export function planLines(task: TaskView): string[] {
  // Masking steps (create / attach / detach a policy) have no principal or privileges: their cells stay empty.
  const rows = (r: TaskResource) =>
    (r.changes?.plan ?? []).map((s) => [
      s.op,
      s.object,
      s.principal ?? '',
      (s.privileges ?? []).join(', '),
      s.reason ?? '',
    ]);
  const all = [[...PLAN_HEADER] as string[], ...(task.resources ?? []).flatMap(rows)];
  const widths = PLAN_HEADER.map((_, col) => Math.max(...all.map((row) => (row[col] ?? '').length)));
  const format = (row: string[]) =>
    `  ${row.map((cell, col) => (col === row.length - 1 ? cell : cell.padEnd(widths[col]!))).join('  ')}`.trimEnd();
  const lines: string[] = [];
  for (const r of task.resources ?? []) {
    const steps = rows(r);
    const unchanged = r.changes?.unchanged;
    if (r.status !== 'SUCCESS' || !r.changes) {
      lines.push(`${resourceLabel(r)}: ${r.status}${r.message ? `, ${oneLine(r.message)}` : ''}`);
    } else {
      lines.push(
        `${resourceLabel(r)}: ${steps.length} change(s)${unchanged ? `, ${unchanged} grant(s) unchanged` : ''}`,
      );
    }
    if (steps.length > 0) lines.push(format([...PLAN_HEADER]), ...steps.map(format));
    else if (r.status === 'SUCCESS') lines.push('  no changes: the grants already match the policies');
    for (const w of r.changes?.warnings ?? []) lines.push(`  warning  ${oneLine(w)}`);
    for (const s of (r.changes?.statements ?? []).filter((x) => !x.ok))
      lines.push(`  failed   ${s.sql}: ${oneLine(s.error ?? 'error')}`);
    if (r.changes?.truncated) lines.push('  (the service shortened this record to fit its store)');
  }
  return lines;
}

const oneLine = (text: string) => text.replace(/\s*\n\s*/g, ' ');

const TASK_HEADER = ['TASK', 'STATUS', 'SOURCE', 'TYPE', 'CREATED', 'MESSAGE'] as const;
const MESSAGE_WIDTH = 80;

/** Tasks as a table, one row each, columns aligned; a long message is cut to keep a row on one line. */
export function taskTableLines(
  tasks: Pick<TaskView, 'taskId' | 'status' | 'source' | 'type' | 'createdAt' | 'message'>[],
): string[] {
  const rows = tasks.map((t) => {
    const message = oneLine(t.message);
    return [
      t.taskId,
      `${t.status}`,
      t.source,
      t.type,
      t.createdAt,
      message.length > MESSAGE_WIDTH ? `${message.slice(0, MESSAGE_WIDTH - 1)}…` : message,
    ];
  });
  const all = [[...TASK_HEADER] as string[], ...rows];
  const widths = TASK_HEADER.map((_, col) => Math.max(...all.map((row) => row[col]!.length)));
  return all.map((row) =>
    row
      .map((cell, col) => (col === row.length - 1 ? cell : cell.padEnd(widths[col]!)))
      .join('  ')
      .trimEnd(),
  );
}
