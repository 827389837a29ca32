import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { foldCase } from '../../../shared/policy/case-fold.js';
import { type MacroMode, resolveMacros } from '../../../shared/policy/macros.js';
import { valueMatches } from '../../../shared/policy/match.js';
import type { RangerPolicyResource } from '../../../shared/policy/model.js';
import { compileWildcard } from '../../../shared/policy/pattern-matcher.js';
import { type ServiceDef, serviceDefFromRanger } from '../../../shared/policy/service-defs.js';
import { isMatchAll, wildcardMatches } from '../../../shared/policy/wildcard.js';

/*
 * The compiled matchers against the straightforward reading they replace: every pattern resolved, then
 * `*` / wildcardMatches / (recursive) path prefix, folding and tokenising on every call. The alphabet holds what
 * the compiled forms treat specially: the wildcards, `/` for paths, ASCII and non-ASCII letters whose folds differ
 * from toLowerCase (ſ, the Kelvin sign, İ, ß), an emoji and a lone surrogate, and the `{USER}` macro.
 */
const letters = ['a', 'A', 'b', 'B', 's', 'S', 'ſ', 'k', 'K', '\u212a', 'i', 'İ', 'ß', 'é', 'É', '😀', '\ud800'];
const chars = [...letters, '/', '/', '.', '*', '?'];
const text = (alphabet: string[], maxLength: number) => fc.string({ unit: fc.constantFrom(...alphabet), maxLength });
const anyPattern = fc.oneof(
  text([...chars, '*', '?', '*'], 8),
  fc.constantFrom('*', '', '**', '{USER}', '{USER}*', '/a/*', '/A/b/'),
);
/** A value and a pattern made from it (wildcards spliced in, case changed, a path cut short), so that matches are common. */
const near = text(chars, 10).chain((v) =>
  fc
    .tuple(
      fc.array(fc.tuple(fc.nat({ max: v.length }), fc.constantFrom('*', '?', '', '/')), { maxLength: 3 }),
      fc.constantFrom('as is', 'upper', 'lower'),
      fc.nat({ max: v.length }),
    )
    .map(([edits, kase, cut]) => {
      let p = edits.reduce((s, [at, w]) => s.slice(0, at) + w + s.slice(at + (w === '?' ? 1 : 0)), v.slice(0, cut));
      p = kase === 'upper' ? p.toUpperCase() : kase === 'lower' ? p.toLowerCase() : p;
      return [p, v] as const;
    }),
);
const options = fc.record({ ignoreCase: fc.boolean(), wildcard: fc.boolean() });

function defWith(opts: { ignoreCase: boolean; wildcard: boolean }, recursiveSupported: boolean): ServiceDef {
  return serviceDefFromRanger({
    name: 'generated',
    resources: [
      {
        name: 'path',
        level: 1,
        recursiveSupported,
        matcherOptions: { ignoreCase: opts.ignoreCase, wildCard: opts.wildcard },
      },
    ],
    accessTypes: [{ name: 'read' }],
  });
}

/** The matching as written before compilation: nothing remembered between calls. */
function straightforward(
  policy: RangerPolicyResource,
  requested: string[],
  opts: { ignoreCase: boolean; wildcard: boolean },
  recursiveSupported: boolean,
  macros: MacroMode,
): boolean {
  const recursive = policy.isRecursive && recursiveSupported;
  const patterns = policy.values.map((v) => resolveMacros(v, macros)).filter((v): v is string => v !== null);
  const underPath = (pattern: string, value: string) => {
    const base = pattern.replace(/\/+$/, '');
    const path = value.replace(/\/+$/, '');
    const fold = (s: string) => (opts.ignoreCase ? foldCase(s) : s);
    return (
      wildcardMatches(base, path, opts) ||
      fold(path).startsWith(`${fold(base)}/`) ||
      wildcardMatches(`${base}/*`, path, opts)
    );
  };
  const matchesOne = (value: string) =>
    patterns.some((p) => isMatchAll(p) || wildcardMatches(p, value, opts) || (recursive && underPath(p, value)));
  return requested.length > 0 && requested.every((value) => matchesOne(value) !== policy.isExcludes);
}

describe('compiled patterns agree with matching them afresh', () => {
  it('one pattern against one value, for every combination of ignoreCase and wildcard', () => {
    fc.assert(
      fc.property(fc.oneof(fc.tuple(anyPattern, text(chars, 10)), near), options, ([p, v], opts) => {
        expect(compileWildcard(p, opts)(v), JSON.stringify({ p, v, opts })).toBe(wildcardMatches(p, v, opts));
      }),
      { numRuns: 4000 },
    );
  });

  it('a policy resource against requested values: several patterns, isExcludes, recursive paths and macros', () => {
    const user = fc.constantFrom('a', 'A', 'ſ', '/a', '*');
    const macros: fc.Arbitrary<MacroMode> = fc.oneof(
      fc.constant({ kind: 'literal' as const }),
      fc.constant({ kind: 'wildcard' as const }),
      fc.constant({ kind: 'request' as const }),
      user.map((u) => ({ kind: 'request' as const, user: u })),
    );
    fc.assert(
      fc.property(
        fc.array(
          fc.oneof(
            anyPattern,
            near.map(([p]) => p),
          ),
          { maxLength: 3 },
        ),
        fc.array(
          fc.oneof(
            text(chars, 10),
            near.map(([, v]) => v),
          ),
          { minLength: 0, maxLength: 3 },
        ),
        fc.record({ isExcludes: fc.boolean(), isRecursive: fc.boolean() }),
        options,
        fc.boolean(),
        fc.array(macros, { minLength: 1, maxLength: 3 }),
        (values, requested, flags, opts, recursiveSupported, modes) => {
          const policy: RangerPolicyResource = { values, ...flags };
          const other = { ignoreCase: !opts.ignoreCase, wildcard: !opts.wildcard };
          // The same resource asked again, under another definition, in other macro modes, with one value or
          // several: the compiled form is built once per definition and must answer every later question the way
          // matching afresh does.
          for (const [o, recursive] of [
            [opts, recursiveSupported],
            [other, !recursiveSupported],
            [opts, recursiveSupported],
          ] as const) {
            const def = defWith(o, recursive);
            for (const mode of modes) {
              const expected = straightforward(policy, requested, o, recursive, mode);
              const label = JSON.stringify({ values, requested, flags, o, recursive, mode });
              expect(valueMatches(policy, requested, 'path', def, mode), label).toBe(expected);
              if (requested.length === 1)
                expect(valueMatches(policy, requested[0]!, 'path', def, mode), label).toBe(expected);
            }
          }
        },
      ),
      { numRuns: 1500 },
    );
  });
});
