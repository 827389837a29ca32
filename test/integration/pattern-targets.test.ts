import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { ResourcePattern } from '../../shared/policy/policy-diff.js';
import { attributedTargets, patternTargets } from '../../shared/sync/pattern-targets.js';
import { type DatabricksRig, startDatabricksRig } from '../support/databricks-sync.js';
import { type SnowflakeRig, startSnowflakeRig } from '../support/snowflake-sync.js';

let sf: SnowflakeRig;
let dbx: DatabricksRig;
beforeAll(async () => {
  [sf, dbx] = await Promise.all([startSnowflakeRig(), startDatabricksRig()]);
});
afterAll(async () => {
  await Promise.all([sf?.stop(), dbx?.stop()]);
});
beforeEach(() => {
  sf.emulator.control.reset();
  dbx.emulator.control.reset();
});

const pattern = (values: Record<string, string[]>, excluded: string[] = []): ResourcePattern =>
  Object.fromEntries(
    Object.entries(values).map(([k, v]) => [k, { values: v, isExcludes: excluded.includes(k), isRecursive: false }]),
  );
const uc = (catalog: string[], schema?: string[], table?: string[], excluded: string[] = []) =>
  pattern({ catalog, ...(schema ? { schema } : {}), ...(table ? { table } : {}) }, excluded);
const dbxTargets = async (...patterns: ResourcePattern[]) =>
  (await patternTargets(patterns, dbx.connector, dbx.deps.profile)).map(
    (r) => `${r.type} ${Object.values(r.values).join('.')}`,
  );
const dbxReads = () => dbx.emulator.control.statements().map((s) => s.sql);

describe('patternTargets through the real drivers', () => {
  it('takes names a Unity Catalog pattern spells out without asking the workspace anything', async () => {
    expect(await dbxTargets(uc(['main'], ['sales'], ['orders', 'customers']))).toEqual([
      'table main.sales.orders',
      'table main.sales.customers',
    ]);
    expect(dbxReads()).toEqual([]);
  });

  it('lists one schema for a table wildcard, and keeps what matches', async () => {
    expect(await dbxTargets(uc(['main'], ['sales'], ['orders*']))).toEqual([
      'table `main`.`sales`.`orders`',
      'table `main`.`sales`.`orders_v`',
    ]);
    expect(dbxReads()).toEqual([
      'SELECT table_schema, table_name FROM system.information_schema.tables WHERE table_catalog = :catalog AND table_schema = :schema ORDER BY table_name',
    ]);
  });

  it('reads a catalog’s tables once for a table name under a schema wildcard, never its schemas one by one', async () => {
    expect(await dbxTargets(uc(['main'], ['*'], ['temp_load']))).toEqual(['table `main`.`sales`.`temp_load`']);
    expect(dbxReads()).toEqual([
      'SELECT table_schema, table_name FROM system.information_schema.tables WHERE table_catalog = :catalog',
    ]);
  });

  it('gives schemas for an excluded schema level whose tables are all covered', async () => {
    expect(await dbxTargets(uc(['main'], ['sales'], ['*'], ['schema']))).toEqual(['schema `main`.`finance`']);
    expect(dbxReads()).toHaveLength(1);
  });

  it('gives a whole catalog as one target, and the account as every catalog, listed once for two patterns', async () => {
    expect(await dbxTargets(uc(['main'], ['*'], ['*']))).toEqual(['catalog main']);
    expect(await dbxTargets(uc(['*'], ['*'], ['*']), uc(['h*']))).toEqual([
      'catalog `hr`',
      'catalog `lab`',
      'catalog `main`',
    ]);
    expect(dbxReads()).toEqual(['SHOW CATALOGS']);
  });

  it('leaves an object to its container’s sync when both are targets', async () => {
    expect(await dbxTargets(uc(['main'], ['sales']), uc(['main'], ['sales'], ['orders']))).toEqual([
      'schema main.sales',
    ]);
  });

  it('names, for each target, the causes whose patterns reach it or an object inside it', async () => {
    const targets = await attributedTargets(
      [
        { cause: 'A', patterns: [uc(['main'], ['sales'], ['orders'])] },
        { cause: 'B', patterns: [uc(['main'], ['finance'], ['invoices'])] },
        { cause: 'C', patterns: [uc(['main'], ['sales'], ['*'])] },
      ],
      dbx.connector,
      dbx.deps.profile,
    );
    expect(new Map(targets.map((t) => [Object.values(t.ref.values).join('.'), t.causes.sort()]))).toEqual(
      new Map([
        ['main.sales', ['A', 'C']],
        ['main.finance.invoices', ['B']],
      ]),
    );
  });

  it('finds nothing in a catalog that does not exist, rather than failing the expansion', async () => {
    expect(await dbxTargets(uc(['nope'], ['*'], ['x*']))).toEqual([]);
  });

  it('lists a Snowflake schema’s tables in one statement, names quoted to read back exactly', async () => {
    const targets = await patternTargets(
      [pattern({ database: ['SALES'], schema: ['PUBLIC'], table: ['x*', 'Y'] })],
      sf.connector,
      sf.deps.profile,
    );
    expect(targets.map((t) => t.values.table)).toEqual(['"x""; DROP TABLE y; --"', '"y"']);
    expect(sf.emulator.control.statements().map((s) => s.sql)).toEqual([
      'SELECT TABLE_SCHEMA, TABLE_NAME FROM "SALES".INFORMATION_SCHEMA.TABLES WHERE TABLE_SCHEMA = ? ORDER BY TABLE_NAME',
    ]);
  });
});
