/**
 * `npm run bench` (full: the issues' settings, states how long it took) or `npm run bench -- --quick` (under a
 * minute); `--policy-change`, `--principals` and `--sweeper` each run that row alone, printed, and write no results
 * file. Writes bench/RESULTS.md and bench/results.svg (quick: RESULTS-quick.md, results-quick.svg);
 * progress on stderr, a one-line summary per target on stdout.
 */
import { parseArgs } from 'node:util';
import { verdict } from './harness.js';
import { runBench, runPolicyChangeBench, runPrincipalBench, runSweeperBench } from './run.js';

const { values } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false },
    'policy-change': { type: 'boolean', default: false },
    principals: { type: 'boolean', default: false },
    sweeper: { type: 'boolean', default: false },
  },
});
const alone = values['policy-change']
  ? await runPolicyChangeBench(values.quick)
  : values.principals
    ? [await runPrincipalBench(values.quick)]
    : values.sweeper
      ? [await runSweeperBench(values.quick)]
      : undefined;
if (alone) {
  for (const r of alone) {
    for (const f of r.figures)
      console.log(
        `${f.target ? verdict(f).padEnd(4) : '    '}  ${r.title}: ${f.label} = ${f.value} ${f.unit}${f.target ? ` (target ${f.target})` : ''}`,
      );
    for (const n of r.notes) console.log(`      ${n}`);
  }
  process.exit(0);
}
const bench = await runBench({ quick: values.quick });
for (const r of bench.results) {
  for (const f of r.figures.filter((x) => x.target))
    console.log(`${verdict(f).padEnd(4)}  ${r.title}: ${f.label} = ${f.value} ${f.unit} (target ${f.target})`);
}
console.log(
  `bench/${values.quick ? 'RESULTS-quick.md' : 'RESULTS.md'} written; the run took ${(bench.run.ms / 1000).toFixed(1)} s`,
);
process.exit(0);
