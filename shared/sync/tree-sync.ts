import type { Connector } from '../connectors/connector.js';
import { ConnectorError } from '../connectors/errors.js';
import type { SecurableKind } from '../connectors/securable.js';
import type { DesiredGrant } from '../plan/desired.js';
import type { ResourceRef } from '../task/request.js';
import type { ResourceOutcome } from './resource-sync.js';
import { ResultFold } from './result-fold.js';

/**
 * A database or catalog, one container below it at a time (when the connector streams them), so memory holds
 * one container's objects whatever the size of the catalog. The containers go first and the database itself
 * last, knowing the USAGE its containers need, so it never revokes what they just granted. The outcomes fold
 * into the requested resource's one result.
 */
export async function syncTree(
  ref: ResourceRef,
  connector: Connector,
  containerKind: SecurableKind,
  syncOne: (ref: ResourceRef, neededBelow?: DesiredGrant[]) => Promise<ResourceOutcome>,
): Promise<ResourceOutcome> {
  const { children: childrenOf } = connector.capabilities;
  if (!childrenOf || ref.type !== containerKind) return syncOne(ref);
  let children: ResourceRef[];
  try {
    children = await childrenOf(ref);
  } catch (err) {
    if (err instanceof ConnectorError && err.code === 'NOT_FOUND') return syncOne(ref);
    throw err;
  }
  const fold = new ResultFold(containerKind);
  for (const child of children) fold.add(await syncOne(child));
  const self = await syncOne(ref, fold.neededOnTop());
  return self.status === 'SKIPPED' ? self : fold.outcome(children.length, self);
}
