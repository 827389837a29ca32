import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { StoreError } from '../../shared/store/errors.js';
import type { ResourceRow, TaskHeader } from '../../shared/store/records.js';
import { newTaskId } from '../../shared/task/task-id.js';
import { startTestStorage, type TestStorage } from '../support/storage.js';

let s: TestStorage;
beforeAll(async () => {
  s = await startTestStorage();
});
afterAll(async () => {
  await s.azurite.stop();
});

const header = (taskId: string, resourceCount: number): TaskHeader => ({
  taskId,
  type: 'RESOURCE_SYNC',
  status: 'NEW',
  message: '',
  source: 'API',
  instance: 't',
  dryRun: false,
  attempt: 0,
  createdAt: new Date().toISOString(),
  updatedAt: new Date().toISOString(),
  resourceCount,
  succeeded: 0,
  failed: 0,
  skipped: 0,
});
const rows = (n: number): ResourceRow[] =>
  Array.from({ length: n }, (_, index) => ({
    index,
    ref: { type: 'table', values: { database: 'D', schema: 'S', table: `T${index}` } },
    status: 'PENDING',
    message: '',
    updatedAt: '',
  }));

describe('task store on Azurite', () => {
  it('stores a task with 1,000 resources in transactions of at most 100 and reads them back in order', async () => {
    const id = newTaskId();
    await s.store.create(header(id, 1000), rows(1000));
    const back = await s.store.resources(id);
    expect(back).toHaveLength(1000);
    expect(back[999]!.ref.values.table).toBe('T999');
    expect((await s.store.get(id))!.header.resourceCount).toBe(1000);
  });

  it('stores names carrying line and paragraph separators (U+2028, U+2029) in one transaction and reads them back unchanged', async () => {
    const id = newTaskId();
    const name = 'a\u2028b\u2029c "d" \\ \n e';
    const resources = rows(2).map((r) => ({ ...r, ref: { ...r.ref, values: { ...r.ref.values, table: name } } }));
    await s.store.create({ ...header(id, 2), message: name }, resources);
    expect((await s.store.resources(id)).map((r) => r.ref.values.table)).toEqual([name, name]);
    expect((await s.store.get(id))!.header.message).toBe(name);
  });

  it('refuses a status write made with a stale ETag', async () => {
    const id = newTaskId();
    await s.store.create(header(id, 1), rows(1));
    const first = (await s.store.get(id))!;
    await s.store.transition(first, 'WAITING');
    await expect(s.store.transition(first, 'WAITING')).rejects.toMatchObject({ code: 'STALE_WRITE' });
  });

  it('refuses a transition the status machine does not allow, and terminal states are final', async () => {
    const id = newTaskId();
    await s.store.create(header(id, 1), rows(1));
    const t = (await s.store.get(id))!;
    await expect(s.store.transition(t, 'SUCCESS')).rejects.toBeInstanceOf(StoreError);
    const skipped = await s.store.transition(t, 'SKIPPED');
    await expect(s.store.transition(skipped, 'WAITING')).rejects.toMatchObject({ code: 'INVALID_TRANSITION' });
  });

  it('maps an idempotency key to the first task that claimed it', async () => {
    const a = newTaskId(),
      b = newTaskId();
    expect(await s.store.claimKey('event-1', a)).toEqual({ taskId: a });
    expect(await s.store.claimKey('event-1', b)).toEqual({ taskId: a });
  });

  it('summarizes a result larger than a Table Storage property instead of failing the write', async () => {
    const id = newTaskId();
    await s.store.create(header(id, 1), rows(1));
    const statements = Array.from({ length: 2000 }, (_, i) => ({
      sql: `GRANT SELECT ON TABLE "D"."S"."T${i}" TO ROLE "R"`,
      ok: true,
    }));
    await s.store.writeResource(id, {
      ...rows(1)[0]!,
      status: 'SUCCESS',
      result: { granted: [], revoked: [], unchanged: 0, warnings: [], statements, plan: [] },
    });
    const [row] = await s.store.resources(id);
    expect(row!.result!.truncated).toBe(true);
    expect(row!.result!.statements.length).toBeLessThan(2000);
  });

  it('answers STORAGE_UNAVAILABLE when storage is down', async () => {
    const down = await startTestStorage();
    await down.azurite.stop();
    await expect(down.store.get(newTaskId())).rejects.toMatchObject({ code: 'STORAGE_UNAVAILABLE' });
  });
});
