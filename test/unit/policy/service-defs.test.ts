import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  databricksServiceDef,
  PolicyError,
  serviceDefFromRanger,
  snowflakeServiceDef,
} from '../../../shared/policy/index.js';
import { resourceHierarchies } from '../../../shared/policy/service-defs.js';

const data = (file: string) =>
  JSON.parse(readFileSync(new URL(`../../conformance/ranger-data/${file}`, import.meta.url), 'utf8'));

describe('service definitions', () => {
  it('Snowflake is database > schema > table > column, case-insensitive', () => {
    expect(resourceHierarchies(snowflakeServiceDef)).toEqual([['database', 'schema', 'table', 'column']]);
    expect(snowflakeServiceDef.resources.every((r) => r.ignoreCase)).toBe(true);
    expect(snowflakeServiceDef.accessTypes.find((a) => a.name === 'all')?.impliedGrants).not.toContain('ownership');
  });

  it('Databricks Unity Catalog is catalog > schema > table > column, with function, volume and model beside the table', () => {
    expect(resourceHierarchies(databricksServiceDef)).toEqual([
      ['catalog', 'schema', 'table', 'column'],
      ['catalog', 'schema', 'function'],
      ['catalog', 'schema', 'volume'],
      ['catalog', 'schema', 'model'],
    ]);
    expect(databricksServiceDef.accessTypes.map((a) => a.name)).toEqual(
      expect.arrayContaining(['use_catalog', 'use_schema', 'select', 'all_privileges']),
    );
  });

  it('reads the Hive definition Ranger ships, with every hierarchy and string-valued matcher options', () => {
    const hive = serviceDefFromRanger(data('hive-policies.json').serviceDef);
    expect(resourceHierarchies(hive)).toEqual(
      expect.arrayContaining([['database', 'table', 'column'], ['database', 'udf'], ['url']]),
    );
    expect(hive.resources.find((r) => r.name === 'hiveservice')?.ignoreCase).toBe(false);
    expect(hive.resources.find((r) => r.name === 'database')?.ignoreCase).toBe(true);
  });

  it('reads the Trino definition: catalog > schema > table > column among others', () => {
    const trino = serviceDefFromRanger(data('trino-policies.json').serviceDef);
    expect(resourceHierarchies(trino)).toContainEqual(['catalog', 'schema', 'table', 'column']);
  });

  it('rejects something that is not a service definition', () => {
    expect(() => serviceDefFromRanger({ name: 'x' })).toThrow(PolicyError);
  });
});
