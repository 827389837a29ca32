import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SnowflakeCatalog } from '../../dev/emulators/snowflake/seed.js';
import { hostileCorpus } from '../support/hostile-expressions.js';
import {
  type MaskingRig,
  maskPolicy,
  readAs,
  rowFilterPolicy,
  startMaskingRig,
  syncMasking,
} from '../support/snowflake-masking.js';

const TABLES = Array.from({ length: 12 }, (_, k) => `H${k}`);
const CORPUS = hostileCorpus(600);
const ROWS = [
  { ID: 1, S: 'secret' },
  { ID: 2, S: 'other' },
];

const catalog: SnowflakeCatalog = {
  databases: [
    {
      name: 'SALES',
      schemas: [
        {
          name: 'HOSTILE',
          tables: [
            ...TABLES.map((name) => ({
              name,
              columns: [
                { name: 'ID', type: 'NUMBER(38,0)' },
                { name: 'S', type: 'VARCHAR(100)' },
              ],
              rows: ROWS,
            })),
            {
              name: 'INJECT',
              columns: [
                { name: 'ID', type: 'NUMBER(38,0)' },
                { name: 'S', type: 'VARCHAR(100)' },
              ],
              rows: ROWS,
            },
            {
              name: 'INERT',
              columns: [
                { name: 'A', type: 'VARCHAR(100)' },
                { name: 'B', type: 'VARCHAR(100)' },
                { name: 'C', type: 'VARCHAR(100)' },
              ],
              rows: [{ A: 'a', B: 'b', C: 'c' }],
            },
          ],
        },
      ],
    },
  ],
  roles: [{ name: 'ANALYST' }, { name: 'ENGINEER' }, { name: 'STEWARD' }],
};

const on = <P extends { resources: Record<string, { values: string[] }> }>(p: P): P => ({
  ...p,
  resources: { ...p.resources, schema: { values: ['HOSTILE'] } },
});
const readers = {
  id: 100,
  name: 'readers',
  policyType: 0,
  isEnabled: true,
  resources: {
    database: { values: ['SALES'] },
    schema: { values: ['HOSTILE'] },
    table: { values: ['*'] },
    column: { values: ['*'] },
  },
  policyItems: [{ accesses: [{ type: 'select', isAllowed: true }], roles: ['analyst', 'engineer', 'steward'] }],
};
// Text that is hostile only inside a literal: it stays one expression and must run as written.
const INERT = {
  A: "'; DROP TABLE SALES.HOSTILE.H0; --'",
  B: "$$') ELSE val END; GRANT ROLE ACCOUNTADMIN TO ROLE PUBLIC; --$$",
  C: "UPPER({col}) || ' -- ' || '//'",
};
const policies = [
  readers,
  // The corpus: expression k is a custom mask (k even) or a row filter (k odd) for analyst, on table H(k mod 12).
  ...CORPUS.map((e, k) =>
    on(
      k % 2 === 0
        ? maskPolicy(1000 + k, TABLES[k % 12]!, 'S', 'CUSTOM', ['analyst'], e)
        : rowFilterPolicy(1000 + k, TABLES[k % 12]!, e),
    ),
  ),
  // Well-formed policies beside them, which must still apply.
  on(maskPolicy(1, 'H0', 'S', 'MASK_NULL', ['engineer'])),
  on(rowFilterPolicy(2, 'H1', 'ID = 2', ['engineer'])),
  ...Object.entries(INERT).map(([column, e], k) => on(maskPolicy(3 + k, 'INERT', column, 'CUSTOM', ['analyst'], e))),
  // One clean injection on its own table: it ends the body, runs a GRANT, and opens a decoy policy whose body
  // takes up the rest, so that the script around it stays valid.
  on(
    rowFilterPolicy(
      900,
      'INJECT',
      'ID > 0) ELSE TRUE END; GRANT ROLE ACCOUNTADMIN TO ROLE PUBLIC; ' +
        'CREATE ROW ACCESS POLICY SALES.POLICYSYNC_GOVERNANCE.DECOY AS (A NUMBER) RETURNS BOOLEAN -> CASE WHEN TRUE THEN (TRUE',
    ),
  ),
];
const resources = [...TABLES, 'INJECT', 'INERT'].map((table) => ({
  type: 'table',
  values: { database: 'SALES', schema: 'HOSTILE', table },
}));

let rig: MaskingRig;
let synced: Awaited<ReturnType<typeof syncMasking>>;
const grantsBefore = new Set<string>();
beforeAll(async () => {
  rig = await startMaskingRig(catalog, policies);
  for (const g of rig.emulator.account.grants()) grantsBefore.add(JSON.stringify(g));
  synced = await syncMasking(rig, resources);
}, 60_000);
afterAll(async () => {
  await rig.stop();
});

const log = () => rig.emulator.control.statements();
const tableRow = (table: string) => synced.rows.find((r) => r.ref.values.table === table)!;

