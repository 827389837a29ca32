import pLimit from 'p-limit';
import { ConnectorError } from '../connectors/errors.js';
import { sliceRanges, type TableRange } from '../connectors/table-range.js';
import type { ResourceRef } from '../task/request.js';
import { unitMaxTables, type WorkerDeps } from './worker-deps.js';

/** One unit a container fans out into: a schema, or a slice of one (a range of its table and view names). */
export interface PlannedUnit {
  ref: ResourceRef;
  tables?: TableRange;
}

/** Schemas listed side by side when several are large. */
const LISTING_CONCURRENCY = 4;

/**
 * A database's or catalog's units, schema by schema in the order the warehouse lists them. Its schemas and how many
 * tables and views each holds come from one round trip (the listing and a grouped count side by side); only a
 * schema holding more than UNIT_MAX_TABLES has its names listed (one statement, names only, in the warehouse's
 * order) and cut into ranges of at most that many, each a unit. None when the container does not exist (its top
 * sync then says so).
 */
export async function plannedUnits(container: ResourceRef, deps: WorkerDeps): Promise<PlannedUnit[]> {
  const { children, tableCounts, tables } = deps.connector.capabilities;
  const max = unitMaxTables(deps);
  const limit = pLimit(LISTING_CONCURRENCY);
  const leaf = (ref: ResourceRef) => deps.profile.resourcePath(ref).at(-1) ?? '';
  try {
    const [schemas, counts] = await Promise.all([
      children!(container),
      tables && tableCounts ? tableCounts(container) : undefined,
    ]);
    const perSchema = await Promise.all(
      schemas.map(async (ref): Promise<PlannedUnit[]> => {
        if ((counts?.get(leaf(ref)) ?? 0) <= max) return [{ ref }];
        const names = (await limit(() => tables!(ref))).map(leaf);
        const ranges = sliceRanges(names, max);
        return ranges.length === 0 ? [{ ref }] : ranges.map((range) => ({ ref, tables: range }));
      }),
    );
    return perSchema.flat();
  } catch (err) {
    if (err instanceof ConnectorError && err.code === 'NOT_FOUND') return [];
    throw err;
  }
}
