import type { HttpFunctionOptions } from '@azure/functions';
import { appConfig } from './services.js';

/**
 * Liveness without auth: names the instance and what is enabled, nothing secret. While a Key Vault reference has not
 * resolved it answers 503 with the names of those settings (never their values) and nothing else can serve.
 */
export const healthFunction: HttpFunctionOptions = {
  route: 'v1/health',
  methods: ['GET'],
  authLevel: 'anonymous',
  handler: async () => {
    const c = appConfig();
    const about = {
      instance: c.instance,
      connector: c.connectorKind,
      api: c.apiEnabled,
      eventHub: c.eventHubEnabled,
      // The identifiers each resource type is named by: what the console's plan form asks for.
      resourceTypes: c.warehouse.module.resourceTypes,
    };
    if (c.unresolvedSettings.length > 0) {
      return {
        status: 503,
        jsonBody: { status: 'unresolved-settings', ...about, unresolvedSettings: c.unresolvedSettings },
      };
    }
    return { status: 200, jsonBody: { status: 'ok', ...about } };
  },
};
