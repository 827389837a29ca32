import { z } from 'zod';
import { own } from '../own.js';
import { unityCatalogNameProblem } from '../task/identifier.js';
import { MAX_RESOURCES_PER_TASK, type ResourceRef, type SyncRequest } from '../task/request.js';
import { diagnosticsKey } from './dedupe-key.js';
import type { DropReason, IngestItem, IngestResult } from './item.js';
import { parseJsonText } from './json-body.js';

/**
 * Azure Databricks diagnostic logs as a workspace diagnostic setting streams them to Event Hubs: the Azure
 * resource-log envelope `{records: [...]}`, one record per audit event. In a record, `identity`,
 * `properties.requestParams` and `properties.response` are JSON written as strings; objects are accepted too.
 */
export const DiagnosticBatchSchema = z.object({ records: z.array(z.unknown()) });

export const DiagnosticRecordSchema = z.object({
  time: z.string().max(64).optional(),
  category: z.string(),
  operationName: z.string().optional(),
  properties: z.object({
    logId: z.string().min(1).max(256),
    actionName: z.string().optional(),
    serviceName: z.string().optional(),
    requestParams: z.unknown(),
    response: z.unknown(),
  }),
});
export type DiagnosticRecord = z.infer<typeof DiagnosticRecordSchema>;

/** `requestParams`: a flat map; Unity Catalog writes every value as a string. */
export const RequestParamsSchema = embeddedJson(z.record(z.string(), z.unknown()));
/** `response`: `{statusCode, errorMessage, result}`; only statusCode matters here. */
export const ResponseSchema = embeddedJson(z.object({ statusCode: z.union([z.number(), z.string()]) }));

function embeddedJson<T extends z.ZodType>(schema: T) {
  return z.preprocess((value) => {
    if (typeof value !== 'string') return value;
    const decoded = parseJsonText(value);
    return decoded.ok ? decoded.value : value;
  }, schema);
}

export type DatabricksObjectType = 'catalog' | 'schema' | 'table';

/** What an object change means for sync: which object's grants to converge. */
type ChangeKind = 'table' | 'table_delete' | 'schema' | 'catalog' | 'permissions';

/**
 * The Unity Catalog audit actions that change an object or its grants. `updateTables` is the name the audit log
 * uses; `updateTable` is accepted as well. Deletes of schemas and catalogs are not here: their grants vanish with
 * them and there is no parent grant to converge.
 */
const CHANGES: ReadonlyMap<string, ChangeKind> = new Map([
  ['createTable', 'table'],
  ['updateTables', 'table'],
  ['updateTable', 'table'],
  ['deleteTable', 'table_delete'],
  ['createSchema', 'schema'],
  ['updateSchema', 'schema'],
  ['createCatalog', 'catalog'],
  ['updateCatalog', 'catalog'],
  ['updatePermissions', 'permissions'],
]);

const READ_ACTIONS = new Set(['tableExists', 'metadataSnapshot', 'metadataAndPermissionsSnapshot', 'checkPathAccess']);

const PARTS: Record<DatabricksObjectType, number> = { catalog: 1, schema: 2, table: 3 };

/** Permission changes name the securable's type; views are table securables in Unity Catalog's grants API. */
const SECURABLE_TYPES: Readonly<Record<string, DatabricksObjectType>> = {
  catalog: 'catalog',
  schema: 'schema',
  table: 'table',
  view: 'table',
};

/** A record that survived the filters: the object to sync and where it came from. */
interface Kept {
  ref: DatabricksRef;
  logId: string;
  time?: string;
}
interface DatabricksRef {
  type: DatabricksObjectType;
  parts: string[];
}

type Verdict = { kept: Kept } | { drop: DropReason };

/**
 * One diagnostics message -> one RESOURCE_SYNC request with every object it changed (split only past the
 * per-task resource limit), plus the count of what was dropped and why. A batch of pure noise yields no item:
 * reads and credential requests are the bulk of the log and must not become SKIPPED tasks.
 */
