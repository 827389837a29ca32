import fc from 'fast-check';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { quoteIdent, storedName } from '../../shared/connectors/snowflake/dialect.js';
import { type DatabricksRig, syncOnce as databricksSync, startDatabricksRig } from '../support/databricks-sync.js';
import { type SnowflakeRig, startSnowflakeRig, syncOnce } from '../support/snowflake-sync.js';

// Promise 5 (identifiers): names with quotes, backticks, semicolons, comments, Unicode and 255+ characters reach
// the warehouse only as quoted names or bindings. The emulators parse every statement the real drivers send; their
// statement logs and catalogs are the evidence. Each case is a full sync through the driver, hence the counts.
const EXISTING_RUNS = Number(process.env.RELIABILITY_IDENT_RUNS ?? 150);
const MISSING_RUNS = Number(process.env.RELIABILITY_IDENT_MISSING_RUNS ?? 150);

let sf: SnowflakeRig;
let dbx: DatabricksRig;
beforeAll(async () => {
  [sf, dbx] = await Promise.all([startSnowflakeRig(), startDatabricksRig()]);
}, 60_000);
afterAll(async () => {
  await sf?.stop();
  await dbx?.stop();
});
beforeEach(() => {
  sf.emulator.control.reset();
  dbx.emulator.control.reset();
});

const hostileIdentifier = fc
  .oneof(
    fc.constantFrom(
      'x"; DROP TABLE ORDERS; --',
      "o'brien",
      'a`b',
      '`; DROP SCHEMA PUBLIC; --',
      '/* c */',
      'x -- c',
      'a;b',
      '"',
      '""',
      '`',
      '\\',
      'Ω≈ç√',
      '表',
      '👩‍💻',
      '\u202e',
      'a\nb',
      '$$',
      "' OR '1'='1",
      'GRANT ALL',
      'x'.repeat(255),
      'y'.repeat(300),
      ')); REVOKE ALL; ((',
      '$1',
      '?',
      '${a}',
    ),
    fc.string({ unit: 'grapheme', minLength: 1, maxLength: 40 }),
    fc.string({ unit: 'grapheme-ascii', minLength: 250, maxLength: 300 }),
    fc
      .array(fc.constantFrom('"', '`', ';', '--', '/*', '*/', "'", '\\', ' ', 'DROP', 'x', '表', '\t'), {
        minLength: 1,
        maxLength: 12,
      })
      .map((p) => p.join('')),
  )
  .filter((n) => n.trim().length > 0 && !n.includes('\u0000'));

const READ_ONLY = /^\s*(SELECT|SHOW|DESCRIBE|DESC|USE)\b/i;
const WRITE = /^\s*(GRANT|REVOKE)\b/i;
const quoted = (name: string) => `"${name.replaceAll('"', '""')}"`;

