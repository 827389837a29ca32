import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DatabricksCatalog } from '../../dev/emulators/databricks/server.js';
import {
  type DatabricksMaskingRig,
  READERS,
  readAsUser,
  startDatabricksMaskingRig,
  syncDatabricksMasking,
  ucMask,
  ucRowFilter,
} from '../support/databricks-masking.js';
import { hostileCorpus } from '../support/hostile-expressions.js';

const [ANN, EVE] = READERS as [{ token: string; user: string }, { token: string; user: string }];
const TABLES = Array.from({ length: 12 }, (_, k) => `h${k}`);
const CORPUS = hostileCorpus(600);
const ROWS = [
  { id: 1, s: 'secret' },
  { id: 2, s: 'other' },
];

const catalog: DatabricksCatalog = {
  catalogs: [
    {
      name: 'main',
      owner: 'admin@example.com',
      schemas: [
        {
          name: 'hostile',
          tables: [
            ...TABLES.map((name) => ({
              name,
              columns: [
                { name: 'id', type: 'bigint' },
                { name: 's', type: 'string' },
              ],
              rows: ROWS,
            })),
            {
              name: 'widen',
              columns: [
                { name: 'id', type: 'bigint' },
                { name: 's', type: 'string' },
              ],
              rows: ROWS,
            },
            {
              name: 'inert',
              columns: [
                { name: 'a', type: 'string' },
                { name: 'b', type: 'string' },
                { name: 'c', type: 'string' },
              ],
              rows: [{ a: 'a', b: 'b', c: 'c' }],
            },
          ],
        },
      ],
    },
  ],
  principals: [
    { kind: 'user', name: 'ann@example.com' },
    { kind: 'user', name: 'eve@example.com' },
    { kind: 'group', name: 'analysts', members: ['ann@example.com'] },
    { kind: 'group', name: 'engineers', members: ['eve@example.com'] },
  ],
};

const inHostile = <P extends { resources: Record<string, { values: string[] }> }>(p: P): P => ({
  ...p,
  resources: { ...p.resources, schema: { values: ['hostile'] } },
});
const readers = {
  id: 100,
  name: 'readers',
  policyType: 0,
  isEnabled: true,
  resources: {
    catalog: { values: ['main'] },
    schema: { values: ['hostile'] },
    table: { values: ['*'] },
    column: { values: ['*'] },
  },
  policyItems: [{ accesses: [{ type: 'select', isAllowed: true }], groups: ['analysts', 'engineers'] }],
};
// Text that is hostile only inside a literal: it stays one expression and must run as written.
const INERT = { a: `"'; DROP TABLE main.hostile.h0; --"`, b: `concat('a;', "--b")`, c: "upper({col}) || ' /* x */'" };
const policies = [
  readers,
  // The corpus: expression k is a custom mask (k even) or a row filter (k odd) for analysts, on table h(k mod 12).
  ...CORPUS.map((e, k) =>
    inHostile(
      k % 2 === 0
        ? ucMask(1000 + k, TABLES[k % 12]!, 's', 'CUSTOM', ['analysts'], e)
        : ucRowFilter(1000 + k, TABLES[k % 12]!, e),
    ),
  ),
  // Well-formed policies beside them, which must still apply.
  inHostile(ucMask(1, 'h0', 's', 'MASK_NULL', ['engineers'])),
  inHostile(ucRowFilter(2, 'h1', 'id = 2', ['engineers'])),
  ...Object.entries(INERT).map(([column, e], k) =>
    inHostile(ucMask(3 + k, 'inert', column, 'CUSTOM', ['analysts'], e)),
  ),
  // An analysts' mask that ends the body and comments out the rest, engineers' mask from another policy included.
  inHostile(ucMask(900, 'widen', 's', 'CUSTOM', ['analysts'], 'val) ELSE val END --')),
  inHostile(ucMask(901, 'widen', 's', 'MASK_NULL', ['engineers'])),
];
const resources = [...TABLES, 'widen', 'inert'].map((table) => ({
  type: 'table',
  values: { catalog: 'main', schema: 'hostile', table },
}));

let rig: DatabricksMaskingRig;
let synced: Awaited<ReturnType<typeof syncDatabricksMasking>>;
beforeAll(async () => {
  rig = await startDatabricksMaskingRig(catalog, policies);
  synced = await syncDatabricksMasking(rig, resources);
}, 60_000);
afterAll(async () => {
  await rig.stop();
});

const log = () => rig.emulator.control.statements();
const tableRow = (table: string) => synced.rows.find((r) => r.ref.values.table === table)!;

describe(`Databricks: ${CORPUS.length} hostile mask and filter expressions through the real driver and the emulator`, () => {
  it('runs no statement beyond those the sync planned and reports', () => {
    expect(synced.rows.some((r) => r.result?.truncated)).toBe(false);
    const reported = synced.rows
      .flatMap((r) => r.result?.statements ?? [])
      .map((s) => s.sql)
      .sort();
    const ran = log()
      .filter((s) => !/^\s*(SELECT|SHOW|DESCRIBE)\b/i.test(s.sql))
      .map((s) => s.sql)
      .sort();
    expect(ran).toEqual(reported);
    expect(log().filter((s) => !s.ok)).toEqual([]);
  });

  it('sends no hostile text at all', () => {
    const sent = log().map((s) => s.sql);
    expect(CORPUS.filter((e) => sent.some((s) => s.includes(e)))).toEqual([]);
    for (const t of TABLES) expect(rig.emulator.metastore.table(['main', 'hostile', t])).toBeDefined();
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
    expect(await readAsUser(rig.emulator, ANN.token, 'SELECT id, s FROM main.hostile.h2')).toEqual([
      { id: '1', s: null },
      { id: '2', s: null },
    ]);
    expect(await readAsUser(rig.emulator, ANN.token, 'SELECT id FROM main.hostile.h3')).toEqual([]);
    expect(await readAsUser(rig.emulator, EVE.token, 'SELECT id, s FROM main.hostile.h3')).toEqual([
      { id: '1', s: 'secret' },
      { id: '2', s: 'other' },
    ]);
    expect(await readAsUser(rig.emulator, EVE.token, 'SELECT id, s FROM main.hostile.h0')).toEqual([
      { id: '1', s: null },
      { id: '2', s: null },
    ]);
    expect(await readAsUser(rig.emulator, EVE.token, 'SELECT id, s FROM main.hostile.h1')).toEqual([
      { id: '2', s: 'other' },
    ]);
  });

  it("never lets one policy's text comment out another policy's mask", async () => {
    expect(await readAsUser(rig.emulator, EVE.token, 'SELECT s FROM main.hostile.widen')).toEqual([
      { s: null },
      { s: null },
    ]);
    expect(await readAsUser(rig.emulator, ANN.token, 'SELECT s FROM main.hostile.widen')).toEqual([
      { s: null },
      { s: null },
    ]);
    expect(tableRow('widen').result!.warnings).toEqual([
      expect.stringMatching(/^policy 900: its custom mask expression was refused: "\)" at offset 3/),
    ]);
  });

  it('runs text that is hostile only inside a literal as the one expression it is', async () => {
    expect(tableRow('inert').result!.warnings).toEqual([]);
    expect(await readAsUser(rig.emulator, ANN.token, 'SELECT a, b, c FROM main.hostile.inert')).toEqual([
      { a: "'; DROP TABLE main.hostile.h0; --", b: 'a;--b', c: 'C /* x */' },
    ]);
  });
});
