/** One branch of a tagged UNION ALL read: its rows carry `KIND` and up to seven values, A to G. */
export interface Branch {
  kind: string;
  columns: string[];
  from: string;
  binds: string[];
}

const NAMES = ['A', 'B', 'C', 'D', 'E', 'F', 'G'];

/**
 * Branches as one statement, so reads that do not depend on each other cost one round trip. Shorter branches
 * are padded with NULL; a UNION takes its column names from the first branch, whichever that is.
 */
export function unionQuery(branches: Branch[]): { sql: string; binds: string[] } {
  const width = Math.max(...branches.map((b) => b.columns.length));
  const padded = (b: Branch) => [...b.columns, ...Array<string>(width - b.columns.length).fill('NULL')];
  const sql = branches
    .map((b, i) =>
      i === 0
        ? `SELECT '${b.kind}' AS KIND, ${padded(b)
            .map((c, j) => `${c} AS ${NAMES[j]}`)
            .join(', ')} FROM ${b.from}`
        : `SELECT '${b.kind}', ${padded(b).join(', ')} FROM ${b.from}`,
    )
    .join(' UNION ALL ');
  return { sql, binds: branches.flatMap((b) => b.binds) };
}
