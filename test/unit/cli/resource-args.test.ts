import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CliError } from '../../../cli/cli-error.js';
import { parseResources, resolveKind, resourceLabel, splitName } from '../../../cli/resource-args.js';
import { storedName as databricksName } from '../../../shared/connectors/databricks/dialect.js';
import { storedName as snowflakeName } from '../../../shared/connectors/snowflake/dialect.js';

const usageError = (fn: () => unknown) => {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(CliError);
    expect((err as CliError).code).toBe('USAGE');
    return (err as CliError).message;
  }
  throw new Error('expected a usage error');
};

describe('resources as users write them', () => {
  it.each([
    [
      ['table', 'SALES.PUBLIC.ORDERS'],
      { type: 'table', values: { database: 'SALES', schema: 'PUBLIC', table: 'ORDERS' } },
    ],
    [['schema', 'SALES.PUBLIC'], { type: 'schema', values: { database: 'SALES', schema: 'PUBLIC' } }],
    [['database', 'SALES'], { type: 'database', values: { database: 'SALES' } }],
    [
      ['view', 'SALES.PUBLIC.ORDERS_BY_COUNTRY'],
      { type: 'view', values: { database: 'SALES', schema: 'PUBLIC', table: 'ORDERS_BY_COUNTRY' } },
    ],
    [
      ['column', 'SALES.PUBLIC.ORDERS.AMOUNT'],
      { type: 'column', values: { database: 'SALES', schema: 'PUBLIC', table: 'ORDERS', column: 'AMOUNT' } },
    ],
    [
      ['TABLE', 'sales.public.orders'],
      { type: 'table', values: { database: 'sales', schema: 'public', table: 'orders' } },
    ],
    [
      ['table SALES.PUBLIC.ORDERS'],
      { type: 'table', values: { database: 'SALES', schema: 'PUBLIC', table: 'ORDERS' } },
    ],
  ])('reads %j for Snowflake', (args, ref) => {
    expect(parseResources(args, 'snowflake')).toEqual([ref]);
  });

  it.each([
    [['catalog', 'main'], { type: 'catalog', values: { catalog: 'main' } }],
    [['schema', 'main.sales'], { type: 'schema', values: { catalog: 'main', schema: 'sales' } }],
    [['table', 'main.sales.orders'], { type: 'table', values: { catalog: 'main', schema: 'sales', table: 'orders' } }],
    [['view', 'main.sales.v'], { type: 'view', values: { catalog: 'main', schema: 'sales', table: 'v' } }],
  ])('reads %j for Databricks Unity Catalog', (args, ref) => {
    expect(parseResources(args, 'databricks_unity_catalog')).toEqual([ref]);
  });

  it('reads several resources in order, pairs and single arguments mixed', () => {
    const refs = parseResources(
      ['table', 'SALES.PUBLIC.ORDERS', 'schema SALES.FINANCE', 'database', 'SALES'],
      'snowflake',
    );
    expect(refs.map(resourceLabel)).toEqual(['table SALES.PUBLIC.ORDERS', 'schema SALES.FINANCE', 'database SALES']);
  });

  it('keeps the double quotes of a quoted part so Snowflake reads the name exactly', () => {
    expect(parseResources(['table', 'SALES.PUBLIC."Order Items"'], 'snowflake')[0]!.values.table).toBe('"Order Items"');
    expect(snowflakeName('"Order Items"')).toBe('Order Items');
  });

  it('takes a dot inside quotes as part of the name', () => {
    expect(splitName('SALES."my.schema".T', 'snowflake')).toEqual(['SALES', '"my.schema"', 'T']);
  });

  it('reads "" inside quotes as one quote, and passes it on doubled', () => {
    expect(splitName('SALES.PUBLIC."say ""hi"""', 'snowflake')).toEqual(['SALES', 'PUBLIC', '"say ""hi"""']);
    expect(snowflakeName('"say ""hi"""')).toBe('say "hi"');
  });

  it('quotes every part when each is quoted, and drops blanks around dots', () => {
    expect(splitName('"SALES"."PUBLIC"."orders"', 'snowflake')).toEqual(['"SALES"', '"PUBLIC"', '"orders"']);
    expect(splitName('SALES . "PUBLIC" . ORDERS', 'snowflake')).toEqual(['SALES', '"PUBLIC"', 'ORDERS']);
  });

  it('sends Databricks quoted parts in backticks, whether written in backticks or double quotes', () => {
    expect(splitName('main.`my schema`.t', 'databricks_unity_catalog')).toEqual(['main', '`my schema`', 't']);
    expect(splitName('main."a.b".t', 'databricks_unity_catalog')).toEqual(['main', '`a.b`', 't']);
    expect(splitName('main.`odd``name`.t', 'databricks_unity_catalog')).toEqual(['main', '`odd``name`', 't']);
    expect(databricksName('`odd``name`')).toBe('odd`name');
  });

  it('leaves a backtick alone in a Snowflake name', () => {
    expect(splitName('SALES.PUBLIC.a`b', 'snowflake')).toEqual(['SALES', 'PUBLIC', 'a`b']);
  });

  it('round-trips any Snowflake name: quoted parts reach the service as names Snowflake reads exactly', () => {
    const part = fc.string({ minLength: 1, maxLength: 12 }).filter((s) => !/[\u0000-\u001f]/.test(s));
    fc.assert(
      fc.property(fc.array(part, { minLength: 1, maxLength: 4 }), (names) => {
        const written = names.map((n) => `"${n.replaceAll('"', '""')}"`).join('.');
        expect(splitName(written, 'snowflake').map(snowflakeName)).toEqual(names);
      }),
    );
  });

  it('round-trips any Databricks name written in backticks', () => {
    const part = fc.string({ minLength: 1, maxLength: 12 }).filter((s) => !/[\u0000-\u001f]/.test(s));
    fc.assert(
      fc.property(fc.array(part, { minLength: 1, maxLength: 3 }), (names) => {
        const written = names.map((n) => `\`${n.replaceAll('`', '``')}\``).join('.');
        expect(splitName(written, 'databricks_unity_catalog').map(databricksName)).toEqual(
          names.map((n) => n.toLowerCase()),
        );
      }),
    );
  });

  it('labels a resource in the form it was written, quotes and all', () => {
    const [ref] = parseResources(['table', 'SALES.PUBLIC."Order Items"'], 'snowflake');
    expect(resourceLabel(ref!)).toBe('table SALES.PUBLIC."Order Items"');
    expect(parseResources([resourceLabel(ref!)], 'snowflake')).toEqual([ref]);
  });
});

describe('mistakes in resource arguments', () => {
  it.each([
    [['table', 'SALES.PUBLIC."Order Items'], /unterminated "/],
    [['table', 'SALES..ORDERS'], /empty part/],
    [['table', 'SALES.PUBLIC.'], /ends with a dot/],
    [['table', 'SALES.PUB"LIC.ORDERS'], /a " inside the unquoted part 'PUB"LIC'.*"PUB""LIC"/],
    [['table', 'SALES."PUB"LIC.ORDERS'], /'LIC.ORDERS' follows a quoted part/],
    [['table', 'SALES.PUBLIC.""'], /empty quoted part/],
    [['table', 'SALES.ORDERS'], /table needs database\.schema\.table, but 'SALES\.ORDERS' has 2 parts/],
    [['column', 'SALES.PUBLIC.ORDERS'], /column needs database\.schema\.table\.column/],
    [['warehouse', 'WH'], /expected a resource type \(database, schema, table, view, column\) before 'warehouse'/],
    [['table'], /'table' needs a name after it, like table SALES\.PUBLIC\.ORDERS/],
    [[], /name at least one resource/],
    [['catalog', 'main'], /'catalog' is a databricks_unity_catalog resource.*--kind databricks_unity_catalog/],
  ])('refuses %j for Snowflake with a message that says what to write', (args, message) => {
    expect(usageError(() => parseResources(args, 'snowflake'))).toMatch(message);
  });

  it('points a Databricks user at --kind snowflake for a database', () => {
    expect(usageError(() => parseResources(['database', 'SALES'], 'databricks_unity_catalog'))).toMatch(
      /'database' is a snowflake resource.*--kind snowflake/,
    );
  });
});

describe('connector kind', () => {
  it('takes --kind over POLICYSYNC_KIND over snowflake', () => {
    expect(resolveKind('databricks_unity_catalog', { POLICYSYNC_KIND: 'snowflake' })).toBe('databricks_unity_catalog');
    expect(resolveKind(undefined, { POLICYSYNC_KIND: 'databricks_unity_catalog' })).toBe('databricks_unity_catalog');
    expect(resolveKind(undefined, {})).toBe('snowflake');
    expect(resolveKind(undefined, { POLICYSYNC_KIND: ' ' })).toBe('snowflake');
  });

  it('accepts the seed spellings of Databricks and refuses others', () => {
    expect(resolveKind('databricks', {})).toBe('databricks_unity_catalog');
    expect(usageError(() => resolveKind(undefined, { POLICYSYNC_KIND: 'oracle' }))).toMatch(
      /unknown connector kind 'oracle' \(POLICYSYNC_KIND\)/,
    );
  });
});
