import { describe, expect, it } from 'vitest';
import { serviceDefFromRanger, snowflakeServiceDef } from '../../../shared/policy/index.js';
import { matchType } from '../../../shared/policy/match.js';
import { wildcardMatches } from '../../../shared/policy/wildcard.js';
import { policy, sf } from './fixtures.js';

const resources = (r: Record<string, string[] | { values: string[]; isExcludes?: boolean; isRecursive?: boolean }>) =>
  policy({
    resources: Object.fromEntries(Object.entries(r).map(([k, v]) => [k, Array.isArray(v) ? { values: v } : v])),
  }).resources;
const match = (r: Parameters<typeof resources>[0], request: Record<string, string>) =>
  matchType(resources(r), request, snowflakeServiceDef, { kind: 'literal' });

describe('wildcards', () => {
  it('matches whole values with * and ?', () => {
    const opts = { ignoreCase: false, wildcard: true };
    expect(wildcardMatches('ORD*', 'ORDERS', opts)).toBe(true);
    expect(wildcardMatches('ORD*', 'MY_ORDERS', opts)).toBe(false);
    expect(wildcardMatches('T?', 'T1', opts)).toBe(true);
    expect(wildcardMatches('T?', 'T12', opts)).toBe(false);
    expect(wildcardMatches('a.b', 'axb', opts)).toBe(false);
  });

  it('ignores case only when the definition says so', () => {
    expect(wildcardMatches('sales', 'SALES', { ignoreCase: true, wildcard: true })).toBe(true);
    expect(wildcardMatches('sales', 'SALES', { ignoreCase: false, wildcard: true })).toBe(false);
  });
});

describe('resource match types', () => {
  it('a policy on SALES.*.* covers the database itself and everything below it', () => {
    expect(match({ database: ['SALES'], schema: ['*'], table: ['*'] }, sf('sales'))).toBe('SELF_AND_ALL_DESCENDANTS');
    expect(match({ database: ['SALES'], schema: ['*'], table: ['*'] }, sf('SALES', 'PUBLIC', 'ORDERS'))).toBe('SELF');
  });

  it('a policy on one schema is only a descendant of its database', () => {
    expect(match({ database: ['SALES'], schema: ['PUBLIC'], table: ['*'] }, sf('SALES'))).toBe('DESCENDANT');
  });

  it('a database-only policy is an ancestor of the tables below it, not a match for them', () => {
    expect(match({ database: ['SALES'] }, sf('SALES', 'PUBLIC', 'ORDERS'))).toBe('ANCESTOR');
  });

  it('isExcludes covers every value except those listed', () => {
    expect(match({ database: ['SALES'], schema: { values: ['TMP*'], isExcludes: true } }, sf('SALES', 'PUBLIC'))).toBe(
      'SELF',
    );
    expect(match({ database: ['SALES'], schema: { values: ['TMP*'], isExcludes: true } }, sf('SALES', 'TMP_1'))).toBe(
      'NONE',
    );
  });

  it('a request that skips a level matches nothing', () => {
    expect(match({ database: ['SALES'], schema: ['*'], table: ['*'] }, { database: 'SALES', table: 'ORDERS' })).toBe(
      'NONE',
    );
  });

  it('recursive path values cover everything below them when the resource supports recursion', () => {
    const def = serviceDefFromRanger({
      name: 'fs',
      resources: [{ name: 'path', level: 1, recursiveSupported: true }],
      accessTypes: [{ name: 'read' }],
    });
    const r = resources({ path: { values: ['/data/sales'], isRecursive: true } });
    expect(matchType(r, { path: '/data/sales/2024/q1.csv' }, def, { kind: 'literal' })).toBe('SELF');
    expect(matchType(r, { path: '/data/salesforce' }, def, { kind: 'literal' })).toBe('NONE');
  });
});
