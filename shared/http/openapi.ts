import { z } from 'zod';
import type { WarehouseModule } from '../connectors/warehouse-module.js';
import { CheckSchema, DoctorReportSchema } from '../doctor/check.js';
import { TaskRequestSchema } from '../task/task-request.js';
import { TaskListQuerySchema } from './task-list.js';
import { TaskListSchema, TaskViewSchema } from './task-view.js';

/** RFC 9457 problem details, as every error of the API answers (`problem.ts`). */
export const ProblemSchema = z.object({
  type: z.string().meta({ description: 'https://policysync.dev/problems/<name>: branch on it, not on the text' }),
  title: z.string(),
  status: z.number().int(),
  detail: z.string(),
  issues: z
    .array(z.object({ path: z.string(), message: z.string() }))
    .optional()
    .meta({ description: 'Each problem of a malformed request, with its JSON path' }),
  settings: z.array(z.string()).optional().meta({ description: 'Settings whose Key Vault reference has not resolved' }),
});

/** The problems the API answers, by status: every `problem(...)` call is one of these. */
const PROBLEMS: Record<string, { description: string; types: string[] }> = {
  '400': {
    description: 'The request is malformed',
    types: ['invalid-json', 'invalid-request', 'invalid-continuation', 'storage-refused'],
  },
  '401': { description: 'No token, or a token that does not verify', types: ['unauthorized'] },
  '403': { description: 'The token lacks JWT_REQUIRED_SCOPE', types: ['insufficient-scope'] },
  '404': { description: 'No such task', types: ['task-not-found'] },
  '413': { description: 'The body is over 1 MiB', types: ['payload-too-large'] },
  '415': { description: 'The body is not JSON', types: ['unsupported-media-type'] },
  '422': { description: 'The Idempotency-Key was used for another request', types: ['idempotency-key-reused'] },
  '500': { description: 'An unexpected error; the service log has the details', types: ['internal'] },
  '503': {
    description: 'Storage, token verification or a Key Vault reference is not available yet; retry after Retry-After',
    types: ['storage-unavailable', 'auth-unavailable', 'settings-unresolved'],
  },
};

const HealthSchema = z.object({
  status: z.enum(['ok', 'unresolved-settings']),
  instance: z.string(),
  connector: z.string(),
  api: z.boolean(),
  eventHub: z.boolean(),
  resourceTypes: z.record(z.string(), z.array(z.string())).meta({
    description: 'Each resource type a request may name, with the identifiers (`values` keys) it needs',
  }),
  unresolvedSettings: z.array(z.string()).optional(),
});

/** A component schema: zod's JSON Schema (2020-12, OpenAPI 3.1's dialect), without the `$schema` the document implies. */
function json(schema: z.ZodType, io: 'input' | 'output' = 'output') {
  const { $schema: _dialect, ...rest } = z.toJSONSchema(schema, {
    target: 'draft-2020-12',
    io,
    unrepresentable: 'any',
  });
  return rest;
}
const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });
const problemResponses = (...statuses: string[]) =>
  Object.fromEntries(
    statuses.map((s) => [
      s,
      {
        description: `${PROBLEMS[s]!.description} (problem types: ${PROBLEMS[s]!.types.join(', ')})`,
        content: { 'application/problem+json': { schema: ref('Problem') } },
      },
    ]),
  );
const taskAnswer = (description: string) => ({ description, content: { 'application/json': { schema: ref('Task') } } });

/** A request naming one resource of `module`'s by its dotted name, split into the identifiers its type needs. */
function exampleRequest(module: WarehouseModule, type: string, name: string) {
  const parts = name.split('.');
  const values = Object.fromEntries((module.resourceTypes[type] ?? []).map((key, i) => [key, parts[i] ?? '']));
  return { type: 'RESOURCE_SYNC', requestInfo: { resources: [{ type, values }] } };
}

/**
 * The API's OpenAPI 3.1 document, generated from the zod schemas that validate its requests and shape its answers,
 * with the configured warehouse's documented example payloads. `server`: the URL the routes hang under.
 */
