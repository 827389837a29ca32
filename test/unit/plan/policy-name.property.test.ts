import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { databricksMaskingDialect } from '../../../shared/connectors/databricks/masking-dialect.js';
import type { MaskSqlDialect } from '../../../shared/connectors/masking-port.js';
import type { Securable } from '../../../shared/connectors/securable.js';
import { snowflakeMaskingDialect } from '../../../shared/connectors/snowflake/masking-dialect.js';
import { desiredPolicies } from '../../../shared/plan/masking/desired-policies.js';
import type { PolicyTarget } from '../../../shared/plan/masking/marker.js';
import { planMasking } from '../../../shared/plan/masking/plan-masking.js';
import type { MaskDecision, ResourceAcl } from '../../../shared/policy/index.js';
import { World } from './masking-world.js';

const DIALECTS: [string, MaskSqlDialect, RegExp][] = [
  ['Snowflake', snowflakeMaskingDialect({ userRoleTemplate: '{name}', case: 'upper' }, 'GOV'), /^[A-Z0-9_]+$/],
  [
    'Databricks',
    databricksMaskingDialect({ userRoleTemplate: '{name}@example.com', case: 'preserve' }, 'gov'),
    /^[a-z0-9_]+$/,
  ],
];

// Separators both warehouses' old names used, quotes, dots, `$`, `_`, letters of both cases and Unicode.
const CHARS = ['a', 'A', 'b', 'B', '_', '__', '$', '.', '"', '`', ' ', '-', 'é', 'É', '中', '𝔘'];
const part = fc.oneof(
  { weight: 6, arbitrary: fc.string({ unit: fc.constantFrom(...CHARS), minLength: 1, maxLength: 6 }) },
  { weight: 1, arbitrary: fc.string({ unit: fc.constantFrom('a', 'Z', '_', '$'), minLength: 250, maxLength: 255 }) },
);
interface Tuple {
  path: [string, string, string];
  column: string;
  kind: 'mask' | 'filter';
  family: string;
  signature: string;
}
const tuple = fc.record({
  path: fc.tuple(fc.constantFrom('D', 'd'), part, part),
  column: part,
  kind: fc.constantFrom<'mask' | 'filter'>('mask', 'filter'),
  family: fc.constantFrom('string', 'integer'),
  signature: fc.constantFrom('VARCHAR', 'NUMBER', 'STRING'),
});
/** Two paths made of the same words cut at different places: the old names of both were one name. */
const shiftedPair = fc
  .record({
    words: fc.array(fc.string({ unit: fc.constantFrom('a', 'b', 'C'), minLength: 1, maxLength: 3 }), {
      minLength: 4,
      maxLength: 4,
    }),
    sep: fc.constantFrom('$', '__', '_'),
    cuts: fc.constantFrom<[number, number][]>(
      [
        [1, 2],
        [1, 3],
      ],
      [
        [1, 2],
        [2, 3],
      ],
      [
        [1, 3],
        [2, 3],
      ],
    ),
  })
  .map(
    ({ words, sep, cuts }) =>
      cuts.map(
        ([i, j]): Tuple => ({
          path: ['D', words.slice(0, i).join(sep), words.slice(i, j).join(sep)],
          column: words.slice(j).join(sep),
          kind: 'mask',
          family: 'string',
          signature: 'VARCHAR',
        }),
      ) as [Tuple, Tuple],
  );
/** The same path in another case: Unity Catalog's old names were lower-cased. */
const casePair = tuple.map(
  (t) =>
    [t, { ...t, column: t.column === t.column.toUpperCase() ? t.column.toLowerCase() : t.column.toUpperCase() }] as [
      Tuple,
      Tuple,
    ],
);
const pairs = fc.oneof(fc.tuple(tuple, tuple), shiftedPair, casePair);

const targetOf = (t: Tuple): PolicyTarget =>
  t.kind === 'mask' ? { kind: 'mask', table: t.path, column: t.column } : { kind: 'filter', table: t.path };
const nameOf = (d: MaskSqlDialect, t: Tuple) =>
  d.policyName(targetOf(t), t.signature, t.kind === 'mask' ? t.family : undefined);
const same = (a: Tuple, b: Tuple) =>
  JSON.stringify(targetOf(a)) === JSON.stringify(targetOf(b)) &&
  a.signature === b.signature &&
  (a.kind === 'filter' || a.family === b.family);

