import type { TableClient } from '@azure/data-tables';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AzuriteHandle, startAzurite } from '../../dev/azurite.js';
import { tableClient } from '../../shared/store/clients.js';
import { ensureTable } from '../../shared/store/ensure-table.js';
import { statusCodeOf } from '../../shared/store/errors.js';
import { GroupCommit } from '../../shared/store/group-commit.js';
import { endpointOf, type FaultProxy, proxiedConnectionString, startFaultProxy } from '../support/fault-proxy.js';

// The group commit against real Azurite, its requests counted at a proxy in front of the table endpoint.
let azurite: AzuriteHandle;
let proxy: FaultProxy;
let table: TableClient;
let n = 0;
beforeAll(async () => {
  azurite = await startAzurite();
  proxy = await startFaultProxy(endpointOf(azurite.connectionString, 'Table'));
  table = tableClient({ connectionString: proxiedConnectionString(azurite.connectionString, proxy, proxy) }, 'groups');
  await ensureTable(table);
});
afterAll(async () => {
  await proxy?.stop();
  await azurite?.stop();
});

const partition = () => `p${n++}`;
const counted = async <T>(op: () => Promise<T>) => {
  const before = proxy.requests();
  const value = await op();
  return { value, requests: proxy.requests() - before };
};
const rows = async (pk: string) => {
  const out: Record<string, unknown>[] = [];
  for await (const e of table.listEntities<Record<string, unknown>>({
    queryOptions: { filter: `PartitionKey eq '${pk}'` },
  }))
    out.push(e);
  return out;
};