export function diagnosticsItems(records: readonly unknown[]): IngestResult {
  const dropped: Record<string, number> = {};
  const seen = new Set<string>();
  const folded = new Map<string, { ref: DatabricksRef; logIds: string[]; time?: string }>();
  for (const raw of records) {
    const verdict = judge(raw, seen);
    if ('drop' in verdict) {
      dropped[verdict.drop] = (dropped[verdict.drop] ?? 0) + 1;
      continue;
    }
    const { ref, logId, time } = verdict.kept;
    // Names are already lower case (Unity Catalog stores them so): equal parts are the same object.
    const key = `${ref.type}\u0000${ref.parts.join('\u0000')}`;
    const entry = folded.get(key);
    if (entry) {
      entry.logIds.push(logId);
      entry.time = earliest(entry.time, time);
    } else {
      folded.set(key, { ref, logIds: [logId], time });
    }
  }
  const entries = [...folded.values()];
  const items: IngestItem[] = [];
  for (let start = 0; start < entries.length; start += MAX_RESOURCES_PER_TASK) {
    const chunk = entries.slice(start, start + MAX_RESOURCES_PER_TASK);
    const createTime = chunk.reduce<string | undefined>((acc, entry) => earliest(acc, entry.time), undefined);
    const request: SyncRequest = {
      type: 'RESOURCE_SYNC',
      appType: 'DATABRICKS',
      appSubType: 'UNITY_CATALOG',
      source: 'DATABRICKS_DIAGNOSTICS',
      ...(createTime === undefined ? {} : { createTime }),
      requestInfo: { resources: chunk.map((entry) => resourceRef(entry.ref)) },
    };
    items.push({
      dedupeKey: diagnosticsKey(chunk.flatMap((entry) => entry.logIds)),
      origin: 'databricks_diagnostics',
      request,
    });
  }
  return { items, dropped };
}

/** Resources are Databricks-shaped: `{type, values: {catalog, schema?, table?}}`. */
function resourceRef(ref: DatabricksRef): ResourceRef {
  const [catalog = '', schema, table] = ref.parts;
  const values: Record<string, string> = { catalog };
  if (schema !== undefined) values.schema = schema;
  if (table !== undefined) values.table = table;
  return { type: ref.type, values };
}

// Cheap checks first: at 95% noise, most records must be dropped before their embedded JSON is parsed. The
// category comes before the shape: other Azure services' logs on the same hub have no logId, and are not malformed.
function judge(raw: unknown, seen: Set<string>): Verdict {
  const category = typeof raw === 'object' && raw !== null ? (raw as { category?: unknown }).category : undefined;
  if (typeof category !== 'string') return { drop: 'malformed_record' };
  if (category.toLowerCase() !== 'unitycatalog') return { drop: 'other_category' };
  const parsed = DiagnosticRecordSchema.safeParse(raw);
  if (!parsed.success) return { drop: 'malformed_record' };
  const record = parsed.data;
  const { logId } = record.properties;
  if (seen.has(logId)) return { drop: 'duplicate_log_id' };
  seen.add(logId);

  const action = record.properties.actionName ?? record.operationName?.split('/').pop() ?? '';
  const kind = CHANGES.get(action);
  if (kind === undefined) return { drop: noiseReason(action) };

  const response = ResponseSchema.safeParse(record.properties.response);
  if (!response.success) return { drop: 'malformed_record' };
  if (Number(response.data.statusCode) !== 200) return { drop: 'failed_call' };

  const params = RequestParamsSchema.safeParse(record.properties.requestParams);
  if (!params.success) return { drop: 'malformed_record' };
  const target = targetOf(kind, params.data);
  if ('drop' in target) return target;
  return { kept: { ref: target.ref, logId, time: validTime(record.time) } };
}

function noiseReason(action: string): DropReason {
  if (action.startsWith('generateTemporary')) return 'credential_request'; // ...TableCredential, ...PathCredential
  if (/^(get|list)[A-Z]/.test(action) || READ_ACTIONS.has(action)) return 'read_operation';
  return 'unsupported_action';
}

