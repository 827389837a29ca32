import type { WarehouseModule } from '../connectors/warehouse-module.js';
import { identifierProblem } from './identifier.js';
import { ALL_PRINCIPALS, type PrincipalRef } from './principal-request.js';
import type { ResourceRef } from './request.js';
import { supportedTypes, valueKeys } from './resource-types.js';
import type { TaskRequest } from './task-request.js';

/** A requested resource, with the identifiers its type needs picked out, or the reason it will be skipped. */
export type NormalizedResource = { ref: ResourceRef; skip?: undefined } | { ref: ResourceRef; skip: string };

export interface NormalizedRequest {
  request: TaskRequest;
  resources: NormalizedResource[];
}

/** The one normalizer both entry points use: type names are case-insensitive; identifiers are kept exactly. */
export function normalizeRequest(
  request: TaskRequest,
  warehouse: Pick<WarehouseModule, 'kind' | 'resourceTypes'>,
): NormalizedRequest {
  // A POLICY_SYNC names policies, not resources: the worker finds its resources by expanding them.
  if (request.type === 'POLICY_SYNC') return { request, resources: [] };
  if (request.type === 'PRINCIPAL_SYNC')
    return { request, resources: request.requestInfo.principals.map(principalRow) };
  return { request, resources: request.requestInfo.resources.map((r) => normalizeResource(r, warehouse)) };
}

/**
 * A principal is stored as a row like a resource's: `{type: 'group', values: {name}}`, its name exactly as Ranger
 * spells it (Ranger names are case-sensitive); the same identifier rules keep it storable.
 */
function principalRow(p: PrincipalRef): NormalizedResource {
  const ref: ResourceRef = { type: p.type, values: { name: p.name } };
  const problem = p.name === ALL_PRINCIPALS ? undefined : identifierProblem(p.name);
  return problem ? { ref, skip: `invalid request: principal name ${problem}` } : { ref };
}

function normalizeResource(
  raw: ResourceRef,
  { kind, resourceTypes }: Pick<WarehouseModule, 'kind' | 'resourceTypes'>,
): NormalizedResource {
  const type = raw.type.trim().toLowerCase();
  const needs = valueKeys(resourceTypes, type);
  if (!needs) {
    return {
      ref: raw,
      skip: `unsupported resource type '${raw.type}' for a ${kind} connector (supported: ${supportedTypes(resourceTypes)})`,
    };
  }
  const values: Record<string, string> = {};
  const lowerKeys = new Map(Object.entries(raw.values).map(([k, v]) => [k.toLowerCase(), v]));
  for (const key of needs) {
    const value = lowerKeys.get(key) ?? (type === 'view' && key === 'table' ? lowerKeys.get('view') : undefined);
    if (value === undefined || value.trim() === '')
      return { ref: raw, skip: `invalid request: resource type '${type}' needs values.${key}` };
    const problem = identifierProblem(value);
    if (problem) return { ref: raw, skip: `invalid request: values.${key} ${problem}` };
    values[key] = value;
  }
  return { ref: { type, values } };
}
