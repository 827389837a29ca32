import type { HttpFunctionOptions } from '@azure/functions';
import { openApiDocument } from '../shared/http/openapi.js';
import { appConfig } from './services.js';

/** `GET /policysync/api/v1/openapi.json`: the API's contract, generated from its schemas; no token. */
export const openApiFunction: HttpFunctionOptions = {
  route: 'v1/openapi.json',
  methods: ['GET'],
  authLevel: 'anonymous',
  handler: async () => ({ status: 200, jsonBody: openApiDocument(appConfig().warehouse.module) }),
};