/** The object a change is about, taken from requestParams in whichever form the action logs it. */
function targetOf(kind: ChangeKind, params: Record<string, unknown>): { ref: DatabricksRef } | { drop: DropReason } {
  switch (kind) {
    case 'table':
      return named(
        'table',
        fullName(params, 'full_name_arg', 'full_name', 'table_full_name') ??
          partsOf(params, 'catalog_name', 'schema_name', ['name', 'table_name']),
        params,
      );
    case 'table_delete': {
      // Grants on a dropped table vanish with it; what may need converging is its schema.
      const table = named(
        'table',
        fullName(params, 'full_name_arg', 'full_name', 'table_full_name') ??
          partsOf(params, 'catalog_name', 'schema_name', ['name', 'table_name']),
        {},
      );
      return 'ref' in table ? { ref: { type: 'schema', parts: table.ref.parts.slice(0, 2) } } : table;
    }
    case 'schema':
      return named(
        'schema',
        fullName(params, 'full_name_arg', 'full_name') ??
          partsOf(params, 'catalog_name', undefined, ['name', 'schema_name']),
        params,
      );
    case 'catalog':
      return named('catalog', fullName(params, 'name_arg', 'full_name_arg', 'name'), params);
    case 'permissions': {
      const securable =
        typeof params.securable_type === 'string'
          ? own(SECURABLE_TYPES, params.securable_type.toLowerCase())
          : undefined;
      if (securable === undefined)
        return { drop: typeof params.securable_type === 'string' ? 'unsupported_securable' : 'malformed_record' };
      return named(securable, fullName(params, 'securable_full_name', 'full_name_arg', 'full_name'), {});
    }
  }
}

/** The first of `keys` holding a string, split on '.' (Unity Catalog names cannot contain one). */
function fullName(params: Record<string, unknown>, ...keys: string[]): string[] | undefined {
  for (const key of keys) {
    const value = params[key];
    if (typeof value === 'string') return value.split('.');
  }
  return undefined;
}

/** The separate-fields form: `catalog_name` + `schema_name` + `name`; each part must be present. */
function partsOf(
  params: Record<string, unknown>,
  catalogKey: string,
  schemaKey: string | undefined,
  nameKeys: string[],
): string[] | undefined {
  const catalog = params[catalogKey];
  const schema = schemaKey === undefined ? undefined : params[schemaKey];
  const name = nameKeys.map((key) => params[key]).find((value) => typeof value === 'string');
  if (typeof catalog !== 'string' || typeof name !== 'string') return undefined;
  if (schemaKey === undefined) return [catalog, name];
  return typeof schema === 'string' ? [catalog, schema, name] : undefined;
}

/**
 * Checks the parts against the type and Unity Catalog's naming rules, lower-cases them, and applies a rename
 * (`new_name`): the grants move with the object, so the object to converge is the one under its new name.
 */
function named(
  type: DatabricksObjectType,
  parts: string[] | undefined,
  params: Record<string, unknown>,
): { ref: DatabricksRef } | { drop: DropReason } {
  if (parts === undefined) return { drop: 'malformed_record' };
  if (parts.length !== PARTS[type]) return { drop: 'invalid_identifier' };
  const renamed = typeof params.new_name === 'string' ? [...parts.slice(0, -1), params.new_name] : parts;
  const lower = renamed.map((part) => part.toLowerCase());
  if (lower.some((part) => unityCatalogNameProblem(part) !== undefined)) return { drop: 'invalid_identifier' };
  return { ref: { type, parts: lower } };
}

function validTime(time: string | undefined): string | undefined {
  return time !== undefined && !Number.isNaN(Date.parse(time)) ? time : undefined;
}

function earliest(a: string | undefined, b: string | undefined): string | undefined {
  if (a === undefined) return b;
  if (b === undefined) return a;
  return Date.parse(b) < Date.parse(a) ? b : a;
}
