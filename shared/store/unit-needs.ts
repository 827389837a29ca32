import type { TableClient, TransactionAction } from '@azure/data-tables';
import { z } from 'zod';
import type { DesiredGrant } from '../plan/desired.js';
import { fitText, MAX_PROPERTY_CHARS } from './fit.js';
import { rowSuffix, taskRow, taskRowsFilter } from './task-address.js';
import { guard } from './task-store.js';

/**
 * The grants a unit's objects need on the objects above it (USAGE on the database, on a slice's schema), kept for
 * the top work: on the unit's own row when they fit one string property (32K characters: a few hundred principals),
 * otherwise in rows of their own beside it, in its task's partition, however many principals there are. Rows are
 * keyed by the unit and the attempt that wrote them; the unit's final row says how many its attempt wrote
 * (`needRows`), so rows of an attempt that never settled are never read. Retention deletes them with the partition.
 */
const NeedSchema = z.object({
  securable: z.object({
    kind: z.enum(['database', 'catalog', 'schema', 'table', 'view', 'function', 'volume', 'model']),
    path: z.array(z.string()),
  }),
  principal: z.object({ kind: z.enum(['role', 'user', 'group', 'service_principal']), name: z.string() }),
  privilege: z.string(),
  reason: z.string(),
});
const NeedsSchema = z.array(NeedSchema);

/** A reason names every child that needs the grant; the stored one is cut, the grant is whole. */
const REASON_CHARS = 200;
const ROWS_PER_BATCH = 100;

const needKey = (unitKey: string, attempt: number, n: number) =>
  `n${unitKey}-${String(attempt).padStart(3, '0')}-${String(n).padStart(5, '0')}`;
const NEED_KEY = /^n(u\d{5}-\d{5})-(\d{3})-(\d{5})$/;

/** `grants` as chunks of JSON, each within one string property. */
export function needChunks(grants: readonly DesiredGrant[], limit = MAX_PROPERTY_CHARS): string[] {
  const chunks: string[] = [];
  let current: string[] = [];
  let size = 2;
  for (const g of grants) {
    const json = JSON.stringify({ ...g, reason: fitText(g.reason, REASON_CHARS) });
    if (current.length > 0 && size + json.length + 1 > limit) {
      chunks.push(`[${current.join(',')}]`);
      current = [];
      size = 2;
    }
    current.push(json);
    size += json.length + 1;
  }
  if (current.length > 0) chunks.push(`[${current.join(',')}]`);
  return chunks;
}

/** How a unit's final row holds its needs: inline, or the number of rows its attempt wrote. */
export type StoredNeeds = { needsInline: string } | { needRows: number } | Record<string, never>;

export const parseNeeds = (json: string): DesiredGrant[] => NeedsSchema.parse(JSON.parse(json));

/**
 * Keeps the needs of one attempt of a unit: returned inline when one property holds them, otherwise written as rows
 * (upserts, so a retry of the same write is harmless) and counted.
 */
export async function writeNeeds(
  table: TableClient,
  taskId: string,
  unitKey: string,
  attempt: number,
  grants: readonly DesiredGrant[],
): Promise<StoredNeeds> {
  const chunks = needChunks(grants);
  if (chunks.length === 0) return {};
  if (chunks.length === 1) return { needsInline: chunks[0]! };
  await guard(async () => {
    for (let i = 0; i < chunks.length; i += ROWS_PER_BATCH) {
      const batch: TransactionAction[] = chunks
        .slice(i, i + ROWS_PER_BATCH)
        .map((grantsJson, k) => [
          'upsert',
          { ...taskRow(taskId, needKey(unitKey, attempt, i + k)), grants: grantsJson },
          'Replace',
        ]);
      await table.submitTransaction(batch);
    }
  });
  return { needRows: chunks.length };
}

/**
 * Reads, in one query of the task's partition, the needs of the given finished units (key -> the attempt that
 * settled it and how many rows it wrote), handing each row's grants to `each` as it arrives.
 */
export async function readNeeds(
  table: TableClient,
  taskId: string,
  settled: ReadonlyMap<string, { attempt: number; rows: number }>,
  each: (unitKey: string, grants: DesiredGrant[]) => void,
): Promise<void> {
  if (settled.size === 0) return;
  await guard(async () => {
    const filter = taskRowsFilter(taskId, 'n', 'o');
    for await (const e of table.listEntities<{ grants?: string }>({ queryOptions: { filter } })) {
      const m = NEED_KEY.exec(rowSuffix(taskId, String(e.rowKey)));
      const unit = m ? settled.get(m[1]!) : undefined;
      if (!m || !unit || Number(m[2]) !== unit.attempt || Number(m[3]) >= unit.rows) continue;
      each(m[1]!, parseNeeds(e.grants ?? '[]'));
    }
  });
}
