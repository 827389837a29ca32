import { randomBytes } from 'node:crypto';
import type { TableClient } from '@azure/data-tables';
import type { QueueClient } from '@azure/storage-queue';
import { startAzuriteProcesses } from '../dev/azurite-processes.js';
import { createVerifier, mintToken } from '../shared/auth/index.js';
import { snowflakeModule } from '../shared/connectors/snowflake/module.js';
import { postTask, type TaskApiDeps } from '../shared/http/task-api.js';
import type { ApiRequest } from '../shared/http/types.js';
import { type DeliveredEvent, ingestEventBatch } from '../shared/intake/event-batch.js';
import { silentLog } from '../shared/log.js';
import { queueClient, tableClient } from '../shared/store/clients.js';
import { ensureTable } from '../shared/store/ensure-table.js';
import { type CountingProxy, endpointOf, startCountingProxy, throughProxies } from './counting-proxy.js';
import { type BenchResult, now, percentile, progress, round } from './harness.js';
import { type BenchStorage, startBenchStorage } from './rig.js';

/** The POST bench's connections (api.ts): the floor is measured at the concurrency the POSTs run at. */
const CONCURRENCY = 32;
/** Floor and measured path alternate this many times, so a machine whose load changes weighs on both alike. */
const SLICES = 5;
const SECRET = randomBytes(32).toString('hex');

export interface IntakeBench extends BenchResult {
  raw: {
    insertsPerSecond: number;
    transactionsPerSecond: number;
    sendsPerSecond: number;
    lonePostRequests: number;
    requestsPerPost: number;
    postsPerSecond: number;
    postP99: number;
    requestsPerEvent: number;
    eventsPerSecond: number;
    operationsPerPost: number;
    operationsPerEvent: number;
  };
}

interface Rate {
  perSecond: number;
  p50: number;
  p99: number;
  count: number;
}

interface Sample {
  latencies: number[];
  ms: number;
}

/** Runs `op` from `concurrency` loops for `seconds`: how long each took, and the wall time. */
async function sample(seconds: number, concurrency: number, op: (n: number) => Promise<void>): Promise<Sample> {
  const latencies: number[] = [];
  let serial = 0;
  const started = now();
  const end = started + seconds * 1000;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (now() < end) {
        const t = now();
        await op(serial++);
        latencies.push(now() - t);
      }
    }),
  );
  return { latencies, ms: now() - started };
}

const rateOf = (samples: Sample[]): Rate => {
  const latencies = samples.flatMap((s) => s.latencies);
  const ms = samples.reduce((sum, s) => sum + s.ms, 0);
  return {
    perSecond: round((latencies.length / ms) * 1000, 0),
    p50: round(percentile(latencies, 50), 1),
    p99: round(percentile(latencies, 99), 1),
    count: latencies.length,
  };
};

/** The floor and the measured path in `slices` alternating rounds, so whatever else loads the machine weighs on both alike. */
async function sideBySide(
  slices: number,
  floor: () => Promise<Sample>,
  measured: () => Promise<Sample>,
): Promise<{ floor: Rate; measured: Rate }> {
  const f: Sample[] = [];
  const m: Sample[] = [];
  for (let i = 0; i < slices; i++) {
    f.push(await floor());
    m.push(await measured());
  }
  return { floor: rateOf(f), measured: rateOf(m) };
}

const body = (n: number) =>
  JSON.stringify({
    type: 'RESOURCE_SYNC',
    requestInfo: {
      resources: [{ type: 'table', values: { database: 'SALES', schema: 'PUBLIC', table: `T${n % 500}` } }],
    },
  });

const postRequest = (token: string, n: number): ApiRequest => {
  const headers = new Map([
    ['authorization', `Bearer ${token}`],
    ['content-type', 'application/json'],
  ]);
  const text = body(n);
  return {
    method: 'POST',
    url: 'http://localhost/policysync/api/v1/task',
    params: {},
    headers: { get: (name) => headers.get(name.toLowerCase()) ?? null },
    text: async () => text,
  };
};

const events = (tag: string, count: number): DeliveredEvent[] =>
  Array.from({ length: count }, (_, n) => ({ body: body(n), eventId: `${tag}:${n}` }));

