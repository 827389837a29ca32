/**
 * The Node.js worker's command line in Azure: both templates set the Functions host's app setting
 * `languageWorkers__node__arguments` to exactly this (test/infra/worker-arguments.test.ts holds them to it), and the
 * fan-out bench starts its workers with it.
 *
 * Why a bound on the old generation: Node sizes V8's heap from the machine's memory, or the cgroup limit when there is
 * one (`SetIsolateCreateParamsForNode` in node/src/api/environment.cc), and V8 lets the heap grow up to 4x its live
 * size between full collections when that maximum is 2 GB or more, 1.3x when it is 256 MB or less
 * (`MaxGrowingFactor` in v8/src/heap/heap-controller.cc). So a worker's peak depends on the machine it lands on, not on
 * its work: 258-270 MB on a 24 GB machine against 181 MB bounded, the same sync of 20,000 tables, at the same CPU
 * time. 256 MB is the largest bound with the smallest growth: the peak follows the live heap (about 70 MB in that
 * sync, with up to 24 queue messages at once) and the bound leaves more than 3x that before the worker would run out.
 * Microsoft's Node.js guide warns the setting costs cold starts (a worker started for the app, not a prewarmed one):
 * learn.microsoft.com/azure/azure-functions/functions-reference-node#languageworkers__node__arguments
 */
export const NODE_WORKER_ARGUMENTS = '--max-old-space-size=256';

/** NODE_WORKER_ARGUMENTS as the argument list a spawned `node` takes. */
export const workerNodeArgs = (): string[] => NODE_WORKER_ARGUMENTS.split(' ').filter(Boolean);
