import { describe, expect, it } from 'vitest';
import { databricksMaskingDialect } from '../../../shared/connectors/databricks/masking-dialect.js';
import { snowflakeMaskingDialect } from '../../../shared/connectors/snowflake/masking-dialect.js';
import { desiredPolicies } from '../../../shared/plan/masking/desired-policies.js';
import type { MaskDecision, ResourceAcl, RowFilterDecision } from '../../../shared/policy/index.js';

const sf = snowflakeMaskingDialect({ userRoleTemplate: '{name}', case: 'upper' }, 'GOV');
const dbx = databricksMaskingDialect({ userRoleTemplate: '{name}@example.com', case: 'preserve' }, 'governance');
const mask = (over: Partial<MaskDecision>): MaskDecision => ({
  users: [],
  groups: [],
  roles: [],
  accessTypes: ['select'],
  dataMaskInfo: { dataMaskType: 'MASK' },
  isConditional: false,
  policyId: 1,
  ...over,
});
const filter = (over: Partial<RowFilterDecision>): RowFilterDecision => ({
  users: [],
  groups: [],
  roles: [],
  accessTypes: ['select'],
  rowFilterInfo: { filterExpr: "region = 'EU'" },
  isConditional: false,
  policyId: 9,
  ...over,
});
const acl = (masks: Record<string, MaskDecision[]>, rowFilters: RowFilterDecision[] = []): ResourceAcl => ({
  users: {},
  groups: {},
  roles: {},
  masks,
  rowFilters,
  policyVersion: 3,
});
const table = { kind: 'table' as const, path: ['SALES', 'PUBLIC', 'T'] };
const columns = [
  { name: 'EMAIL', dataType: 'VARCHAR(100)' },
  { name: 'REGION', dataType: 'VARCHAR(10)' },
];