describe(`Snowflake: ${CORPUS.length} hostile mask and filter expressions through the real driver and the emulator`, () => {
  it('runs no statement beyond those the sync planned and reports', () => {
    expect(synced.rows.some((r) => r.result?.truncated)).toBe(false);
    const reported = synced.rows
      .flatMap((r) => r.result?.statements ?? [])
      .map((s) => s.sql)
      .sort();
    const ran = log()
      .filter((s) => !/^\s*(SELECT|SHOW)\b/i.test(s.sql))
      .map((s) => s.sql)
      .sort();
    expect(ran).toEqual(reported);
  });

  it('never sends policy text inside a multi-statement script', () => {
    const policyDdl = log().filter((s) => /^\s*(CREATE|ALTER) (MASKING|ROW ACCESS) POLICY/i.test(s.sql));
    expect(policyDdl.length).toBeGreaterThan(0);
    expect(policyDdl.filter((s) => s.script !== undefined)).toEqual([]);
  });

  it('sends no hostile text at all, and the account keeps its tables and gains only the planned grants', () => {
    const sent = log().map((s) => `${s.sql}\n${s.script ?? ''}`);
    expect(CORPUS.filter((e) => sent.some((s) => s.includes(e)))).toEqual([]);
    for (const t of TABLES) expect(rig.emulator.account.table('SALES', 'HOSTILE', t)).toBeDefined();
    const added = rig.emulator.account.grants().filter((g) => !grantsBefore.has(JSON.stringify(g)));
    expect(added.length).toBeGreaterThan(0);
    const ours = (g: (typeof added)[number]) =>
      ['ANALYST', 'ENGINEER', 'STEWARD'].includes(g.to) ||
      (g.privilege === 'OWNERSHIP' && g.on.name === 'SALES.POLICYSYNC_GOVERNANCE'); // the governance schema the sync made
    expect(added.filter((g) => !ours(g))).toEqual([]);
  });

  it('reports every refused policy by id and why, and applies the rest of each resource', () => {
    expect(synced.header.status, synced.rows.map((r) => r.message).join('\n')).toBe('SUCCESS');
    CORPUS.forEach((_, k) => {
      const warnings = tableRow(TABLES[k % 12]!).result!.warnings;
      expect(
        warnings.some((w) =>
          w.startsWith(
            `policy ${1000 + k}: its ${k % 2 === 0 ? 'custom mask' : 'row-filter'} expression was refused: `,
          ),
        ),
        `policy ${1000 + k}`,
      ).toBe(true);
    });
  });

  it('fails closed for the readers the refused policies name and leaves everyone else as the policies say', async () => {
    expect(await readAs(rig.emulator, 'ANALYST', 'SELECT ID, S FROM SALES.HOSTILE.H2 ORDER BY ID')).toEqual([
      { ID: 1, S: null },
      { ID: 2, S: null },
    ]);
    expect(await readAs(rig.emulator, 'ANALYST', 'SELECT ID FROM SALES.HOSTILE.H3')).toEqual([]);
    expect(await readAs(rig.emulator, 'STEWARD', 'SELECT ID, S FROM SALES.HOSTILE.H3 ORDER BY ID')).toEqual(ROWS);
    expect(await readAs(rig.emulator, 'ENGINEER', 'SELECT ID, S FROM SALES.HOSTILE.H0 ORDER BY ID')).toEqual([
      { ID: 1, S: null },
      { ID: 2, S: null },
    ]);
    expect(await readAs(rig.emulator, 'ENGINEER', 'SELECT ID, S FROM SALES.HOSTILE.H1 ORDER BY ID')).toEqual([
      { ID: 2, S: 'other' },
    ]);
  });

  it('never runs a statement smuggled in after a body closed early', async () => {
    expect(log().filter((s) => /^\s*GRANT ROLE ACCOUNTADMIN|DECOY/i.test(s.sql))).toEqual([]);
    expect(tableRow('INJECT').result!.warnings).toEqual([
      expect.stringMatching(/^policy 900: its row-filter expression was refused: "\)" at offset 6/),
    ]);
    expect(await readAs(rig.emulator, 'ANALYST', 'SELECT ID FROM SALES.HOSTILE.INJECT')).toEqual([]);
  });

  it('runs text that is hostile only inside a literal as the one expression it is', async () => {
    expect(tableRow('INERT').result!.warnings).toEqual([]);
    expect(await readAs(rig.emulator, 'ANALYST', 'SELECT A, B, C FROM SALES.HOSTILE.INERT')).toEqual([
      {
        A: '; DROP TABLE SALES.HOSTILE.H0; --',
        B: "') ELSE val END; GRANT ROLE ACCOUNTADMIN TO ROLE PUBLIC; --",
        C: 'C -- //',
      },
    ]);
  });
});
