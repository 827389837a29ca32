import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SnowflakeCatalog } from '../../dev/emulators/snowflake/seed.js';
import {
  type MaskingRig,
  maskedTable,
  maskingConnector,
  maskPolicy,
  readAs,
  readersPolicy,
  rowFilterPolicy,
  startMaskingRig,
  syncMasking,
} from '../support/snowflake-masking.js';

const MASK_TYPES = [
  'MASK',
  'MASK_SHOW_LAST_4',
  'MASK_SHOW_FIRST_4',
  'MASK_HASH',
  'MASK_NULL',
  'MASK_NONE',
  'MASK_DATE_SHOW_YEAR',
] as const;
const tableOf = (type: string) => `T_${type}`;
const ROWS = [
  { ID: 1, S: 'Abc-1234567', N: 1234567, D: '2021-06-15' },
  { ID: 2, S: 'Ab1', N: -12, D: null },
];
const sha = (s: string) => createHash('sha256').update(s).digest('hex');

// Hive's results for the two rows above, per mask type, on the string, number and date columns.
const EXPECTED: Record<(typeof MASK_TYPES)[number], [unknown, unknown, unknown][]> = {
  MASK: [
    ['Xxx-nnnnnnn', 1111111, '0001-01-01'],
    ['Xxn', -11, null],
  ],
  MASK_SHOW_LAST_4: [
    ['xxx-xxx4567', 1114567, null],
    ['Ab1', -12, null],
  ],
  MASK_SHOW_FIRST_4: [
    ['Abc-xxxxxxx', 1234111, null],
    ['Ab1', -12, null],
  ],
  MASK_HASH: [
    [sha('Abc-1234567'), null, null],
    [sha('Ab1'), null, null],
  ],
  MASK_NULL: [
    [null, null, null],
    [null, null, null],
  ],
  MASK_NONE: [
    ['Abc-1234567', 1234567, '2021-06-15'],
    ['Ab1', -12, null],
  ],
  MASK_DATE_SHOW_YEAR: [
    ['xxx-xxxxxxx', 1111111, '2021-01-01'],
    ['xxx', -11, null],
  ],
};

const catalog: SnowflakeCatalog = {
  databases: [
    {
      name: 'SALES',
      schemas: [
        {
          name: 'MASKED',
          tables: [
            ...MASK_TYPES.map((t) => ({
              name: tableOf(t),
              columns: [
                { name: 'ID', type: 'NUMBER(38,0)' },
                { name: 'S', type: 'VARCHAR(100)' },
                { name: 'N', type: 'NUMBER(38,0)' },
                { name: 'D', type: 'DATE' },
              ],
              rows: ROWS,
            })),
            {
              name: 'CUSTOM',
              columns: [
                { name: 'ID', type: 'NUMBER(38,0)' },
                { name: 'S', type: 'VARCHAR(100)' },
              ],
              rows: [{ ID: 1, S: 'secret' }],
            },
            {
              name: 'ORDERS',
              columns: [
                { name: 'ID', type: 'NUMBER(38,0)' },
                { name: 'REGION', type: 'VARCHAR(10)' },
                { name: 'AMOUNT', type: 'NUMBER(12,2)' },
              ],
              rows: [
                { ID: 1, REGION: 'EU', AMOUNT: 10 },
                { ID: 2, REGION: 'US', AMOUNT: 20 },
                { ID: 3, REGION: 'EU', AMOUNT: 30 },
              ],
            },
            {
              name: 'PEOPLE',
              columns: [
                { name: 'ID', type: 'NUMBER(38,0)' },
                { name: 'EMAIL', type: 'VARCHAR(100)' },
                { name: 'PHONE', type: 'VARCHAR(20)' },
              ],
              rows: [{ ID: 1, EMAIL: 'ann@example.com', PHONE: '555-0100' }],
            },
          ],
        },
      ],
    },
  ],
  roles: [{ name: 'ANALYST' }, { name: 'ENGINEER' }, { name: 'STEWARD' }],
};

const policies = [
  readersPolicy,
  ...MASK_TYPES.flatMap((t, k) => ['S', 'N', 'D'].map((c, j) => maskPolicy(10 + k * 3 + j, tableOf(t), c, t))),
  maskPolicy(50, 'CUSTOM', 'S', 'CUSTOM', ['analyst'], "CONCAT('~', UPPER({col}))"),
  rowFilterPolicy(60, 'ORDERS', "REGION = 'EU'"),
  {
    ...rowFilterPolicy(61, 'ORDERS', "REGION = 'US'"),
    rowFilterPolicyItems: [
      {
        accesses: [{ type: 'select', isAllowed: true }],
        users: ['bob'],
        rowFilterInfo: { filterExpr: "REGION = 'US'" },
      },
    ],
  },
  maskPolicy(70, 'PEOPLE', 'EMAIL', 'MASK_HASH'),
];

