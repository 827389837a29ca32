import { describe, expect, it } from 'vitest';
import { type LevelRule, patternScope } from '../../../shared/plan/pattern-scope.js';
import { parsePolicies, snowflakeServiceDef } from '../../../shared/policy/index.js';

const scopeOf = (resources: Record<string, { values: string[]; isExcludes?: boolean }>) =>
  patternScope(parsePolicies([{ resources }]).policies[0]!.resources, snowflakeServiceDef)!;
const show = (rule: LevelRule) => (rule.kind === 'exact' ? rule.names : 'match');

describe('patternScope', () => {
  it('takes names a pattern spells out as they are, level by level', () => {
    const scope = scopeOf({
      database: { values: ['SALES'] },
      schema: { values: ['PUBLIC'] },
      table: { values: ['ORDERS', 'ITEMS'] },
    });
    expect(scope.levels.map(show)).toEqual([['SALES'], ['PUBLIC'], ['ORDERS', 'ITEMS']]);
  });

  it('matches a wildcard level, case-insensitively as Ranger does for Snowflake', () => {
    const scope = scopeOf({
      database: { values: ['SALES'] },
      schema: { values: ['PUBLIC'] },
      table: { values: ['orders_*'] },
    });
    const tables = scope.levels[2]!;
    expect(tables.kind === 'match' && [tables.matches('ORDERS_2024'), tables.matches('CUSTOMERS')]).toEqual([
      true,
      false,
    ]);
  });

  it('matches everything but the listed names at an excluded level', () => {
    const scope = scopeOf({
      database: { values: ['SALES'] },
      schema: { values: ['PUBLIC'] },
      table: { values: ['SECRETS'], isExcludes: true },
    });
    const tables = scope.levels[2]!;
    expect(tables.kind === 'match' && [tables.matches('ORDERS'), tables.matches('SECRETS')]).toEqual([true, false]);
  });

  it('ends a pattern where its trailing `*` levels start: SALES.*.* is the database, SALES.PUBLIC.* the schema', () => {
    expect(
      scopeOf({ database: { values: ['SALES'] }, schema: { values: ['*'] }, table: { values: ['*'] } }).levels.map(
        show,
      ),
    ).toEqual([['SALES']]);
    expect(
      scopeOf({ database: { values: ['SALES'] }, schema: { values: ['PUBLIC'] }, table: { values: ['*'] } }).levels.map(
        show,
      ),
    ).toEqual([['SALES'], ['PUBLIC']]);
  });

  it('keeps the whole account as one matching level', () => {
    const scope = scopeOf({ database: { values: ['*'] }, schema: { values: ['*'] }, table: { values: ['*'] } });
    expect(scope.levels.map((r) => r.kind === 'match' && r.everything)).toEqual([true]);
  });

  it('gives a column pattern (a mask) its table, and an excluded `*` is not everything', () => {
    const masked = scopeOf({
      database: { values: ['SALES'] },
      schema: { values: ['PUBLIC'] },
      table: { values: ['CUSTOMERS'] },
      column: { values: ['EMAIL'] },
    });
    expect(masked.levels.map(show)).toEqual([['SALES'], ['PUBLIC'], ['CUSTOMERS']]);
    const excluded = scopeOf({
      database: { values: ['SALES'] },
      schema: { values: ['PUBLIC'] },
      table: { values: ['*'], isExcludes: true },
    });
    expect(excluded.levels).toHaveLength(3);
  });

  it('matches a level holding a macro instead of taking it as a name', () => {
    const scope = scopeOf({ database: { values: ['SALES'] }, schema: { values: ['{USER}'] } });
    expect(scope.levels[1]!.kind).toBe('match');
  });
});
