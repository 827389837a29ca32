/**
 * The Node.js worker's command line in Azure: both templates set the Functions host's app setting
 * `languageWorkers__node__arguments` to exactly this (test/infra/worker-arguments.test.ts holds them to it), and the
 * fan-out bench starts its workers with it.
 *
 * Why bound the old generation: Node sizes V8's heap from the machine's memory, or from the cgroup limit when there is
 * one (`SetIsolateCreateParamsForNode` in node/src/api/environment.cc), and V8 lets the heap grow up to 4x its live
 * size between full collections when that maximum is 2 GB or more, 1.3x when it is 256 MB or less
 * (`MaxGrowingFactor` in v8/src/heap/heap-controller.cc). A worker's peak then depends on the machine it lands on,
 * not on its work. 256 MB is the largest bound with the least growth: the peak follows the live heap (49 MB in a heap
 * snapshot amid a sync of 20,000 tables, up to 24 queue messages at once), with 5x that left before it runs out. The
 * young generation's semi-spaces (16 MB each by default, both resident once a sync has run) at 8 MB take the rest.
 * Measured on the fan-out bench (20,000 tables, one worker; docs/deploy.md#worker-memory): peak RSS 214-288 MB
 * without these arguments on Node 22, 196-198 MB with the bound alone, 173-188 MB with both (100,000 tables: 280 ->
 * 181 MB). The price is GC work in short syncs: worker CPU 15.4 s -> 18.4 s on Node 22 (16.7 s -> 17.4 s on Node 20);
 * over 100,000 tables none showed (67.1 s without, 63.3 s with, one run each).
 * Microsoft's Node.js guide warns that the setting costs cold starts (the host starts a worker for the app instead of
 * taking a prewarmed one): learn.microsoft.com/azure/azure-functions/functions-reference-node#languageworkers__node__arguments
 */
export const NODE_WORKER_ARGUMENTS = '--max-old-space-size=256 --max-semi-space-size=8';

/** NODE_WORKER_ARGUMENTS as the argument list a spawned `node` takes. */
export const workerNodeArgs = (): string[] => NODE_WORKER_ARGUMENTS.split(' ').filter(Boolean);