/**
 * Intake against the storage floor, one run: storage requests per POST and per event counted at a proxy in front of
 * Azurite (an entity-group transaction is one request, of as many operations as it has parts), the floor of the same
 * Azurite from one client at the POST bench's concurrency (single-entity inserts, transactions of 100, queue
 * messages), and POST and ingest rates measured directly, each set against what the floor allows for its requests.
 * The POST handler (token check, validation, storage) runs in this process without its HTTP server, so the figure is
 * the storage path's; the api row has the HTTP one.
 */
export async function intake(opts: { seconds: number; batches: number; batchSize: number }): Promise<IntakeBench> {
  const started = now();
  const azurite = await startAzuriteProcesses();
  const proxies: CountingProxy[] = [];
  try {
    const [tables, queues] = await Promise.all([
      startCountingProxy(endpointOf(azurite.connectionString, 'Table')),
      startCountingProxy(endpointOf(azurite.connectionString, 'Queue')),
    ]);
    proxies.push(tables, queues);
    const counted = await startBenchStorage({
      connectionString: throughProxies(azurite.connectionString, tables, queues),
      stop: async () => undefined,
    });
    const direct = await startBenchStorage(azurite);
    // What a POST or an event costs storage: table requests, the entity operations they carry, queue requests.
    const counts = (): Cost => ({
      requests: tables.requests(),
      operations: tables.operations(),
      messages: queues.requests(),
    });
    const token = await mintToken({ secret: SECRET, subject: 'bench' });
    const api = (s: BenchStorage): TaskApiDeps => ({
      store: s.store,
      queue: s.queue,
      warehouse: snowflakeModule,
      instance: 'bench',
      verify: createVerifier({ secret: SECRET }),
      log: silentLog,
    });
    const ingestDeps = (s: BenchStorage) => ({ ...api(s), log: silentLog });

    // The floor, from one client at CONCURRENCY.
    const floorTable = tableClient(
      { connectionString: azurite.connectionString },
      `floor${randomBytes(4).toString('hex')}`,
    );
    await ensureTable(floorTable);
    await singleInserts(floorTable, 'warm', 200);
    let floorSerial = 0;
    const slice = opts.seconds / SLICES;
    const insertSlice = () => sample(slice, CONCURRENCY, () => singleInserts(floorTable, floorSerial++, 1));
    const transactions = rateOf([await sample(opts.seconds, CONCURRENCY, (n) => transactionOf100(floorTable, n))]);
    const floorQueue = queueClient(
      { connectionString: azurite.connectionString },
      `floor-${randomBytes(4).toString('hex')}`,
    );
    await floorQueue.createIfNotExists();
    const sends = rateOf([await sample(opts.seconds / 2, CONCURRENCY, () => sendOne(floorQueue))]);
    progress(`intake: floor ${transactions.perSecond} transactions of 100/s, ${sends.perSecond} queue sends/s`);

    // Requests per POST, counted: one alone, then many at the POST concurrency.
    const countedApi = api(counted);
    await postTask(postRequest(token, -1), countedApi);
    let before = counts();
    await postTask(postRequest(token, -2), countedApi);
    const lonePostRequests = total(per(before, counts(), 1));
    const countedPosts = Math.min(2_000, opts.batchSize * 2);
    before = counts();
    let next = 0;
    await Promise.all(
      Array.from({ length: CONCURRENCY }, async () => {
        for (let n = next++; n < countedPosts; n = next++) await postTask(postRequest(token, n), countedApi);
      }),
    );
    const perPost = per(before, counts(), countedPosts);
    const requestsPerPost = round(total(perPost), 2);

    // POST rate, storage direct, in slices alternating with the single-insert floor.
    const directApi = api(direct);
    let postSerial = 0;
    const post = async () => {
      const res = await postTask(postRequest(token, postSerial++), directApi);
      if (res.status !== 202) throw new Error(`POST answered ${res.status}`);
    };
    await sample(Math.min(2, opts.seconds), 8, post);
    const postRun = await sideBySide(SLICES, insertSlice, () => sample(slice, CONCURRENCY, post));
    const posts = postRun.measured;
    progress(
      `intake: ${requestsPerPost} requests per POST (lone: ${lonePostRequests}); ${posts.perSecond} POST/s p99 ${posts.p99} ms; floor beside it ${postRun.floor.perSecond} inserts/s`,
    );

    // Requests per event, counted over one batch; then the event rate, storage direct.
    before = counts();
    const countedBatch = await ingestEventBatch(events('count', opts.batchSize), ingestDeps(counted));
    const perEvent = per(before, counts(), countedBatch.created);
    const requestsPerEvent = round(total(perEvent), 2);
    await ingestEventBatch(events('warm', 100), ingestDeps(direct));
    let batch = 0;
    // One slice is one batch: its events are its operations.
    const batchSlice = async (): Promise<Sample> => {
      const t = now();
      const summary = await ingestEventBatch(events(`batch${batch++}`, opts.batchSize), ingestDeps(direct));
      const ms = now() - t;
      return { latencies: Array(summary.created).fill(ms / summary.created), ms };
    };
    const ingestRun = await sideBySide(opts.batches, insertSlice, batchSlice);
    const eventsPerSecond = ingestRun.measured.perSecond;
    progress(
      `intake: ${requestsPerEvent} requests per event; ${eventsPerSecond} events/s; floor beside it ${ingestRun.floor.perSecond} inserts/s`,
    );

    const inserts = postRun.floor;
    // What the floor allows for a mix of requests: the same run's table floors, a request of one operation and a
    // transaction of 100, give a table request's cost and each further operation's; the queue floor a message's.
    const allowed = (insertsPerSecond: number, c: Cost) => {
      const perOperation = (1 / transactions.perSecond - 1 / insertsPerSecond) / 99;
      const perRequest = 1 / insertsPerSecond - perOperation;
      return 1 / (c.requests * perRequest + c.operations * perOperation + c.messages / sends.perSecond);
    };
    const postAllowed = allowed(postRun.floor.perSecond, perPost);
    const eventAllowed = allowed(ingestRun.floor.perSecond, perEvent);
    const operationsPerPost = round(perPost.operations, 2);
    const operationsPerEvent = round(perEvent.operations, 2);
    // The issue's own reading: every request as dear as a single insert, however many operations it carries.
    const postAllowedByRequests = postRun.floor.perSecond / requestsPerPost;
    const eventAllowedByRequests = ingestRun.floor.perSecond / requestsPerEvent;
    // One decimal: a share is never rounded up onto its target.
    const pct = (x: number, of: number) => Math.floor((x / of) * 1000) / 10;
    return {
      name: 'intake',
      title: 'Intake against the storage floor',
      settings: `Azurite (table and queue) in processes of their own; requests counted at an HTTP proxy in front of each endpoint (a transaction is one request of as many operations as it has parts); floor: single-entity inserts from one client at ${CONCURRENCY} concurrent in ${SLICES} slices alternating with the POST slices (and ${opts.batches} with the event batches), 100-entity transactions for ${opts.seconds} s, queue messages sent for ${opts.seconds / 2} s; POST: the API handler in process (HS256 token, validation, storage), ${CONCURRENCY} concurrent for ${opts.seconds} s in all, ${countedPosts} POSTs counted; events: ${opts.batches} batch(es) of ${opts.batchSize} single-table V2 events through ingestEventBatch, one batch counted; no worker runs; the row runs in a process of its own (a full run starts one for it)`,
      figures: [
        {
          label: 'floor: single-entity inserts (in slices beside the POSTs)',
          value: inserts.perSecond,
          unit: 'req/s',
          note: `p99 ${inserts.p99} ms; beside the event batches: ${ingestRun.floor.perSecond} req/s`,
        },
        {
          label: 'floor: entity-group transactions of 100',
          value: transactions.perSecond,
          unit: 'transactions/s',
          note: `${transactions.perSecond * 100} rows/s, p99 ${transactions.p99} ms`,
        },
        {
          label: 'floor: queue messages sent',
          value: sends.perSecond,
          unit: 'req/s',
          note: `p99 ${sends.p99} ms, for ${opts.seconds / 2} s`,
        },
        { label: 'storage requests for a lone POST', value: lonePostRequests, unit: 'requests' },
        {
          label: 'storage requests per POST under load',
          value: requestsPerPost,
          unit: 'requests',
          note: `table ${round(perPost.requests, 2)} carrying ${operationsPerPost} entity operations, queue ${round(perPost.messages, 2)}`,
        },
        {
          label: 'POST (handler, storage direct)',
          value: posts.perSecond,
          unit: 'req/s',
          note: `p50 ${posts.p50} ms, p99 ${posts.p99} ms`,
        },
        {
          label: 'POST as a share of what the floor allows for its requests and operations',
          value: pct(posts.perSecond, postAllowed),
          unit: '%',
          target: '>= 70',
          note: `the floor allows ${round(postAllowed, 0)} POST/s; counting each request as one insert, ${round(postAllowedByRequests, 0)} POST/s (${pct(posts.perSecond, postAllowedByRequests)} %)`,
        },
        {
          label: 'storage requests per single-resource event, amortized',
          value: requestsPerEvent,
          unit: 'requests',
          target: '<= 1.2',
          note: `table ${round(perEvent.requests, 2)} carrying ${operationsPerEvent} entity operations, queue ${round(perEvent.messages, 2)}`,
        },
        { label: 'events into stored, queued tasks', value: eventsPerSecond, unit: 'events/s' },
        {
          label: 'ingest as a share of what the floor allows for its requests and operations',
          value: pct(eventsPerSecond, eventAllowed),
          unit: '%',
          target: '>= 70',
          note: `the floor allows ${round(eventAllowed, 0)} events/s; counting each request as one insert, ${round(eventAllowedByRequests, 0)} events/s (${pct(eventsPerSecond, eventAllowedByRequests)} %)`,
        },
      ],
      notes: [
        `What the floor allows: the table floors of this run give a table request's cost and each further entity operation's (a transaction of 100 took ${round(inserts.perSecond / transactions.perSecond, 1)} single inserts' time here, not 1 nor 100), the queue floor a message's, and a POST or an event costs its requests, operations and messages at those prices, one after another (the processes share the two cores). Counting every request as one single insert credits a transaction of 100 rows with one insert's cost and a queue message with a table insert's: no client reaches that figure, the floor's own transactions included.`,
        'Every process here shares the two cores with the load generator, and the floor moves with what else runs on the machine: the ratio, measured in the same run, is the figure to read.',
        'A POST is its OPEN index row, one transaction with its header (WAITING) and resource rows, its message, and the message record on the index row. Alone that is 4 requests; under load the index rows and the message records of concurrent POSTs share transactions (a partition per status, hour, 64 ms window and group of 128 task ids), and so do their tasks (tasks a process made in the same 64 ms and group share a partition), leaving the message as the one request a POST has to itself.',
        "An event is its idempotency claim, its index row, its task's transaction, a share of a message naming up to 32 tasks, and its message record. A batch's events are stored all at once, so each of those is written in transactions shared with the batch's other events: claims by key partition (16), index rows and tasks by the partitions their ids name: the batch's ids are consecutive numbers of one millisecond, 128 to a partition.",
      ],
      ms: now() - started,
      raw: {
        insertsPerSecond: inserts.perSecond,
        transactionsPerSecond: transactions.perSecond,
        sendsPerSecond: sends.perSecond,
        lonePostRequests,
        requestsPerPost,
        postsPerSecond: posts.perSecond,
        postP99: posts.p99,
        requestsPerEvent,
        eventsPerSecond,
        operationsPerPost,
        operationsPerEvent,
      },
    };
  } finally {
    await Promise.all(proxies.map((p) => p.stop()));
    await azurite.stop();
  }
}

/** Table requests, the entity operations they carry, and queue requests. */
interface Cost {
  requests: number;
  operations: number;
  messages: number;
}

const per = (from: Cost, to: Cost, n: number): Cost => ({
  requests: (to.requests - from.requests) / n,
  operations: (to.operations - from.operations) / n,
  messages: (to.messages - from.messages) / n,
});
const total = (c: Cost) => c.requests + c.messages;

async function sendOne(queue: QueueClient): Promise<void> {
  await queue.sendMessage(Buffer.from(JSON.stringify({ taskId: '10074774644678455296' })).toString('base64'));
}

async function singleInserts(table: TableClient, n: number | string, count: number): Promise<void> {
  for (let i = 0; i < count; i++)
    await table.createEntity({ partitionKey: `single-${n}-${i}`, rowKey: 'task', status: 'WAITING', n });
}

async function transactionOf100(table: TableClient, n: number): Promise<void> {
  await table.submitTransaction(
    Array.from({ length: 100 }, (_, i) => ['create', { partitionKey: `group-${n}`, rowKey: `r${i}`, n }] as const),
  );
}