describe('group commit', () => {
  it('writes 250 rows of one partition arriving together in 3 transactions of at most 100, and every row lands', async () => {
    const writer = new GroupCommit(table);
    const pk = partition();
    const { requests } = await counted(() =>
      Promise.all(
        Array.from({ length: 250 }, (_, i) =>
          writer.write({ op: 'upsert', entity: { partitionKey: pk, rowKey: `r${i}`, i }, mode: 'Merge' }),
        ),
      ),
    );
    expect(requests).toBe(3);
    expect((await rows(pk)).length).toBe(250);
  });

  it('sends a lone row at once, as one request', async () => {
    const writer = new GroupCommit(table);
    const pk = partition();
    const { requests } = await counted(() =>
      writer.write({ op: 'upsert', entity: { partitionKey: pk, rowKey: 'only' }, mode: 'Merge' }),
    );
    expect(requests).toBe(1);
  });

  it('groups rows that arrive while a transaction of their partition is in flight into the next one', async () => {
    const writer = new GroupCommit(table);
    const pk = partition();
    const { requests } = await counted(async () => {
      const first = writer.write({ op: 'upsert', entity: { partitionKey: pk, rowKey: 'first' }, mode: 'Merge' });
      await new Promise((r) => setImmediate(r)); // the first is on its way
      await Promise.all([
        first,
        ...Array.from({ length: 40 }, (_, i) =>
          writer.write({ op: 'upsert', entity: { partitionKey: pk, rowKey: `late${i}` }, mode: 'Merge' }),
        ),
      ]);
    });
    expect(requests).toBe(2);
    expect((await rows(pk)).length).toBe(41);
  });

  it('gives each caller its own row outcome when storage refuses one row of a transaction: the others are written', async () => {
    const writer = new GroupCommit(table);
    const pk = partition();
    const outcomes = await Promise.allSettled([
      ...Array.from({ length: 5 }, (_, i) =>
        writer.write({ op: 'upsert', entity: { partitionKey: pk, rowKey: `ok${i}` }, mode: 'Merge' }),
      ),
      // An update of a row that does not exist: 404, which fails the whole transaction.
      writer.write({ op: 'update', entity: { partitionKey: pk, rowKey: 'missing', x: 1 }, mode: 'Merge', etag: '*' }),
    ]);
    expect(outcomes.slice(0, 5).map((o) => o.status)).toEqual(Array(5).fill('fulfilled'));
    const refused = outcomes[5]!;
    expect(refused.status).toBe('rejected');
    expect(statusCodeOf((refused as PromiseRejectedResult).reason)).toBe(404);
    expect((await rows(pk)).map((r) => r.rowKey).sort()).toEqual(['ok0', 'ok1', 'ok2', 'ok3', 'ok4']);
  });

  it('applies two writes of one row in the order they were made, in separate transactions', async () => {
    const writer = new GroupCommit(table);
    const pk = partition();
    await Promise.all([
      writer.write({ op: 'upsert', entity: { partitionKey: pk, rowKey: 'a', v: 1 }, mode: 'Merge' }),
      writer.write({ op: 'upsert', entity: { partitionKey: pk, rowKey: 'b', v: 1 }, mode: 'Merge' }),
      writer.write({ op: 'upsert', entity: { partitionKey: pk, rowKey: 'a', v: 2, w: 3 }, mode: 'Merge' }),
    ]);
    const [a] = (await rows(pk)).filter((r) => r.rowKey === 'a');
    expect(a).toMatchObject({ v: 2, w: 3 });
  });

  it('fails every caller of a transaction storage could not take, and takes the next rows once it is back', async () => {
    const writer = new GroupCommit(
      tableClient(
        { connectionString: proxiedConnectionString(azurite.connectionString, proxy, proxy) },
        'groups',
        1_000,
      ),
    );
    const pk = partition();
    proxy.down(true);
    const outcomes = await Promise.allSettled(
      Array.from({ length: 3 }, (_, i) =>
        writer.write({ op: 'upsert', entity: { partitionKey: pk, rowKey: `d${i}` }, mode: 'Merge' }),
      ),
    );
    proxy.down(false);
    expect(outcomes.map((o) => o.status)).toEqual(['rejected', 'rejected', 'rejected']);
    await writer.write({ op: 'upsert', entity: { partitionKey: pk, rowKey: 'after' }, mode: 'Merge' });
    expect((await rows(pk)).map((r) => r.rowKey)).toEqual(['after']);
  }, 60_000);

  it("writes each caller's rows in one transaction with other callers' and hands each its own rows' ETags", async () => {
    const writer = new GroupCommit(table);
    const pk = partition();
    const group = (t: number) => [
      { op: 'upsert' as const, entity: { partitionKey: pk, rowKey: `t${t}-r0` }, mode: 'Replace' as const },
      { op: 'create' as const, entity: { partitionKey: pk, rowKey: `t${t}-task`, t } },
    ];
    const { value: etags, requests } = await counted(() =>
      Promise.all(Array.from({ length: 30 }, (_, t) => writer.writeAll(group(t)))),
    );
    expect(requests).toBe(1);
    // Each ETag is its own row's: an update guarded by it lands, and only on that row.
    for (const [t, [, head]] of etags.entries())
      await table.updateEntity({ partitionKey: pk, rowKey: `t${t}-task`, t, seen: true }, 'Replace', { etag: head! });
    expect((await rows(pk)).filter((r) => r.seen === true).length).toBe(30);
  });

  it('fails only the caller whose create meets an existing row; the others sharing its transaction are written whole', async () => {
    const writer = new GroupCommit(table);
    const pk = partition();
    await table.createEntity({ partitionKey: pk, rowKey: 'taken-task' });
    const group = (name: string) =>
      writer.writeAll([
        { op: 'upsert', entity: { partitionKey: pk, rowKey: `${name}-r0` }, mode: 'Replace' },
        { op: 'create', entity: { partitionKey: pk, rowKey: `${name}-task` } },
      ]);
    const outcomes = await Promise.allSettled([group('a'), group('taken'), group('b')]);
    expect(outcomes.map((o) => o.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect(statusCodeOf((outcomes[1] as PromiseRejectedResult).reason)).toBe(409);
    // The refused caller's rows are all or nothing: its resource row did not land without its header.
    expect((await rows(pk)).map((r) => r.rowKey).sort()).toEqual(['a-r0', 'a-task', 'b-r0', 'b-task', 'taken-task']);
  });

  it("keeps a caller's rows together when they would not fit beside the rows already taken", async () => {
    const writer = new GroupCommit(table);
    const pk = partition();
    const block = (name: string, n: number) =>
      writer.writeAll(
        Array.from({ length: n }, (_, i) => ({
          op: 'upsert' as const,
          entity: { partitionKey: pk, rowKey: `${name}${i}` },
          mode: 'Merge' as const,
        })),
      );
    const { requests } = await counted(() => Promise.all([block('a', 60), block('b', 60), block('c', 40)]));
    // a+c fit one transaction of 100, b waits for the next: two requests, no caller split across them.
    expect(requests).toBe(2);
    expect((await rows(pk)).length).toBe(160);
  });
});
