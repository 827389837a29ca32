import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { cruise, type ICruiseResult } from 'dependency-cruiser';
import extractDepcruiseOptions from 'dependency-cruiser/config-utl/extract-depcruise-options';
import extractTSConfig from 'dependency-cruiser/config-utl/extract-ts-config';
import { describe, expect, it } from 'vitest';

/** The rules of .dependency-cruiser.cjs broken by `dirs` (under `baseDir`), one line each. */
async function violations(dirs: string[], baseDir = process.cwd()): Promise<string[]> {
  const options = await extractDepcruiseOptions('./.dependency-cruiser.cjs');
  // Packages resolve from this checkout's node_modules, wherever baseDir is.
  const result = await cruise(
    dirs,
    { ...options, baseDir },
    { modules: [resolve('node_modules')] },
    { tsConfig: extractTSConfig('tsconfig.json') },
  );
  return (result.output as ICruiseResult).summary.violations
    .map((v) => `${v.rule.name}: ${v.from} -> ${v.to.replace(/^.*node_modules\/((@[^/]+\/)?[^/]+)\/.*$/, '$1')}`)
    .sort();
}

const sources = (dir: string): string[] =>
  readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile() && e.name.endsWith('.ts'))
    .map((e) => join(e.parentPath, e.name));

describe('the layout of DESIGN.md', () => {
  it('keeps every dependency rule: no cycles, and every dependency points inward', async () => {
    expect(await violations(['shared', 'functions', 'dev', 'cli'])).toEqual([]);
  }, 30_000);

  it('has rules that catch each kind of violation', async () => {
    const fixture = join('test', 'unit', 'architecture-fixture');
    expect(await violations(['shared', 'functions'], fixture)).toEqual(
      [
        'connectors-not-sync: shared/connectors/contract.ts -> shared/sync/pipeline.ts',
        'no-circular: shared/sync/b.ts -> shared/sync/pipeline.ts',
        'plan-reaches-no-io: shared/plan/impure.ts -> fs',
        'plan-reaches-no-io: shared/plan/impure.ts -> snowflake-sdk',
        'plan-reaches-no-io: shared/plan/impure.ts -> shared/connectors/warehouse/statements.ts',
        'plan-reaches-no-io: shared/plan/impure.ts -> shared/store/store.ts',
        'plan-reaches-no-io: shared/plan/indirect.ts -> fs/promises',
        'plan-reaches-no-io: shared/plan/indirect.ts -> shared/policy/file-source.ts',
        'pure-core-imports-no-io: shared/plan/impure.ts -> fs',
        'pure-core-imports-no-io: shared/plan/impure.ts -> snowflake-sdk',
        'pure-core-imports-no-io: shared/plan/impure.ts -> shared/connectors/warehouse/statements.ts',
        'pure-core-imports-no-io: shared/plan/impure.ts -> shared/store/store.ts',
        'shared-not-outward: shared/sync/pipeline.ts -> functions/entry.ts',
        'shared-not-outward: shared/sync/pipeline.ts -> @azure/functions',
      ].sort(),
    );
  }, 30_000);

  it('keeps the planner off the clock and out of SQL', () => {
    const clock = /\bDate\.now\(|\bnew Date\(/;
    const sql =
      /\bCASE\s+(WHEN\b|\$\{)|\bWHEN\b.*\bTHEN\b|\b(REGEXP_REPLACE|CAST|SHA2|TO_VARCHAR|IS_ROLE_IN_SESSION|CURRENT_USER|is_account_group_member)\(|\bSELECT\s+[\w*]|\b(CREATE|ALTER|DROP)\s+(OR REPLACE\s+)?(TABLE|FUNCTION|MASKING|ROW|SCHEMA)\b|\b(GRANT|REVOKE)\s+\w+\s+ON\b/;
    const offenders = sources(join('shared', 'plan')).flatMap((file) =>
      readFileSync(file, 'utf8')
        .split('\n')
        .map((line, i) => ({ where: `${file}:${i + 1}`, line: line.replace(/\/\/.*$|^\s*\*.*$|\/\*\*.*$/, '') }))
        .filter(({ line }) => clock.test(line) || sql.test(line))
        .map(({ where, line }) => `${where}: ${line.trim()}`),
    );
    expect(offenders).toEqual([]);
  });
});
