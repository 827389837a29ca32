import type { TableClient } from '@azure/data-tables';
import type { QueueClient } from '@azure/storage-queue';
import { DispatchQueue } from '../../shared/store/dispatch-queue.js';
import { TaskStore } from '../../shared/store/task-store.js';

/**
 * In-memory stand-ins for the parts of TableClient and QueueClient the real TaskStore and DispatchQueue call,
 * with Table Storage's answers (404, 409 EntityAlreadyExists, 412 on a stale ETag, one-partition transactions).
 * Only for property tests that run 10,000 cases, where Azurite's ~5 ms per task would dominate; every such
 * suite also runs a sample against real Azurite.
 */
type Entity = Record<string, unknown> & { partitionKey: string; rowKey: string };
const fail = (statusCode: number, code: string) =>
  Object.assign(new Error(code), { statusCode, details: { odataError: { code } } });

export class MemoryTable {
  readonly rows = new Map<string, { entity: Entity; etag: string }>();
  private version = 0;
  private key = (pk: string, rk: string) => `${pk}\u0000${rk}`;
  private put(entity: Entity) {
    const etag = `W/"${++this.version}"`;
    this.rows.set(this.key(entity.partitionKey, entity.rowKey), { entity: structuredClone(entity), etag });
    return etag;
  }

  async createTable() {
    /* always there */
  }
  async getEntity<T>(pk: string, rk: string): Promise<T & { etag: string }> {
    const hit = this.rows.get(this.key(pk, rk));
    if (!hit) throw fail(404, 'ResourceNotFound');
    return { ...structuredClone(hit.entity), etag: hit.etag } as unknown as T & { etag: string };
  }
  async createEntity(entity: Entity) {
    if (this.rows.has(this.key(entity.partitionKey, entity.rowKey))) throw fail(409, 'EntityAlreadyExists');
    return { etag: this.put(entity) };
  }
  async upsertEntity(entity: Entity) {
    return { etag: this.put(entity) };
  }
  async updateEntity(entity: Entity, mode: string, opts: { etag?: string } = {}) {
    const hit = this.rows.get(this.key(entity.partitionKey, entity.rowKey));
    if (!hit) throw fail(404, 'ResourceNotFound');
    if (opts.etag && opts.etag !== '*' && opts.etag !== hit.etag) throw fail(412, 'UpdateConditionNotSatisfied');
    return { etag: this.put(mode === 'Merge' ? { ...hit.entity, ...entity } : entity) };
  }
  async deleteEntity(pk: string, rk: string) {
    if (!this.rows.delete(this.key(pk, rk))) throw fail(404, 'ResourceNotFound');
  }
  async submitTransaction(actions: [string, Entity, string?][]) {
    const pks = new Set(actions.map(([, e]) => e.partitionKey));
    if (pks.size > 1 || actions.length > 100) throw fail(400, 'InvalidInput');
    for (const [op, e] of actions)
      if (op === 'create' && this.rows.has(this.key(e.partitionKey, e.rowKey))) throw fail(409, 'EntityAlreadyExists');
    return { subResponses: actions.map(([, e]) => ({ rowKey: e.rowKey, etag: this.put(e) })) };
  }
  listEntities<T>(opts: { queryOptions?: { filter?: string } } = {}) {
    const filter = opts.queryOptions?.filter ?? '';
    const pk = /PartitionKey eq '((?:[^']|'')*)'/.exec(filter)?.[1]?.replace(/''/g, "'");
    const pkRange = /PartitionKey ge '([^']*)' and PartitionKey lt '([^']*)'/.exec(filter);
    const rowFrom = /RowKey ge '([^']*)'/.exec(filter)?.[1];
    const rowBelow = /RowKey lt '([^']*)'/.exec(filter)?.[1];
    const rowEq = /RowKey eq '(\w+)'/.exec(filter)?.[1];
    const headersOnly = filter.includes('resourceCount ge 0');
    const statuses = [...filter.matchAll(/status eq '(\w+)'/g)].map((m) => m[1]);
    const before = /updatedAt lt '([^']+)'/.exec(filter)?.[1];
    const hits = [...this.rows.values()].filter(
      ({ entity: e }) =>
        (pk === undefined || e.partitionKey === pk) &&
        (!pkRange || (e.partitionKey >= pkRange[1]! && e.partitionKey < pkRange[2]!)) &&
        (rowFrom === undefined || e.rowKey >= rowFrom) &&
        (rowBelow === undefined || e.rowKey < rowBelow) &&
        (!headersOnly || e.resourceCount !== undefined) &&
        (rowEq === undefined || e.rowKey === rowEq) &&
        (statuses.length === 0 || statuses.includes(String(e.status))) &&
        (before === undefined || String(e.updatedAt) < before),
    );
    const found = hits.map((h) => ({ ...structuredClone(h.entity), etag: h.etag }) as unknown as T & { etag: string });
    return Object.assign(
      (async function* () {
        yield* found;
      })(),
      {
        byPage: ({ maxPageSize = 1000 }: { maxPageSize?: number } = {}) =>
          (async function* () {
            for (let i = 0; i < found.length; i += maxPageSize) yield found.slice(i, i + maxPageSize);
          })(),
      },
    );
  }
}

export class MemoryQueue {
  readonly messages: string[] = [];
  async createIfNotExists() {
    /* always there */
  }
  async sendMessage(text: string) {
    this.messages.push(text);
    const now = new Date();
    return { messageId: String(this.messages.length), popReceipt: 'p', insertedOn: now, nextVisibleOn: now };
  }
}

export interface MemoryStorage {
  table: MemoryTable;
  queue: MemoryQueue;
  store: TaskStore;
  dispatch: DispatchQueue;
}

export function memoryStorage(): MemoryStorage {
  const table = new MemoryTable(),
    queue = new MemoryQueue(),
    poison = new MemoryQueue();
  return {
    table,
    queue,
    store: new TaskStore(table as unknown as TableClient),
    dispatch: new DispatchQueue(queue as unknown as QueueClient, poison as unknown as QueueClient),
  };
}
