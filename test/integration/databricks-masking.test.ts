import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DatabricksCatalog } from '../../dev/emulators/databricks/server.js';
import {
  type DatabricksMaskingRig,
  READERS,
  readAsUser,
  startDatabricksMaskingRig,
  syncDatabricksMasking,
  ucMask,
  ucMaskingConnector,
  ucRowFilter,
  ucTable,
} from '../support/databricks-masking.js';

const [ANN, EVE] = READERS as [{ token: string; user: string }, { token: string; user: string }];
const sha = (s: string) => createHash('sha256').update(s).digest('hex');

const catalog: DatabricksCatalog = {
  catalogs: [
    {
      name: 'main',
      owner: 'admin@example.com',
      schemas: [
        {
          name: 'masked',
          tables: [
            {
              name: 't_mask',
              columns: [
                { name: 'id', type: 'bigint' },
                { name: 's', type: 'string' },
                { name: 'n', type: 'bigint' },
                { name: 'd', type: 'date' },
              ],
              rows: [{ id: 1, s: 'Abc-1234567', n: 1234567, d: '2021-06-15' }],
            },
            {
              name: 't_misc',
              columns: [
                { name: 'id', type: 'bigint' },
                { name: 'card', type: 'string' },
                { name: 'email', type: 'string' },
                { name: 'born', type: 'date' },
                { name: 'ssn', type: 'string' },
              ],
              rows: [
                {
                  id: 1,
                  card: '4111-2222-3333-4444',
                  email: 'ann@example.com',
                  born: '1990-07-04',
                  ssn: '123-45-6789',
                },
              ],
            },
            {
              name: 'orders',
              columns: [
                { name: 'id', type: 'bigint' },
                { name: 'region', type: 'string' },
              ],
              rows: [
                { id: 1, region: 'EU' },
                { id: 2, region: 'US' },
                { id: 3, region: 'EU' },
              ],
            },
            {
              name: 'orders_v',
              kind: 'VIEW',
              columns: [
                { name: 'id', type: 'bigint' },
                { name: 'region', type: 'string' },
              ],
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

const policies = [
  ucMask(1, 't_mask', 's', 'MASK'),
  ucMask(2, 't_mask', 'n', 'MASK'),
  ucMask(3, 't_mask', 'd', 'MASK'),
  ucMask(4, 't_misc', 'card', 'MASK_SHOW_LAST_4'),
  ucMask(5, 't_misc', 'email', 'MASK_HASH'),
  ucMask(6, 't_misc', 'born', 'MASK_DATE_SHOW_YEAR'),
  ucMask(7, 't_misc', 'ssn', 'MASK_NULL'),
  ucRowFilter(8, 'orders', "region = 'EU'"),
  ucMask(9, 'orders_v', 'region', 'MASK'),
];

let rig: DatabricksMaskingRig;
beforeAll(async () => {
  rig = await startDatabricksMaskingRig(catalog, policies);
});
afterAll(async () => {
  await rig.stop();
});

const writes = () =>
  rig.emulator.control
    .statements()
    .map((s) => s.sql)
    .filter((s) => /^\s*(GRANT|REVOKE|CREATE|ALTER|DROP)/i.test(s));
/** A generated function name as SQL shows it: the readable head, then the SHA-256 of its exact target. */
const ours = (head: string) => `\`main\`\\.\`policysync_governance\`\\.\`${head}_[0-9a-f]{64}\``;

describe('Unity Catalog column masks and row filters from Ranger, through the real driver and the worker', () => {
  it('masks string, number and date columns for a member of the masked group and not for others', async () => {
    const { header, rows } = await syncDatabricksMasking(rig, [
      { type: 'schema', values: { catalog: 'main', schema: 'masked' } },
    ]);
    // The schema holds a view the masks cover, which Unity Catalog cannot mask: that one fails the resource (below).
    expect(header.status, rows[0]!.message).toBe('FAILED');
    expect(rows[0]!.message).toMatch(/could not be put in place on view main\.masked\.orders_v/);
    expect(await readAsUser(rig.emulator, ANN.token, 'SELECT s, n, d FROM main.masked.t_mask')).toEqual([
      { s: 'Xxx-nnnnnnn', n: '1111111', d: '0001-01-01' },
    ]);
    expect(await readAsUser(rig.emulator, EVE.token, 'SELECT s, n, d FROM main.masked.t_mask')).toEqual([
      { s: 'Abc-1234567', n: '1234567', d: '2021-06-15' },
    ]);
    expect(await readAsUser(rig.emulator, ANN.token, 'SELECT card, email, born, ssn FROM main.masked.t_misc')).toEqual([
      { card: 'xxxx-xxxx-xxxx-4444', email: sha('ann@example.com'), born: '1990-01-01', ssn: null },
    ]);
  });

  it('returns only matching rows to the filtered group', async () => {
    expect((await readAsUser(rig.emulator, ANN.token, 'SELECT id FROM main.masked.orders')).map((r) => r.id)).toEqual([
      '1',
      '3',
    ]);
    expect((await readAsUser(rig.emulator, EVE.token, 'SELECT id FROM main.masked.orders')).map((r) => r.id)).toEqual([
      '1',
      '2',
      '3',
    ]);
  });

  it('masks and filters for every member a conditional or scheduled item names, never leaving their data clear', async () => {
    const select = [{ type: 'select', isAllowed: true }];
    rig.policies.set([
      ...policies,
      {
        ...ucMask(20, 't_mask', 'n', 'MASK_SHOW_LAST_4', ['engineers']),
        dataMaskPolicyItems: [
          {
            accesses: select,
            groups: ['engineers'],
            conditions: [{ type: 'ip-range', values: ['10.0.0.0/8'] }],
            dataMaskInfo: { dataMaskType: 'MASK_SHOW_LAST_4' },
          },
        ],
      },
      {
        ...ucRowFilter(21, 'orders', "region = 'US'", ['engineers']),
        validitySchedules: [{ startTime: '2999/01/01 00:00:00' }],
      },
    ]);
    try {
      const { rows } = await syncDatabricksMasking(rig, [ucTable('t_mask'), ucTable('orders')]);
      expect(await readAsUser(rig.emulator, EVE.token, 'SELECT n FROM main.masked.t_mask')).toEqual([{ n: null }]);
      expect(await readAsUser(rig.emulator, EVE.token, 'SELECT id FROM main.masked.orders')).toEqual([]);
      const warnings = rows.flatMap((r) => r.result!.warnings).join('\n');
      for (const id of [20, 21])
        expect(warnings).toMatch(
          new RegExp(
            `policy ${id} has conditions or a validity schedule a native policy cannot express; it was applied in its most restrictive form`,
          ),
        );
    } finally {
      rig.policies.set(policies);
      await syncDatabricksMasking(rig, [ucTable('t_mask'), ucTable('orders')]);
    }
  });

  it('withholds every grant on a view a mask covers, since Unity Catalog cannot mask a view, and fails the resource saying so', async () => {
    rig.emulator.control.reset();
    const { header, rows } = await syncDatabricksMasking(rig, [
      { type: 'view', values: { catalog: 'main', schema: 'masked', table: 'orders_v' } },
    ]);
    expect(header.status).toBe('FAILED');
    expect(rows[0]!.result!.warnings.join('\n')).toMatch(
      /view main\.masked\.orders_v: masks and row filters cannot be attached/,
    );
    expect(rows[0]!.message).toMatch(/could not be put in place on view main\.masked\.orders_v .*withheld/);
    expect(
      rig.emulator.control
        .statements()
        .map((s) => s.sql)
        .filter((s) => /^GRANT .* ON (TABLE|VIEW) `main`\.`masked`\.`orders_v`/.test(s)),
    ).toEqual([]);
  });

  it('issues no write on a second identical task', async () => {
    rig.emulator.control.reset();
    const { rows } = await syncDatabricksMasking(rig, [ucTable('t_mask')]);
    expect(writes()).toEqual([]);
    expect(rows[0]!.message).toBe('already in sync');
  });

  it('turns a policy edit into one CREATE OR REPLACE FUNCTION and never drops the mask', async () => {
    rig.policies.set(policies.map((p) => (p.id === 1 ? ucMask(1, 't_mask', 's', 'MASK_NULL') : p)));
    rig.emulator.control.reset();
    const { header } = await syncDatabricksMasking(rig, [ucTable('t_mask')]);
    expect(header.status).toBe('SUCCESS');
    expect(writes()).toEqual([
      expect.stringMatching(
        new RegExp(
          `^CREATE OR REPLACE FUNCTION ${ours('masked_t_mask_s_string_mask')}\\(\`val\` STRING\\) RETURNS STRING COMMENT 'policysync:`,
        ),
      ),
    ]);
    expect(await readAsUser(rig.emulator, ANN.token, 'SELECT s FROM main.masked.t_mask')).toEqual([{ s: null }]);
    rig.policies.set(policies);
    await syncDatabricksMasking(rig, [ucTable('t_mask')]);
  });

  it('replaces the mask of a column whose type changed with SET MASK, then drops the old function', async () => {
    rig.emulator.metastore.table(['main', 'masked', 't_mask']).columns.find((c) => c.name === 'n')!.type = 'string';
    rig.emulator.control.reset();
    const { header, rows } = await syncDatabricksMasking(rig, [ucTable('t_mask')]);
    expect(header.status, rows[0]!.message).toBe('SUCCESS');
    const w = writes().filter((s) => !s.startsWith('CREATE SCHEMA IF NOT EXISTS'));
    expect(w).toEqual([
      expect.stringMatching(new RegExp(`^CREATE FUNCTION ${ours('masked_t_mask_n_string_mask')}\\(`)),
      expect.stringMatching(
        new RegExp(
          `^ALTER TABLE \`main\`\\.\`masked\`\\.\`t_mask\` ALTER COLUMN \`n\` SET MASK ${ours('masked_t_mask_n_string_mask')}$`,
        ),
      ),
      expect.stringMatching(new RegExp(`^DROP FUNCTION ${ours('masked_t_mask_n_integer_mask')}$`)),
    ]);
    expect(w.some((s) => /DROP MASK/.test(s))).toBe(false);
  });

  it('drops the mask and its function when the Ranger policy goes, but never a foreign mask', async () => {
    const admin = (sql: string) => readAsUser(rig.emulator, rig.emulator.token, sql);
    await admin("CREATE FUNCTION main.masked.foreign_mask(v STRING) RETURNS STRING RETURN '***'");
    await admin('ALTER TABLE main.masked.t_misc ALTER COLUMN card SET MASK main.masked.foreign_mask');
    rig.policies.set(policies.filter((p) => p.id !== 5 && p.id !== 4));
    rig.emulator.control.reset();
    const { header } = await syncDatabricksMasking(rig, [ucTable('t_misc')]);
    expect(header.status).toBe('SUCCESS');
    const w = writes();
    expect(w).toEqual(
      expect.arrayContaining([
        'ALTER TABLE `main`.`masked`.`t_misc` ALTER COLUMN `email` DROP MASK',
        expect.stringMatching(new RegExp(`^DROP FUNCTION ${ours('masked_t_misc_email_string_mask')}$`)),
      ]),
    );
    expect(w.join('\n')).not.toContain('foreign_mask');
    expect(w.join('\n')).not.toContain('`card`');
    expect(await readAsUser(rig.emulator, ANN.token, 'SELECT card FROM main.masked.t_misc')).toEqual([{ card: '***' }]);
    rig.policies.set(policies);
  });

  it('refuses a mask on a view and dropping a function in use, as Unity Catalog does', async () => {
    const admin = (sql: string) => readAsUser(rig.emulator, rig.emulator.token, sql);
    await expect(
      admin('ALTER TABLE main.masked.orders_v ALTER COLUMN region SET MASK main.masked.foreign_mask'),
    ).rejects.toThrow(/cannot be set on the view/);
    await expect(admin('DROP FUNCTION main.masked.foreign_mask')).rejects.toThrow(/ROUTINE_IN_USE/);
  });

  it('takes a foreign mask over with one SET MASK when CONNECTOR_DATABRICKS_UNITY_CATALOG_MASKING_TAKEOVER is on, and never drops it', async () => {
    const takeover = ucMaskingConnector(rig.emulator, true);
    const before = rig.deps.connector;
    rig.deps.connector = takeover;
    try {
      rig.emulator.control.reset();
      const { header } = await syncDatabricksMasking(rig, [ucTable('t_misc')]);
      expect(header.status).toBe('SUCCESS');
      expect(writes()).toContainEqual(
        expect.stringMatching(
          new RegExp(
            `^ALTER TABLE \`main\`\\.\`masked\`\\.\`t_misc\` ALTER COLUMN \`card\` SET MASK ${ours('masked_t_misc_card_string_mask')}$`,
          ),
        ),
      );
      expect(writes().join('\n')).not.toMatch(/DROP FUNCTION .*foreign_mask/);
      expect(await readAsUser(rig.emulator, ANN.token, 'SELECT card FROM main.masked.t_misc')).toEqual([
        { card: 'xxxx-xxxx-xxxx-4444' },
      ]);
    } finally {
      rig.deps.connector = before;
      await takeover.close();
    }
  });

  it('lists every change in a dry run and applies none', async () => {
    rig.policies.set([...policies, ucRowFilter(10, 't_mask', 'id > 5')]);
    rig.emulator.control.reset();
    try {
      const { rows } = await syncDatabricksMasking(rig, [ucTable('t_mask')], true);
      expect(writes()).toEqual([]);
      expect(rows[0]!.result!.plan.map((p) => `${p.op} ${p.object}`)).toEqual(
        expect.arrayContaining([
          expect.stringMatching(/^CREATE ROW FILTER main\.policysync_governance\.masked_t_mask_rows_[0-9a-f]{64}$/),
          'ATTACH ROW FILTER table main.masked.t_mask',
        ]),
      );
    } finally {
      rig.policies.set(policies);
    }
  });
});