let rig: MaskingRig;
beforeAll(async () => {
  rig = await startMaskingRig(catalog, policies);
});
afterAll(async () => {
  await rig.stop();
});

const log = () => rig.emulator.control.statements().map((s) => s.sql);
/** A generated policy name as SQL shows it: the readable head, then the SHA-256 of its exact target. */
const ours = (head: string) => `"SALES"\\."POLICYSYNC_GOVERNANCE"\\."${head}_[0-9A-F]{64}"`;
const writes = () => log().filter((s) => /^\s*(GRANT|REVOKE|CREATE|ALTER|DROP)/i.test(s));

describe('Snowflake masking policies and row access policies from Ranger, through the real driver and the worker', () => {
  it('masks each type on string, number and date columns for a masked role and leaves them clear for an exempt one', async () => {
    const { header, rows } = await syncMasking(rig, [
      { type: 'schema', values: { database: 'SALES', schema: 'MASKED' } },
    ]);
    expect(header.status, rows[0]?.message).toBe('SUCCESS');
    for (const type of MASK_TYPES) {
      const masked = await readAs(
        rig.emulator,
        'ANALYST',
        `SELECT S, N, D FROM SALES.MASKED.${tableOf(type)} ORDER BY ID`,
      );
      expect(
        masked.map((r) => [r.S, r.N, r.D]),
        type,
      ).toEqual(EXPECTED[type]);
      const clear = await readAs(
        rig.emulator,
        'ENGINEER',
        `SELECT S, N, D FROM SALES.MASKED.${tableOf(type)} ORDER BY ID`,
      );
      expect(
        clear.map((r) => [r.S, r.N, r.D]),
        type,
      ).toEqual(EXPECTED.MASK_NONE);
    }
    expect(await readAs(rig.emulator, 'ANALYST', 'SELECT S FROM SALES.MASKED.CUSTOM')).toEqual([{ S: '~SECRET' }]);
    // MASK_NONE everywhere needs no policy at all.
    expect(writes().some((s) => s.includes('T_MASK_NONE') && /MASKING POLICY/.test(s))).toBe(false);
  });

  it('returns only the matching rows to a filtered role and every row to others', async () => {
    await syncMasking(rig, [maskedTable('ORDERS')]);
    expect(
      (await readAs(rig.emulator, 'ANALYST', 'SELECT ID FROM SALES.MASKED.ORDERS ORDER BY ID')).map((r) => r.ID),
    ).toEqual([1, 3]);
    expect(
      (await readAs(rig.emulator, 'ENGINEER', 'SELECT ID FROM SALES.MASKED.ORDERS ORDER BY ID')).map((r) => r.ID),
    ).toEqual([1, 2, 3]);
    // A Ranger user is matched by CURRENT_USER(), whatever role the session uses.
    expect(
      (await readAs(rig.emulator, 'PUBLIC', 'SELECT ID FROM SALES.MASKED.ORDERS ORDER BY ID', 'BOB', 'bob')).map(
        (r) => r.ID,
      ),
    ).toEqual([2]);
  });

  it('masks and filters for every reader a conditional or scheduled item names, never leaving their data clear', async () => {
    const onVpn = [{ type: 'ip-range', values: ['10.0.0.0/8'] }];
    const select = [{ type: 'select', isAllowed: true }];
    rig.policies.set([
      ...policies,
      {
        ...maskPolicy(80, 'PEOPLE', 'PHONE', 'MASK_SHOW_LAST_4'),
        dataMaskPolicyItems: [
          {
            accesses: select,
            roles: ['analyst'],
            conditions: onVpn,
            dataMaskInfo: { dataMaskType: 'MASK_SHOW_LAST_4' },
          },
        ],
      },
      {
        ...maskPolicy(81, 'PEOPLE', 'EMAIL', 'MASK', ['engineer']),
        validitySchedules: [{ startTime: '2999/01/01 00:00:00' }],
      },
      {
        ...rowFilterPolicy(82, 'ORDERS', "REGION = 'US'"),
        rowFilterPolicyItems: [
          { accesses: select, roles: ['engineer'], conditions: onVpn, rowFilterInfo: { filterExpr: "REGION = 'US'" } },
        ],
      },
    ]);
    try {
      const { rows } = await syncMasking(rig, [maskedTable('PEOPLE'), maskedTable('ORDERS')]);
      expect(await readAs(rig.emulator, 'ANALYST', 'SELECT PHONE FROM SALES.MASKED.PEOPLE')).toEqual([{ PHONE: null }]);
      expect(await readAs(rig.emulator, 'ENGINEER', 'SELECT EMAIL FROM SALES.MASKED.PEOPLE')).toEqual([
        { EMAIL: null },
      ]);
      expect(await readAs(rig.emulator, 'ENGINEER', 'SELECT ID FROM SALES.MASKED.ORDERS')).toEqual([]);
      expect(await readAs(rig.emulator, 'STEWARD', 'SELECT ID FROM SALES.MASKED.ORDERS ORDER BY ID')).toEqual([
        { ID: 1 },
        { ID: 2 },
        { ID: 3 },
      ]);
      const warnings = rows.flatMap((r) => r.result!.warnings).join('\n');
      for (const id of [80, 81, 82])
        expect(warnings).toMatch(
          new RegExp(
            `policy ${id} has conditions or a validity schedule a native policy cannot express; it was applied in its most restrictive form`,
          ),
        );
    } finally {
      rig.policies.set(policies);
      await syncMasking(rig, [maskedTable('PEOPLE'), maskedTable('ORDERS')]);
    }
  });

  it("syncs only the named column's mask on a column task", async () => {
    rig.policies.set([
      ...policies,
      maskPolicy(73, 'PEOPLE', 'PHONE', 'MASK_SHOW_LAST_4'),
      maskPolicy(74, 'CUSTOM', 'ID', 'MASK'),
    ]);
    rig.emulator.control.reset();
    const { header, rows } = await syncMasking(rig, [
      { type: 'column', values: { database: 'SALES', schema: 'MASKED', table: 'CUSTOM', column: 'ID' } },
    ]);
    expect(header.status, rows[0]!.message).toBe('SUCCESS');
    const masking = writes().filter((s) => /MASKING POLICY/.test(s));
    expect(masking).toEqual([
      expect.stringMatching(new RegExp(`^CREATE MASKING POLICY ${ours('MASKED_CUSTOM_ID_INTEGER_MASK')} `)),
      expect.stringMatching(
        new RegExp(
          `^ALTER TABLE "SALES"\\."MASKED"\\."CUSTOM" MODIFY COLUMN "ID" SET MASKING POLICY ${ours('MASKED_CUSTOM_ID_INTEGER_MASK')}$`,
        ),
      ),
    ]);
    rig.policies.set(policies);
  });

  it('issues no write on a second identical task', async () => {
    await syncMasking(rig, [maskedTable('PEOPLE')]);
    rig.emulator.control.reset();
    const again = await syncMasking(rig, [maskedTable('PEOPLE')]);
    expect(writes()).toEqual([]);
    expect(again.rows[0]!.message).toBe('already in sync');
    expect(again.rows[0]!.result!.warnings).toEqual([]);
    // Grants, columns and attached policies come in the one catalog read; the governance listings are kept.
    expect(rig.emulator.control.roundTrips(), log().join('\n')).toBe(1);
  });

  it('lists every masking change in a dry run and applies none', async () => {
    rig.policies.set([...policies, maskPolicy(71, 'PEOPLE', 'PHONE', 'MASK_SHOW_LAST_4')]);
    rig.emulator.control.reset();
    const { rows } = await syncMasking(rig, [maskedTable('PEOPLE')], true);
    expect(writes()).toEqual([]);
    const plan = rows[0]!.result!.plan.map((p) => `${p.op} ${p.object}`);
    expect(plan).toEqual(
      expect.arrayContaining([
        expect.stringMatching(
          /^CREATE MASKING POLICY SALES\.POLICYSYNC_GOVERNANCE\.MASKED_PEOPLE_PHONE_STRING_MASK_[0-9A-F]{64}$/,
        ),
        'ATTACH MASKING POLICY column SALES.MASKED.PEOPLE.PHONE',
      ]),
    );
    rig.policies.set(policies);
  });

  it('turns a policy edit into one body change, without detaching', async () => {
    await syncMasking(rig, [maskedTable('PEOPLE')]);
    rig.policies.set(policies.map((p) => (p.id === 70 ? maskPolicy(70, 'PEOPLE', 'EMAIL', 'MASK') : p)));
    rig.emulator.control.reset();
    const { header } = await syncMasking(rig, [maskedTable('PEOPLE')]);
    expect(header.status).toBe('SUCCESS');
    const w = writes();
    expect(w.filter((s) => /SET BODY/.test(s))).toHaveLength(1);
    expect(w.some((s) => /UNSET|DROP/.test(s))).toBe(false);
    expect(await readAs(rig.emulator, 'ANALYST', 'SELECT EMAIL FROM SALES.MASKED.PEOPLE')).toEqual([
      { EMAIL: 'xxx@xxxxxxx.xxx' },
    ]);
    rig.policies.set(policies);
  });

  it('swaps the policy of a column whose type changed in one FORCE statement: no unprotected gap', async () => {
    await syncMasking(rig, [maskedTable('T_MASK')]);
    const column = rig.emulator.account.table('SALES', 'MASKED', 'T_MASK')!.columns.find((c) => c.name === 'N')!;
    column.type = 'VARCHAR(20)';
    rig.emulator.control.reset();
    const { header } = await syncMasking(rig, [maskedTable('T_MASK')]);
    expect(header.status).toBe('SUCCESS');
    const w = writes();
    const create = w.findIndex((s) =>
      new RegExp(`^CREATE MASKING POLICY ${ours('MASKED_T_MASK_N_STRING_MASK')} `).test(s),
    );
    const swap = w.findIndex((s) =>
      new RegExp(`MODIFY COLUMN "N" SET MASKING POLICY ${ours('MASKED_T_MASK_N_STRING_MASK')} FORCE$`).test(s),
    );
    const drop = w.findIndex((s) =>
      new RegExp(`^DROP MASKING POLICY ${ours('MASKED_T_MASK_N_INTEGER_MASK')}$`).test(s),
    );
    expect([create >= 0, swap > create, drop > swap]).toEqual([true, true, true]);
    expect(w.some((s) => /UNSET MASKING POLICY/.test(s))).toBe(false);
  });

  it('detaches and drops its own policy when the Ranger policy is removed, but never a foreign one', async () => {
    await readAs(
      rig.emulator,
      'SYSADMIN',
      "CREATE MASKING POLICY SALES.MASKED.FOREIGN_MASK AS (val VARCHAR) RETURNS VARCHAR -> '***'",
      'POLICYSYNC',
      'emulator',
    );
    await readAs(
      rig.emulator,
      'SYSADMIN',
      'ALTER TABLE SALES.MASKED.PEOPLE MODIFY COLUMN PHONE SET MASKING POLICY SALES.MASKED.FOREIGN_MASK',
      'POLICYSYNC',
      'emulator',
    );
    rig.policies.set(policies.filter((p) => p.id !== 70));
    rig.emulator.control.reset();
    const { header } = await syncMasking(rig, [maskedTable('PEOPLE')]);
    expect(header.status).toBe('SUCCESS');
    const w = writes();
    expect(w).toEqual(
      expect.arrayContaining([
        'ALTER TABLE "SALES"."MASKED"."PEOPLE" MODIFY COLUMN "EMAIL" UNSET MASKING POLICY',
        expect.stringMatching(new RegExp(`^DROP MASKING POLICY ${ours('MASKED_PEOPLE_EMAIL_STRING_MASK')}$`)),
      ]),
    );
    expect(w.join('\n')).not.toContain('FOREIGN_MASK');
    expect(rig.emulator.account.policies.maskOn(['SALES', 'MASKED', 'PEOPLE'], 'PHONE')?.path[2]).toBe('FOREIGN_MASK');
    rig.policies.set(policies);
  });

  it('reports a foreign policy on a column it should mask as a conflict, leaves it attached, and withholds every grant on the table', async () => {
    rig.policies.set([...policies, maskPolicy(72, 'PEOPLE', 'PHONE', 'MASK_NULL')]);
    rig.emulator.account.revoke({
      privilege: 'SELECT',
      on: { type: 'TABLE', path: ['SALES', 'MASKED', 'PEOPLE'] },
      grantee: 'ANALYST',
    });
    rig.emulator.control.reset();
    const { header, rows } = await syncMasking(rig, [maskedTable('PEOPLE')]);
    expect(rows[0]!.result!.warnings.join('\n')).toMatch(
      /PHONE: a policy not created by policysync \(SALES\.MASKED\.FOREIGN_MASK\) is attached/,
    );
    expect(writes().join('\n')).not.toContain('PHONE');
    // The readers policy wants ANALYST to read PEOPLE, but PHONE would not be masked the way Ranger says: fail closed.
    expect(header.status).toBe('FAILED');
    expect(rows[0]!.message).toMatch(
      /could not be put in place on table SALES\.MASKED\.PEOPLE .*grant\(s\) to it were withheld/,
    );
    expect(writes().filter((s) => /^GRANT .* ON TABLE "SALES"\."MASKED"\."PEOPLE"/.test(s))).toEqual([]);
    rig.policies.set(policies);
  });

  it('takes a foreign policy over with one FORCE statement when CONNECTOR_SNOWFLAKE_MASKING_TAKEOVER is on, and never drops it', async () => {
    const takeover = maskingConnector(rig.emulator, true);
    try {
      rig.policies.set([...policies, maskPolicy(72, 'PEOPLE', 'PHONE', 'MASK_NULL')]);
      rig.emulator.control.reset();
      const { header } = await syncMasking({ ...rig, deps: { ...rig.deps, connector: takeover } }, [
        maskedTable('PEOPLE'),
      ]);
      expect(header.status).toBe('SUCCESS');
      expect(writes()).toContainEqual(
        expect.stringMatching(
          new RegExp(
            `^ALTER TABLE "SALES"\\."MASKED"\\."PEOPLE" MODIFY COLUMN "PHONE" SET MASKING POLICY ${ours('MASKED_PEOPLE_PHONE_STRING_MASK')} FORCE$`,
          ),
        ),
      );
      expect(writes().join('\n')).not.toMatch(/DROP MASKING POLICY .*FOREIGN_MASK/);
      expect(rig.emulator.account.policies.get(['SALES', 'MASKED', 'FOREIGN_MASK'])).toBeDefined();
      expect(await readAs(rig.emulator, 'ANALYST', 'SELECT PHONE FROM SALES.MASKED.PEOPLE')).toEqual([{ PHONE: null }]);
    } finally {
      rig.policies.set(policies);
      await takeover.close();
    }
  });

  it('knows a policy another instance made while it kept its listing of the governance schema', async () => {
    const other = maskingConnector(rig.emulator);
    const viaOther = { ...rig, deps: { ...rig.deps, connector: other } };
    const withPolicy = [...policies, maskPolicy(74, 'PEOPLE', 'ID', 'MASK_NULL')];
    try {
      await syncMasking(rig, [maskedTable('PEOPLE')]); // in sync, so the other instance's sync below changes nothing
      await syncMasking(viaOther, [maskedTable('PEOPLE')]); // the other instance lists the governance schema and keeps it
      rig.policies.set(withPolicy);
      expect((await syncMasking(rig, [maskedTable('PEOPLE')])).header.status).toBe('SUCCESS'); // this one creates and attaches a policy
      rig.emulator.control.reset();
      const { rows } = await syncMasking(viaOther, [maskedTable('PEOPLE')]);
      // Without reading the listing again it would take our new policy for a foreign one (a conflict warning).
      expect(rows[0]!.result!.warnings).toEqual([]);
      expect(rows[0]!.message).toBe('already in sync');
      expect(writes()).toEqual([]);
    } finally {
      rig.policies.set(policies);
      await syncMasking(rig, [maskedTable('PEOPLE')]);
      await other.close();
    }
  });

  it('refuses what Snowflake refuses: a second masking policy without FORCE (003529) and dropping an attached policy', async () => {
    const admin = (sql: string) => readAs(rig.emulator, 'SYSADMIN', sql, 'POLICYSYNC', 'emulator');
    await admin('CREATE MASKING POLICY SALES.MASKED.OTHER AS (val VARCHAR) RETURNS VARCHAR -> NULL');
    await expect(
      admin('ALTER TABLE SALES.MASKED.T_MASK MODIFY COLUMN S SET MASKING POLICY SALES.MASKED.OTHER'),
    ).rejects.toMatchObject({ code: '003529' });
    const attached = rig.emulator.account.policies.maskOn(['SALES', 'MASKED', 'T_MASK'], 'S')!.path[2];
    await expect(admin(`DROP MASKING POLICY SALES.POLICYSYNC_GOVERNANCE."${attached}"`)).rejects.toThrow(
      /associated with one or more entities/,
    );
    const refs = await admin(
      "SELECT POLICY_NAME, REF_COLUMN_NAME, POLICY_KIND FROM TABLE(SALES.INFORMATION_SCHEMA.POLICY_REFERENCES(REF_ENTITY_NAME => 'SALES.MASKED.ORDERS', REF_ENTITY_DOMAIN => 'table'))",
    );
    expect(refs).toEqual([
      {
        POLICY_NAME: expect.stringMatching(/^MASKED_ORDERS_ROWS_[0-9A-F]{64}$/),
        REF_COLUMN_NAME: null,
        POLICY_KIND: 'ROW_ACCESS_POLICY',
      },
    ]);
  });
});
