import type {
  EventHubFunctionOptions,
  HttpFunctionOptions,
  StorageQueueFunctionOptions,
  TimerFunctionOptions,
} from '@azure/functions';
import type { Config } from '../shared/config.js';
import { consoleFunction } from './console.js';
import { doctorFunction } from './doctor.js';
import { eventHubFunction } from './event-hub-ingest.js';
import { fullSyncFunction } from './full-sync.js';
import { healthFunction } from './health.js';
import { openApiFunction } from './openapi.js';
import { policyWatchFunction } from './policy-watch.js';
import { principalSyncFunction } from './principal-sync.js';
import { principalWatchFunction } from './principal-watch.js';
import { retentionFunction } from './retention.js';
import { sweeperFunction } from './sweeper.js';
import { syncWorkerFunction } from './sync-worker.js';
import { taskApiFunctions } from './task-api.js';

export type Registration =
  | { kind: 'http'; name: string; options: HttpFunctionOptions }
  | { kind: 'queue'; name: string; options: StorageQueueFunctionOptions }
  | { kind: 'eventHub'; name: string; options: EventHubFunctionOptions }
  | { kind: 'timer'; name: string; options: TimerFunctionOptions };

/**
 * The functions this instance runs, by its flags: a disabled entry point is not registered at all, so its
 * route answers 404 and its hub is not consumed. The Functions host and the local dev host both read this list.
 */
export function registrations(config: Config): Registration[] {
  return [
    { kind: 'http', name: 'health', options: healthFunction },
    ...(config.apiEnabled
      ? [
          ...Object.entries(taskApiFunctions()).map(([name, options]) => ({ kind: 'http' as const, name, options })),
          { kind: 'http' as const, name: 'doctor', options: doctorFunction() },
          { kind: 'http' as const, name: 'console', options: consoleFunction },
          { kind: 'http' as const, name: 'openapi', options: openApiFunction },
        ]
      : []),
    ...(config.eventHubEnabled
      ? [{ kind: 'eventHub' as const, name: 'eventHubIngest', options: eventHubFunction() }]
      : []),
    { kind: 'queue', name: 'syncWorker', options: syncWorkerFunction() },
    { kind: 'timer', name: 'sweeper', options: sweeperFunction() },
    { kind: 'timer', name: 'retention', options: retentionFunction() },
    ...(config.fullSyncEnabled ? [{ kind: 'timer' as const, name: 'fullSync', options: fullSyncFunction() }] : []),
    ...(config.policyWatchSchedule
      ? [{ kind: 'timer' as const, name: 'policyWatch', options: policyWatchFunction(config.policyWatchSchedule) }]
      : []),
    ...(config.principalSync.watchSchedule
      ? [
          {
            kind: 'timer' as const,
            name: 'principalWatch',
            options: principalWatchFunction(config.principalSync.watchSchedule),
          },
        ]
      : []),
    ...(config.principalSync.schedule
      ? [
          {
            kind: 'timer' as const,
            name: 'principalSync',
            options: principalSyncFunction(config.principalSync.schedule),
          },
        ]
      : []),
  ];
}
