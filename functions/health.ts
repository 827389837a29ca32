import type { HttpFunctionOptions } from '@azure/functions';
import { appConfig } from './services.js';

/** Liveness without auth: names the instance and what is enabled, nothing secret. */
export const healthFunction: HttpFunctionOptions = {
  route: 'v1/health', methods: ['GET'], authLevel: 'anonymous',
  handler: async () => {
    const c = appConfig();
    return { status: 200, jsonBody: { status: 'ok', instance: c.instance, connector: c.connectorKind, api: c.apiEnabled, eventHub: c.eventHubEnabled } };
  },
};
