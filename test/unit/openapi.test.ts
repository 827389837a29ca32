import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Validator } from '@seriousme/openapi-schema-validator';
import { describe, expect, it } from 'vitest';
import { registrations } from '../../functions/registry.js';
import { loadConfig } from '../../shared/config.js';
import { WAREHOUSES } from '../../shared/connectors/modules.js';
import { openApiDocument } from '../../shared/http/openapi.js';
import { TaskRequestSchema } from '../../shared/task/task-request.js';

// The API's contract: a valid OpenAPI 3.1 document, made from the schemas, naming every route the host serves (and
// nothing else), every problem type the code answers, and the documented example payloads, each of which validates.
const root = new URL('../../', import.meta.url).pathname;
const env = { AzureWebJobsStorage: 'UseDevelopmentStorage=true', JWT_SECRET: 'x'.repeat(40), POLICY_FILE: 'p.json' };

describe.each(WAREHOUSES)('the OpenAPI document of a $name instance', (module) => {
  const doc = openApiDocument(module);

  it('is a valid OpenAPI 3.1 document', async () => {
    const result = await new Validator().validate(structuredClone(doc) as never);
    expect(result.errors ?? []).toEqual([]);
    expect(result.valid).toBe(true);
    expect(doc.openapi).toBe('3.1.0');
  });

  it('carries the documented example payloads, each a valid request', () => {
    const examples = doc.paths['/v1/task'].post.requestBody.content['application/json'].examples;
    expect(Object.keys(examples)).toHaveLength(module.names.documented.length + 1);
    for (const { value } of Object.values(examples)) expect(TaskRequestSchema.safeParse(value).success).toBe(true);
  });
});

describe('the routes', () => {
  it('are exactly the ones the host serves, with their methods', () => {
    // The registrations read the app's settings from the environment, as the Functions host does.
    Object.assign(process.env, env, {
      CONNECTOR_KIND: 'snowflake',
      SNOWFLAKE_ACCOUNT: 'a',
      SNOWFLAKE_USERNAME: 'u',
      SNOWFLAKE_PASSWORD: 'p',
    });
    const served = registrations(loadConfig(process.env))
      .flatMap((r) =>
        r.kind === 'http'
          ? (r.options.methods ?? ['GET', 'POST']).map(
              (m) => `${m.toLowerCase()} /${r.options.route!.replace(/\{\*(\w+)\}/, '{$1}')}`,
            )
          : [],
      )
      .sort();
    const documented = Object.entries(openApiDocument(WAREHOUSES[0]!).paths)
      .flatMap(([path, ops]) => Object.keys(ops).map((m) => `${m} ${path}`))
      .sort();
    expect(documented).toEqual(served);
  });
});

describe('the problem types', () => {
  it('are every type the code answers, each documented', () => {
    const files = (dir: string): string[] =>
      readdirSync(join(root, dir), { withFileTypes: true }).flatMap((e) =>
        e.isDirectory() ? files(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : [],
      );
    const used = new Set(
      ['shared', 'functions']
        .flatMap(files)
        .flatMap((f) =>
          [...readFileSync(join(root, f), 'utf8').matchAll(/problem\(\s*\d+,\s*'([a-z-]+)'/g)].map((m) => m[1]!),
        ),
    );
    const text = JSON.stringify(openApiDocument(WAREHOUSES[0]!).paths);
    expect([...used].filter((t) => !text.includes(t))).toEqual([]);
    expect(used.size).toBeGreaterThan(8);
  });
});