describe('hostile identifiers reaching Snowflake', () => {
  it(`grants on ${EXISTING_RUNS} tables with hostile names by their quoted names only, and nothing else runs`, async () => {
    const schema = sf.emulator.account.schema('SALES', 'PUBLIC')!;
    await syncOnce(sf, [{ type: 'table', values: { database: 'SALES', schema: 'PUBLIC', table: 'ORDERS' } }]); // parents' USAGE in place
    const seen = new Set<string>();
    let statements = 0;
    // Control characters are refused at intake (SKIPPED: "contains control characters"); the missing-name property covers them.
    await fc.assert(
      fc.asyncProperty(
        hostileIdentifier.filter((n) => !/[\u0000-\u001f\u007f-\u009f]/.test(n)),
        async (name) => {
          if (seen.has(name) || sf.emulator.account.table('SALES', 'PUBLIC', name)) return;
          seen.add(name);
          sf.emulator.account.addTable(schema, {
            kind: 'TABLE',
            name,
            columns: [{ name: 'ID', type: 'NUMBER', nullable: true, comment: null }],
            comment: null,
            text: null,
          } as never);
          const isTheTable = (g: { on: { type: string; path: readonly string[] } }) =>
            g.on.type === 'TABLE' && g.on.path.length === 3 && g.on.path[2] === name;
          const others = () =>
            sf.emulator.account
              .grantRecords((g) => !isTheTable(g))
              .map((g) => `${g.privilege} ${g.on.type} ${g.on.path.join('.')} ${g.grantee}`)
              .sort();
          const before = others();
          sf.emulator.control.reset();
          // A caller names a table exactly by quoting it, as Snowflake reads identifiers.
          const { header, rows } = await syncOnce(sf, [
            { type: 'table', values: { database: 'SALES', schema: 'PUBLIC', table: quoted(name) } },
          ]);
          expect(header.status, rows[0]?.message).toBe('SUCCESS');
          const log = sf.emulator.control.statements();
          statements += log.length;
          for (const s of log) {
            expect(s.ok, `${s.sql} -> ${s.error}`).toBe(true);
            expect(READ_ONLY.test(s.sql) || WRITE.test(s.sql), s.sql).toBe(true);
            if (WRITE.test(s.sql) && / ON TABLE /.test(s.sql))
              expect(s.sql).toContain(`ON TABLE "SALES"."PUBLIC".${quoted(name)} `);
            if (READ_ONLY.test(s.sql)) expect(s.sql).not.toContain(name.length > 3 ? name : '\u0000'); // the name went as a binding
          }
          const onTable = sf.emulator.account.grantRecords(isTheTable).map((g) => `${g.privilege} ${g.grantee}`);
          expect(onTable).toContain('SELECT ANALYST');
          // Nothing else in the account changed: no injected statement ran.
          expect(others()).toEqual(before);
          expect(sf.emulator.account.table('SALES', 'PUBLIC', 'ORDERS')).toBeDefined();
        },
      ),
      { numRuns: EXISTING_RUNS, endOnFailure: true },
    );
    console.log(`Snowflake: ${seen.size} hostile table names synced, ${statements} statements checked`);
  }, 120_000);

  it(`skips ${MISSING_RUNS} hostile names that name nothing, sending them only as bindings and writing nothing`, async () => {
    await fc.assert(
      fc.asyncProperty(hostileIdentifier, fc.boolean(), async (name, asQuoted) => {
        sf.emulator.control.reset();
        const table = asQuoted ? quoted(`missing ${name}`) : `missing ${name}`;
        const { header } = await syncOnce(sf, [
          { type: 'table', values: { database: 'SALES', schema: 'PUBLIC', table } },
        ]);
        expect(header.status).toBe('SKIPPED');
        const probe = `SHOW GRANTS ON TABLE "SALES"."PUBLIC".${quoteIdent(storedName(table))}`;
        for (const s of sf.emulator.control.statements()) {
          expect(WRITE.test(s.sql), s.sql).toBe(false);
          // The one statement that names the table is SHOW GRANTS (it takes no bindings), with the name quoted by
          // the dialect; Snowflake answers it as for a missing table, never with a syntax error.
          if (s.sql.includes('missing ')) {
            expect(s.sql).toBe(probe);
            expect(s.error ?? '').toContain('does not exist or not authorized');
          }
        }
      }),
      { numRuns: MISSING_RUNS, endOnFailure: true },
    );
  }, 120_000);
});

describe('hostile identifiers reaching Databricks', () => {
  it(`skips ${MISSING_RUNS} hostile names that name nothing, with every name backquoted or bound, and writes nothing`, async () => {
    let statements = 0;
    await fc.assert(
      fc.asyncProperty(hostileIdentifier, async (name) => {
        dbx.emulator.control.reset();
        const { header } = await databricksSync(dbx, [
          { type: 'table', values: { catalog: 'main', schema: 'sales', table: `missing ${name}` } },
        ]);
        expect(header.status).toBe('SKIPPED');
        const log = dbx.emulator.control.statements();
        statements += log.length;
        for (const s of log) {
          expect(WRITE.test(s.sql), s.sql).toBe(false);
          // A statement that names the table quotes it (lower case, as Unity Catalog stores names) with doubled
          // backticks, or carries it as a parameter.
          if (s.sql.includes('missing '))
            expect(s.sql).toContain(`\`${`missing ${name}`.toLowerCase().replaceAll('`', '``')}\``);
          if (!s.ok) expect(s.error ?? '').not.toMatch(/PARSE_SYNTAX_ERROR|syntax/i);
        }
      }),
      { numRuns: MISSING_RUNS, endOnFailure: true },
    );
    console.log(`Databricks: ${MISSING_RUNS} hostile names, ${statements} statements checked`);
  }, 120_000);

  it('grants on a real table while a hostile name sits beside it in the same request, touching only the real one', async () => {
    const { rows } = await databricksSync(dbx, [
      { type: 'table', values: { catalog: 'main', schema: 'sales', table: 'x`; DROP TABLE main.sales.orders; --' } },
      { type: 'table', values: { catalog: 'main', schema: 'sales', table: 'orders' } },
    ]);
    expect(rows.map((r) => r.status)).toEqual(['SKIPPED', 'SUCCESS']);
    expect(dbx.emulator.control.statements().some((s) => /^\s*DROP/i.test(s.sql))).toBe(false);
    expect(dbx.emulator.metastore.table(['main', 'sales', 'orders'])).toBeDefined();
  });
});
