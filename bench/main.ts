/**
 * `npm run bench` (full: the issues' settings, states how long it took) or `npm run bench -- --quick` (under a
 * minute); `--only <row>` (fan-out, policy-change, principals, sweeper, intake, latency) runs one row alone and only
 * prints its figures (`--json`: the row's result as JSON). Writes bench/RESULTS.md and bench/results.svg (quick:
 * RESULTS-quick.md, results-quick.svg); progress on stderr, a one-line summary per target on stdout.
 */
import { parseArgs } from 'node:util';
import { verdict } from './harness.js';
import { ALONE, runBench } from './run.js';

const { values } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false },
    only: { type: 'string' },
    // fan-out alone, a smaller or larger run than the mode's: --tables 10000 --schemas 100 --workers 1,2 --latency 100
    tables: { type: 'string' },
    schemas: { type: 'string' },
    workers: { type: 'string' },
    latency: { type: 'string' },
    // the workers' node arguments instead of the deployment's (infra/worker-arguments.ts), as --node-args='...'; '' for none
    'node-args': { type: 'string' },
    // with --only: the row's result as one line of JSON on stdout, for a full run that runs the row in a child
    json: { type: 'boolean', default: false },
  },
});
if (values.only !== undefined) {
  const row = ALONE[values.only];
  if (!row) throw new Error(`--only knows ${Object.keys(ALONE).join(', ')}, not ${values.only}`);
  const r = await row(values.quick, {
    ...(values.tables ? { tables: Number(values.tables) } : {}),
    ...(values.schemas ? { schemas: Number(values.schemas) } : {}),
    ...(values.workers ? { workers: values.workers.split(',').map(Number) } : {}),
    ...(values.latency ? { latencyMs: Number(values.latency) } : {}),
    ...(values['node-args'] !== undefined ? { nodeArgs: values['node-args'].split(' ').filter(Boolean) } : {}),
  });
  if (values.json) {
    console.log(JSON.stringify(r));
    process.exit(0);
  }
  for (const f of r.figures)
    console.log(
      `${f.target ? verdict(f).padEnd(4) : '    '}  ${r.title}: ${f.label} = ${f.value} ${f.unit}${f.target ? ` (target ${f.target})` : ''}${f.note ? ` [${f.note}]` : ''}`,
    );
  for (const n of r.notes) console.log(`note: ${n}`);
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