export function openApiDocument(module: WarehouseModule, server = '/policysync/api') {
  const examples: Record<string, { summary: string; value: unknown }> = {
    ...Object.fromEntries(
      module.names.documented.map(({ type, name }) => [
        `${type}-${name}`.replace(/[^A-Za-z0-9_.-]/g, '_'),
        { summary: `Sync ${type} ${name}`, value: exampleRequest(module, type, name) },
      ]),
    ),
    'policy-sync': {
      summary: 'Sync the objects of the policies a Ranger audit hook or a CI pipeline just changed',
      value: { type: 'POLICY_SYNC', requestInfo: { policies: [{ id: 42 }] } },
    },
  };
  const bearer = [{ bearer: [] }];
  const idempotencyKey = {
    name: 'Idempotency-Key',
    in: 'header',
    required: false,
    description:
      "Maps retries of one request to one task for IDEMPOTENCY_TTL_HOURS; the key belongs to the caller (the token's sub). Reused with another body: 422.",
    schema: { type: 'string', maxLength: 256 },
  };
  const prefer = {
    name: 'Prefer',
    in: 'header',
    required: false,
    description:
      '`wait=N` (RFC 7240): answer 200 with the finished task if it ends within N seconds (at most 60), with Preference-Applied; otherwise the usual answer.',
    schema: { type: 'string', example: 'wait=20' },
  };
  return {
    openapi: '3.1.0',
    info: {
      title: 'policysync',
      version: '1',
      description:
        'On-demand Apache Ranger policy sync for Snowflake and Databricks Unity Catalog: a task names resources and the service makes their grants match the policies.',
    },
    servers: [{ url: server }],
    components: {
      securitySchemes: {
        bearer: {
          type: 'http',
          scheme: 'bearer',
          bearerFormat: 'JWT',
          description:
            'A JWT for JWT_AUDIENCE from JWT_ISSUER, with `iat`, at most JWT_MAX_TOKEN_AGE old; a bare token is accepted too',
        },
      },
      schemas: {
        TaskRequest: json(TaskRequestSchema, 'input'),
        Task: json(TaskViewSchema),
        TaskList: json(TaskListSchema),
        Problem: json(ProblemSchema),
        Health: json(HealthSchema),
        DoctorReport: json(DoctorReportSchema),
        Check: json(CheckSchema),
      },
    },
    paths: {
      '/v1/task': {
        post: {
          operationId: 'createTask',
          summary: 'Create a sync task',
          security: bearer,
          parameters: [
            {
              name: 'dryRun',
              in: 'query',
              required: false,
              description: 'Plan without applying anything',
              schema: { type: 'boolean' },
            },
            idempotencyKey,
            prefer,
          ],
          requestBody: {
            required: true,
            content: { 'application/json': { schema: ref('TaskRequest'), examples } },
          },
          responses: {
            '200': taskAnswer('With Prefer: wait, the task finished in time'),
            '202': {
              ...taskAnswer('Accepted; GET the Location to follow it'),
              headers: { Location: { schema: { type: 'string' }, description: '/policysync/api/v1/tasks/{taskId}' } },
            },
            ...problemResponses('400', '401', '403', '413', '415', '422', '500', '503'),
          },
        },
      },
      '/v1/tasks': {
        get: {
          operationId: 'listTasks',
          summary:
            'Tasks newest first, from the status index; a page may hold fewer than `limit` and still carry a continuation (it walks at most a week of hours)',
          security: bearer,
          parameters: Object.entries(TaskListQuerySchema.shape).map(([name, schema]) => {
            const { description, ...rest } = json(schema, 'input') as { description?: string };
            return { name, in: 'query', required: false, ...(description ? { description } : {}), schema: rest };
          }),
          responses: {
            '200': { description: 'A page of tasks', content: { 'application/json': { schema: ref('TaskList') } } },
            ...problemResponses('400', '401', '403', '500', '503'),
          },
        },
      },
      '/v1/tasks/{taskId}': {
        get: {
          operationId: 'getTask',
          summary: "A task with each resource's outcome",
          security: bearer,
          parameters: [
            { name: 'taskId', in: 'path', required: true, schema: { type: 'string', pattern: '^[0-9]{1,20}$' } },
            prefer,
          ],
          responses: {
            '200': taskAnswer('The task'),
            ...problemResponses('401', '403', '404', '500', '503'),
          },
        },
      },
      '/v1/health': {
        get: {
          operationId: 'health',
          summary: 'Liveness and what is enabled; no token, nothing secret',
          security: [],
          responses: {
            '200': { description: 'Serving', content: { 'application/json': { schema: ref('Health') } } },
            '503': {
              description: 'A Key Vault reference has not resolved yet',
              content: { 'application/json': { schema: ref('Health') } },
            },
          },
        },
      },
      '/v1/doctor': {
        get: {
          operationId: 'doctor',
          summary: "`policysync doctor`'s checks, run by the service itself (at most once a minute)",
          security: bearer,
          responses: {
            '200': {
              description: 'The checks, whatever they found',
              content: { 'application/json': { schema: ref('DoctorReport') } },
            },
            ...problemResponses('401', '403', '500', '503'),
          },
        },
      },
      '/v1/openapi.json': {
        get: {
          operationId: 'openapi',
          summary: 'This document',
          security: [],
          responses: { '200': { description: 'OpenAPI 3.1', content: { 'application/json': {} } } },
        },
      },
      '/console/{file}': {
        get: {
          operationId: 'console',
          summary: 'The read-only console (index.html, console.js, console.css); the token is pasted into the page',
          security: [],
          parameters: [{ name: 'file', in: 'path', required: true, schema: { type: 'string' } }],
          responses: {
            '200': {
              description: 'A file of the console',
              content: { 'text/html': {}, 'text/javascript': {}, 'text/css': {} },
            },
            '301': { description: '/console redirects to /console/' },
            '404': { description: 'Not a file of the console' },
          },
        },
      },
    },
  };
}