describe('generated policy names, for any pair of paths', () => {
  for (const [warehouse, dialect, shape] of DIALECTS) {
    it(`${warehouse}: never collide, even folded to one case, and fit the warehouse's identifiers`, () => {
      fc.assert(
        fc.property(pairs, ([a, b]) => {
          const [na, nb] = [nameOf(dialect, a), nameOf(dialect, b)];
          for (const n of [na, nb]) {
            expect(n[2]!.length).toBeLessThanOrEqual(255);
            expect(n[2]).toMatch(shape);
          }
          expect(nameOf(dialect, a)).toEqual(na);
          if (!same(a, b)) expect(na.join('.').toLowerCase()).not.toBe(nb.join('.').toLowerCase());
        }),
        { numRuns: 3000 },
      );
    });
  }

  it('tell apart the pairs the old names merged', () => {
    const [sf, dbx] = [DIALECTS[0]![1], DIALECTS[1]![1]];
    const mask = (path: string[], column: string) => ({ kind: 'mask' as const, table: path, column });
    expect(sf.policyName(mask(['D', 'a$b', 'c'], 'x'), 'VARCHAR', 'string')).not.toEqual(
      sf.policyName(mask(['D', 'a', 'b$c'], 'x'), 'VARCHAR', 'string'),
    );
    expect(dbx.policyName(mask(['d', 'a__b', 'c'], 'x'), 'STRING', 'string')).not.toEqual(
      dbx.policyName(mask(['d', 'a', 'b__c'], 'x'), 'STRING', 'string'),
    );
    expect(dbx.policyName(mask(['d', 's', 't'], 'Col'), 'STRING', 'string')).not.toEqual(
      dbx.policyName(mask(['d', 's', 't'], 'col'), 'STRING', 'string'),
    );
  });
});

const maskItem = (dataMaskType: string, roles: string[]): MaskDecision => ({
  users: [],
  groups: [],
  roles,
  accessTypes: ['select'],
  dataMaskInfo: { dataMaskType },
  isConditional: false,
  policyId: 1,
});
const aclOf = (column: string, dataMaskType: string | null, filter: boolean): ResourceAcl => ({
  users: {},
  groups: {},
  roles: {},
  policyVersion: 1,
  masks: dataMaskType ? { [column]: [maskItem(dataMaskType, ['analyst'])] } : {},
  rowFilters: filter
    ? [
        {
          users: [],
          groups: [],
          roles: ['analyst'],
          accessTypes: ['select'],
          rowFilterInfo: { filterExpr: 'TRUE' },
          isConditional: false,
          policyId: 2,
        },
      ]
    : [],
});

describe('a sync of one table, for any pair of paths', () => {
  for (const [warehouse, dialect] of DIALECTS) {
    it(`${warehouse}: never creates, alters, detaches or drops anything made for the other table`, () => {
      fc.assert(
        fc.property(
          pairs.filter(([a, b]) => a.path.join('\u0000') !== b.path.join('\u0000')),
          ([a, b]) => {
            const world = new World();
            const table = (t: Tuple): Securable => ({ kind: 'table', path: t.path });
            const sync = (t: Tuple, mask: string | null, filter: boolean) => {
              const columns = [{ name: t.column, dataType: warehouse === 'Snowflake' ? 'VARCHAR(10)' : 'string' }];
              const { policies } = desiredPolicies(
                [{ securable: table(t), acl: aclOf(t.column, mask, filter), columns }],
                dialect,
                '1',
              );
              const planned = planMasking({
                desired: policies,
                state: world.stateFor([table(t)]),
                tables: [table(t)],
                takeover: false,
              });
              for (const s of planned.steps) world.apply(s);
              return { policies, warnings: planned.warnings };
            };
            const partOf = (t: Tuple) =>
              JSON.stringify({
                objects: [...world.objects.values()].filter(
                  (o) => o.marker?.target?.table.join('\u0000') === t.path.join('\u0000'),
                ),
                attached: [...world.attached.values()].filter(
                  (x) => x.target.table.join('\u0000') === t.path.join('\u0000'),
                ),
              });

            sync(b, 'MASK_NULL', true);
            const theirs = partOf(b);
            for (const [mask, filter] of [
              ['MASK', true],
              ['MASK_HASH', false],
              [null, false],
            ] as const) {
              const { policies, warnings } = sync(a, mask, filter);
              expect(warnings).toEqual([]);
              for (const p of policies) expect(world.policyOn(p.marker.target)).toEqual(p.name);
              expect(partOf(b)).toBe(theirs);
            }
          },
        ),
        { numRuns: 300 },
      );
    });
  }
});
