import type { HttpFunctionOptions } from '@azure/functions';
import { openApiDocument } from '../shared/http/openapi.js';
import { appConfig } from './services.js';

/** Built once per instance: the route needs no token, so an anonymous caller must not make it rebuild the schemas. */
let document: ReturnType<typeof openApiDocument> | undefined;

/** `GET /policysync/api/v1/openapi.json`: the API's contract, generated from its schemas; no token. */
export const openApiFunction: HttpFunctionOptions = {
  route: 'v1/openapi.json',
  methods: ['GET'],
  authLevel: 'anonymous',
  handler: async () => ({ status: 200, jsonBody: (document ??= openApiDocument(appConfig().warehouse.module)) }),
};
