import type { Connector } from '../connectors/connector.js';
import type { ResourceResult } from '../store/records.js';
import type { ResourceRef } from '../task/request.js';
import { ConnectorError } from '../connectors/errors.js';
import type { DesiredGrant } from './desired.js';
import type { ResourceOutcome } from './resource-sync.js';

/**
 * A database or catalog, one container below it at a time (when the connector streams them), so memory holds
 * one container's objects whatever the size of the catalog. The containers go first and the database itself
 * last, knowing the USAGE its containers need, so it never revokes what they just granted. The outcomes fold
 * into the requested resource's one result.
 */
export async function syncTree(
  ref: ResourceRef, connector: Connector, syncOne: (ref: ResourceRef, neededBelow?: DesiredGrant[]) => Promise<ResourceOutcome>,
): Promise<ResourceOutcome> {
  if (!connector.children || !['database', 'catalog'].includes(ref.type)) return syncOne(ref);
  let children: ResourceRef[];
  try {
    children = await connector.children(ref);
  } catch (err) {
    if (err instanceof ConnectorError && err.code === 'NOT_FOUND') return syncOne(ref);
    throw err;
  }
  const outcomes: ResourceOutcome[] = [];
  for (const child of children) outcomes.push(await syncOne(child));
  const top = ref.type === 'catalog' ? 'catalog' : 'database';
  const needed = outcomes.flatMap((o) => o.neededAbove ?? []).filter((g) => g.securable.kind === top);
  const self = await syncOne(ref, needed);
  if (self.status === 'SKIPPED') return self;
  return fold([self, ...outcomes], children.length);
}

function fold(outcomes: ResourceOutcome[], children: number): ResourceOutcome {
  const results = outcomes.flatMap((o) => (o.result ? [o.result] : []));
  const result: ResourceResult = {
    granted: results.flatMap((r) => r.granted), revoked: results.flatMap((r) => r.revoked), warnings: results.flatMap((r) => r.warnings),
    statements: results.flatMap((r) => r.statements), plan: results.flatMap((r) => r.plan),
    ...(results.some((r) => r.masking) ? { masking: results.flatMap((r) => r.masking ?? []) } : {}),
    unchanged: results.reduce((n, r) => n + r.unchanged, 0),
    ...(results[0]?.policyVersion !== undefined ? { policyVersion: results[0].policyVersion } : {}),
    ...(results[0]?.dryRun ? { dryRun: true } : {}),
  };
  const failed = outcomes.filter((o) => o.status === 'FAILED');
  const summary = `${children} schema(s): ${result.granted.length} grant(s), ${result.revoked.length} revoke(s), ${result.unchanged} unchanged`;
  return failed.length > 0
    ? { status: 'FAILED', message: `${failed.length} part(s) failed; first: ${failed[0]!.message} (${summary})`, result }
    : { status: 'SUCCESS', message: summary, result };
}
