import type { ColumnInfo } from '../connectors/masking-port.js';
import { type Securable, securableKey } from '../connectors/securable.js';
import { type ResourceAcl, resourceAcl } from '../policy/acl.js';
import type { PolicySnapshot } from '../policy/model.js';
import type { WarehouseProfile } from './profile.js';

/** The policies as one sync reads them: the version its plan records, and each object's ACL. */
export interface PolicyReading {
  readonly version: string;
  /** `columns`: a table's columns, to report masks for (left out where masks are not synced). */
  evaluate(securable: Securable, columns?: string[]): ResourceAcl;
}

/**
 * One evaluation per object answers both of its readings. Grants are decided at `now`: a scheduled access policy
 * out of effect grants nothing. A native mask or row filter outlives `now`, so a scheduled masking policy that has
 * not ended counts as conditional, which the masking plan applies in its most restrictive form.
 */
export function policyReading(snapshot: PolicySnapshot, profile: WarehouseProfile, now: Date): PolicyReading {
  const def = profile.serviceDef;
  return {
    version: String(snapshot.version ?? ''),
    evaluate: (securable, columns) =>
      resourceAcl(snapshot, def, profile.policyResource(securable), {
        now,
        schedules: { access: 'at-now', masking: 'unless-ended' },
        ...(columns ? { columns } : {}),
      }),
  };
}

/** An object the sync manages with its ACL and, for a table whose masks are synced, its columns. */
export interface EvaluatedObject {
  securable: Securable;
  acl: ResourceAcl;
  columns: ColumnInfo[];
}

/**
 * Every managed object evaluated once; its grants and its masks are both read from that ACL. `masked`: the tables
 * and views whose masks are synced (some of `objects`), with the columns the warehouse holds for them.
 */
export function evaluateObjects(
  objects: Securable[],
  policies: PolicyReading,
  masked?: { tables: Securable[]; columns: Record<string, ColumnInfo[]> },
): EvaluatedObject[] {
  const withMasks = new Set(masked?.tables);
  return objects.map((securable) => {
    if (!masked || !withMasks.has(securable)) return { securable, acl: policies.evaluate(securable), columns: [] };
    const columns = masked.columns[securableKey(securable)] ?? [];
    return {
      securable,
      acl: policies.evaluate(
        securable,
        columns.map((c) => c.name),
      ),
      columns,
    };
  });
}