describe('desiredPolicies', () => {
  it('renders one CASE per column in Ranger order, first match wins, ELSE the clear value', () => {
    const { policies } = desiredPolicies(
      [
        {
          securable: table,
          acl: acl({
            EMAIL: [
              mask({ roles: ['admin'], dataMaskInfo: { dataMaskType: 'MASK_NONE' }, policyId: 1 }),
              mask({ groups: ['analysts'], users: ['bob'], dataMaskInfo: { dataMaskType: 'MASK_NULL' }, policyId: 2 }),
            ],
          }),
          columns,
        },
      ],
      sf,
      '3',
    );
    expect(policies).toHaveLength(1);
    expect(policies[0]!.body).toBe(
      "CASE WHEN IS_ROLE_IN_SESSION('ADMIN') THEN val WHEN IS_ROLE_IN_SESSION('ANALYSTS') OR CURRENT_USER() = 'BOB' THEN NULL ELSE val END",
    );
    expect(policies[0]!.name).toEqual([
      'SALES',
      'GOV',
      expect.stringMatching(/^PUBLIC_T_EMAIL_STRING_MASK_[0-9A-F]{64}$/),
    ]);
    expect(policies[0]!.marker).toMatchObject({
      ids: [1, 2],
      target: { kind: 'mask', table: ['SALES', 'PUBLIC', 'T'], column: 'EMAIL' },
    });
  });

  it('stops at an item for everyone (public) and creates nothing when every branch is clear', () => {
    const { policies } = desiredPolicies(
      [
        {
          securable: table,
          acl: acl({
            EMAIL: [mask({ groups: ['public'], dataMaskInfo: { dataMaskType: 'MASK_NULL' } }), mask({ roles: ['x'] })],
            REGION: [mask({ roles: ['x'], dataMaskInfo: { dataMaskType: 'MASK_NONE' } })],
          }),
          columns,
        },
      ],
      sf,
      '3',
    );
    expect(policies.map((p) => p.body)).toEqual(['CASE WHEN TRUE THEN NULL ELSE val END']);
  });

  it('makes no mask or filter whose column type could end the signature or the cast, and says the table is unprotected', () => {
    const ucTable = { kind: 'table' as const, path: ['main', 'sales', 't'] };
    const hostile = [
      'int) RETURNS INT RETURN 1 --',
      'struct<`a b`:int>',
      "string COMMENT 'x'",
      'int>',
      'decimal(10,2',
      'int); DROP TABLE t',
    ];
    for (const dataType of hostile) {
      const cols = [
        { name: 'email', dataType },
        { name: 'region', dataType: 'string' },
      ];
      const out = desiredPolicies(
        [
          {
            securable: ucTable,
            acl: acl({ email: [mask({ groups: ['analysts'] })] }, [filter({ groups: ['analysts'] })]),
            columns: cols,
          },
        ],
        dbx,
        '3',
      );
      expect(out.policies, dataType).toEqual([]);
      expect(out.unprotected, dataType).toEqual([ucTable, ucTable]);
      expect(out.warnings.join('\n'), dataType).toMatch(
        /cannot be written into a mask[\s\S]*cannot be written into a row filter/,
      );
    }
    const fine = [
      { name: 'email', dataType: 'struct<a:int,b:array<map<string,decimal(10,2)>>>' },
      { name: 'region', dataType: 'string' },
    ];
    const ok = desiredPolicies(
      [
        {
          securable: ucTable,
          acl: acl({ email: [mask({ groups: ['analysts'] })] }, [filter({ groups: ['analysts'] })]),
          columns: fine,
        },
      ],
      dbx,
      '3',
    );
    expect(ok.policies.map((p) => p.kind)).toEqual(['mask', 'filter']);
    expect(ok.unprotected).toEqual([]);
  });

  it('renders one BOOLEAN filter per table over every column, ELSE TRUE', () => {
    const { policies } = desiredPolicies(
      [{ securable: table, acl: acl({}, [filter({ roles: ['analyst'] })]), columns }],
      sf,
      '3',
    );
    expect(policies[0]).toMatchObject({
      kind: 'filter',
      returns: 'BOOLEAN',
      body: "CASE WHEN IS_ROLE_IN_SESSION('ANALYST') THEN (region = 'EU') ELSE TRUE END",
    });
    expect(policies[0]!.args.map((a) => a.name)).toEqual(['EMAIL', 'REGION']);
    expect(policies[0]!.marker.target).toEqual({ kind: 'filter', table: ['SALES', 'PUBLIC', 'T'] });
  });

  it('masks a conditional item to NULL for the readers it names, never leaving them the clear ELSE', () => {
    const { policies, warnings } = desiredPolicies(
      [
        {
          securable: table,
          acl: acl({
            EMAIL: [
              mask({
                roles: ['a'],
                isConditional: true,
                dataMaskInfo: { dataMaskType: 'MASK_SHOW_LAST_4' },
                policyId: 7,
              }),
              mask({ roles: ['b'], dataMaskInfo: { dataMaskType: 'MASK_NULL' }, policyId: 8 }),
            ],
          }),
          columns,
        },
      ],
      sf,
      '3',
    );
    expect(policies[0]!.body).toBe(
      "CASE WHEN IS_ROLE_IN_SESSION('A') THEN NULL WHEN IS_ROLE_IN_SESSION('B') THEN NULL ELSE val END",
    );
    expect(warnings).toEqual([
      expect.stringMatching(
        /^column SALES\.PUBLIC\.T\.EMAIL: an item of policy 7 has conditions or a validity schedule .* most restrictive form: the value reads NULL/,
      ),
    ]);
  });

  it('leaves out a conditional exemption, so its readers get what applies when the condition does not hold', () => {
    const { policies, warnings } = desiredPolicies(
      [
        {
          securable: table,
          acl: acl({
            EMAIL: [
              mask({ roles: ['a'], isConditional: true, dataMaskInfo: { dataMaskType: 'MASK_NONE' }, policyId: 7 }),
              mask({ groups: ['public'], dataMaskInfo: { dataMaskType: 'MASK_HASH' }, policyId: 8 }),
            ],
          }),
          columns,
        },
      ],
      sf,
      '3',
    );
    expect(policies[0]!.body).toBe('CASE WHEN TRUE THEN SHA2(val, 256) ELSE val END');
    expect(warnings[0]).toMatch(/policy 7 .* its exemption was left out/);
  });

  it('filters out every row for the readers of a conditional row filter, and drops a conditional filter exemption', () => {
    const { policies, warnings } = desiredPolicies(
      [
        {
          securable: table,
          acl: acl({}, [
            filter({ roles: ['a'], isConditional: true, policyId: 5 }),
            filter({ roles: ['b'], isConditional: true, rowFilterInfo: { filterExpr: '' }, policyId: 6 }),
            filter({ roles: ['b'], rowFilterInfo: { filterExpr: "region = 'US'" }, policyId: 9 }),
          ]),
          columns,
        },
      ],
      sf,
      '3',
    );
    expect(policies[0]!.body).toBe(
      "CASE WHEN IS_ROLE_IN_SESSION('A') THEN FALSE WHEN IS_ROLE_IN_SESSION('B') THEN (region = 'US') ELSE TRUE END",
    );
    expect(warnings).toEqual([
      expect.stringMatching(/policy 5 .* no row is returned/),
      expect.stringMatching(/policy 6 .* exemption was left out/),
    ]);
  });

  it('refuses a whole Ranger policy whose filter text is not one expression: its items filter out every row, the others still apply', () => {
    const { policies, warnings } = desiredPolicies(
      [
        {
          securable: table,
          acl: acl({}, [
            filter({
              roles: ['a'],
              rowFilterInfo: { filterExpr: "region = 'EU') ELSE TRUE END; GRANT ROLE ACCOUNTADMIN TO ROLE PUBLIC; --" },
              policyId: 12,
            }),
            filter({ roles: ['b'], rowFilterInfo: { filterExpr: '' }, policyId: 12 }),
            filter({ roles: ['c'], rowFilterInfo: { filterExpr: "region = 'US'" }, policyId: 13 }),
          ]),
          columns,
        },
      ],
      sf,
      '3',
    );
    expect(policies[0]!.body).toBe(
      "CASE WHEN IS_ROLE_IN_SESSION('A') THEN FALSE WHEN IS_ROLE_IN_SESSION('B') THEN FALSE WHEN IS_ROLE_IN_SESSION('C') THEN (region = 'US') ELSE TRUE END",
    );
    expect(warnings).toEqual([
      expect.stringMatching(
        /^policy 12: its row-filter expression was refused: "\)" at offset 13 closes a bracket .*; nothing of this policy was applied, and the readers its items name see no rows/,
      ),
    ]);
  });

  it('refuses a whole Ranger policy whose custom mask is not one expression, in every column it masks, exemptions included', () => {
    const items = (col: string) => [
      mask({ roles: ['admin'], dataMaskInfo: { dataMaskType: 'MASK_NONE' }, policyId: 4 }),
      mask({
        roles: ['a'],
        dataMaskInfo: { dataMaskType: 'CUSTOM', valueExpr: `UPPER({col}) -- ${col}` },
        policyId: 4,
      }),
      mask({ roles: ['c'], dataMaskInfo: { dataMaskType: 'MASK_HASH' }, policyId: 5 }),
    ];
    const { policies, warnings } = desiredPolicies(
      [{ securable: table, acl: acl({ EMAIL: items('EMAIL'), REGION: items('REGION') }), columns }],
      dbx,
      '3',
    );
    const expected =
      "CASE WHEN is_account_group_member('admin') THEN NULL WHEN is_account_group_member('a') THEN NULL WHEN is_account_group_member('c') THEN SHA2(val, 256) ELSE val END";
    expect(policies.map((p) => p.body)).toEqual([expected, expected]);
    expect(warnings).toEqual([
      expect.stringMatching(
        /^policy 4: its custom mask expression was refused: "--" at offset 11 .*read NULL in the columns it masks/,
      ),
    ]);
  });

  it('masks to NULL where a custom mask expression is blank', () => {
    const { policies } = desiredPolicies(
      [
        {
          securable: table,
          acl: acl({ EMAIL: [mask({ roles: ['a'], dataMaskInfo: { dataMaskType: 'CUSTOM', valueExpr: '  ' } })] }),
          columns,
        },
      ],
      sf,
      '3',
    );
    expect(policies[0]!.body).toBe("CASE WHEN IS_ROLE_IN_SESSION('A') THEN NULL ELSE val END");
  });

  it('warns instead of masking a view where the warehouse cannot (Unity Catalog)', () => {
    const view = { kind: 'view' as const, path: ['main', 'sales', 'v'] };
    const { policies, warnings } = desiredPolicies(
      [
        {
          securable: view,
          acl: acl({ email: [mask({ groups: ['g'] })] }),
          columns: [{ name: 'email', dataType: 'string' }],
        },
      ],
      dbx,
      '3',
    );
    expect(policies).toEqual([]);
    expect(warnings[0]).toMatch(/view main\.sales\.v/);
  });

  it('changes the body hash when the body changes, and the name when the type family does', () => {
    const one = desiredPolicies([{ securable: table, acl: acl({ EMAIL: [mask({ roles: ['a'] })] }), columns }], sf, '3')
      .policies[0]!;
    const edited = desiredPolicies(
      [
        {
          securable: table,
          acl: acl({ EMAIL: [mask({ roles: ['a'], dataMaskInfo: { dataMaskType: 'MASK_NULL' } })] }),
          columns,
        },
      ],
      sf,
      '4',
    ).policies[0]!;
    const retyped = desiredPolicies(
      [
        {
          securable: table,
          acl: acl({ EMAIL: [mask({ roles: ['a'] })] }),
          columns: [{ name: 'EMAIL', dataType: 'NUMBER(38,0)' }],
        },
      ],
      sf,
      '3',
    ).policies[0]!;
    expect(edited.name).toEqual(one.name);
    expect(edited.marker.hash).not.toBe(one.marker.hash);
    expect(retyped.name).not.toEqual(one.name);
  });

  it('keeps names within the identifier limit with a hash suffix', () => {
    const long = { kind: 'table' as const, path: ['D', 'S', 'T'.repeat(300)] };
    const [p] = desiredPolicies(
      [{ securable: long, acl: acl({ C: [mask({ roles: ['a'] })] }), columns: [{ name: 'C', dataType: 'VARCHAR' }] }],
      sf,
      '1',
    ).policies;
    expect(p!.name[2]!.length).toBeLessThanOrEqual(255);
  });
});
