import { globMatcher } from '../shared/plan/glob.js';
import { ANY_ONE, ANY_RUN, matchCodes, wildcardMatches } from '../shared/policy/wildcard.js';
import { type BenchResult, type Figure, now, percentile, progress, round } from './harness.js';

/** The RegExp translation of a Ranger pattern that wildcard.ts replaced: the "before" of this benchmark. */
export function backtrackingMatcher(pattern: string, ignoreCase: boolean): RegExp {
  const body = pattern
    .split('')
    .map((c) => (c === '*' ? '.*' : c === '?' ? '.' : c.replace(/[\\^$.+()[\]{}|/-]/g, '\\$&')))
    .join('');
  return new RegExp(`^${body}$`, ignoreCase ? 'is' : 's');
}

/** `pattern` and `text` with every element read counted: the work a match does, independent of the clock. */
export function countingReads(pattern: ArrayLike<number>, text: ArrayLike<number>) {
  const reads = { pattern: 0, text: 0 };
  const counted = (a: ArrayLike<number>, which: keyof typeof reads) =>
    new Proxy(a, {
      get: (target, key) => {
        if (typeof key === 'string' && /^\d+$/.test(key)) reads[which]++;
        return Reflect.get(target, key);
      },
    });
  return { pattern: counted(pattern, 'pattern'), text: counted(text, 'text'), reads };
}

export interface Matching extends BenchResult {
  raw: {
    beforeAfter: { pattern: string; regexpMs: number; matcherUs: number; agree: boolean }[];
    patterns: { label: string; pattern: string; steps: number; cpuUs: number; p50Us: number; p99Us: number }[];
    glob: { pattern: string; cpuUs: number; p99Us: number; agree: boolean };
  };
}

const NAME = 'a'.repeat(255);
const PATTERN_CHARS = 64;

/**
 * Ranger wildcard and IGNORE_* glob matching of a 255-character name against patterns of up to 64 characters:
 * the RegExp translation (before) and the matcher (after) side by side on `*a*a…*b`, whose backtracking grows
 * about sixty-fold per star, then the matcher alone on the worst 64-character patterns: the known shapes, and the
 * one with the most steps among `searched` random ones. Steps are counted through a Proxy, after which the matcher's
 * loop runs slower (its element reads have met a second kind of object): the known shapes and the glob are timed
 * before any counting, the searched pattern after it, so its figure errs high.
 */
export async function matching(opts: { regexpStars: number; runs: number; searched: number }): Promise<Matching> {
  const started = now();
  const ranger = (pattern: string) => () => wildcardMatches(pattern, NAME, { ignoreCase: true, wildcard: true });

  const beforeAfter: Matching['raw']['beforeAfter'] = [];
  for (let stars = 1; stars <= opts.regexpStars; stars++) {
    const pattern = `${'*a'.repeat(stars)}*b`;
    const re = backtrackingMatcher(pattern, true);
    const cpu = process.cpuUsage();
    const before = re.test(NAME);
    const used = process.cpuUsage(cpu);
    const regexpMs = (used.user + used.system) / 1000;
    const after = timings(ranger(pattern), opts.runs);
    beforeAfter.push({
      pattern,
      regexpMs: round(regexpMs, 2),
      matcherUs: round(after.cpu, 1),
      agree: before === ranger(pattern)(),
    });
    progress(
      `matching: ${pattern} against 255 characters: RegExp ${round(regexpMs, 1)} ms, matcher ${round(after.cpu, 1)} µs`,
    );
  }

  const shapes = [
    { label: 'stars and letters, `*a*a…*b`', pattern: `${'*a'.repeat(PATTERN_CHARS / 2 - 1)}*b` },
    { label: 'one star and a long tail, `*aaa…ab`', pattern: `*${'a'.repeat(PATTERN_CHARS - 2)}b` },
    { label: 'one star and question marks, `*???…?b`', pattern: `*${'?'.repeat(PATTERN_CHARS - 2)}b` },
  ];
  const timed = ({ label, pattern }: { label: string; pattern: string }) => {
    const t = timings(ranger(pattern), opts.runs);
    return { label, pattern, steps: 0, cpuUs: round(t.cpu, 1), p50Us: round(t.p50, 1), p99Us: round(t.p99, 1) };
  };
  const patterns = shapes.map(timed);
  const slowestShape = patterns.reduce((a, b) => (b.cpuUs > a.cpuUs ? b : a));
  const ignored = globMatcher([slowestShape.pattern]);
  const g = timings(() => ignored(NAME), opts.runs);
  const glob = {
    pattern: slowestShape.pattern,
    cpuUs: round(g.cpu, 1),
    p99Us: round(g.p99, 1),
    agree: ignored(NAME) === ranger(slowestShape.pattern)(),
  };
  for (const p of patterns) p.steps = stepsFor(p.pattern);
  const searched = mostSteps(opts.searched);
  patterns.push({
    ...timed({ label: 'the most steps of the random search', pattern: searched.pattern }),
    steps: searched.steps,
  });
  const slowest = patterns.reduce((a, b) => (b.cpuUs > a.cpuUs ? b : a));
  progress(
    `matching: slowest 64-character pattern (${slowest.label}) ${slowest.cpuUs} µs; ${slowestShape.label} as a glob ${glob.cpuUs} µs`,
  );

  const ms = (us: number) => round(us / 1000, 4);
  const figures: Figure[] = [
    ...beforeAfter.flatMap((b) => [
      { label: `RegExp (before): \`${b.pattern}\` (${b.pattern.length} characters)`, value: b.regexpMs, unit: 'ms' },
      { label: `matcher (after): \`${b.pattern}\``, value: ms(b.matcherUs), unit: 'ms' },
    ]),
    ...patterns.map((p) => ({
      label: `matcher, 64 characters, ${p.label}`,
      value: ms(p.cpuUs),
      unit: 'ms',
      note: `${p.steps.toLocaleString('en-US')} steps; wall p50 ${p.p50Us} µs, p99 ${p.p99Us} µs`,
    })),
    { label: 'the slowest of those, Ranger matching', value: ms(slowest.cpuUs), unit: 'ms', target: '< 1' },
    {
      label: `the slowest shape (${slowestShape.label}) as an IGNORE_* glob`,
      value: ms(glob.cpuUs),
      unit: 'ms',
      target: '< 1',
      note: `wall p99 ${glob.p99Us} µs`,
    },
  ];
  return {
    name: 'matching',
    title: 'Wildcard matching, 255-character name',
    settings: `name = 255 × "a", case-insensitive (Ranger's default); matcher: CPU time per match, mean of ${opts.runs} after as many warm-up ones; RegExp: CPU time of one match per pattern (up to ${opts.regexpStars} stars); ${opts.searched} random 64-character patterns over {a, b, *, ?} searched for the most steps`,
    figures,
    notes: [
      `The RegExp translation grows about sixty-fold per \`*a\` (${beforeAfter.map((b) => `${b.pattern.length} characters: ${b.regexpMs} ms`).join(', ')}); at that rate the 64-character \`*a*a…*b\` would not finish. Both gave the same answers: ${beforeAfter.every((b) => b.agree) && glob.agree ? 'yes' : 'NO'}.`,
      `The pattern with the most steps the random search found: \`${patterns.at(-1)!.pattern}\`. A step is one turn of the matcher's loop (a read of a pattern token), at most about (n+1)·(m+1) = ${((NAME.length + 1) * (PATTERN_CHARS + 1)).toLocaleString('en-US')}.`,
      "The matcher's figure is CPU time, which other processes on the machine cannot inflate; the wall-time percentiles beside it include being descheduled and garbage collection. Each call folds the case of pattern and name afresh (nothing is cached).",
    ],
    ms: now() - started,
    raw: { beforeAfter, patterns, glob },
  };
}

/**
 * Per call, in microseconds, over `runs` calls after as many warm-up ones: the process's CPU time (mean), which other
 * processes on the machine cannot inflate, and the wall time of each call (p50, p99: these include being descheduled).
 */
function timings(fn: () => boolean, runs: number): { cpu: number; p50: number; p99: number } {
  for (let i = 0; i < runs; i++) fn();
  const wall: number[] = [];
  const cpu = process.cpuUsage();
  for (let i = 0; i < runs; i++) {
    const t = now();
    fn();
    wall.push((now() - t) * 1000);
  }
  const used = process.cpuUsage(cpu);
  return { cpu: (used.user + used.system) / runs, p50: percentile(wall, 50), p99: percentile(wall, 99) };
}

const codes = (pattern: string) =>
  Int32Array.from(pattern, (c) => (c === '*' ? ANY_RUN : c === '?' ? ANY_ONE : c.charCodeAt(0)));
const NAME_CODES = Uint16Array.from(NAME, (c) => c.charCodeAt(0));

function stepsFor(pattern: string): number {
  const c = countingReads(codes(pattern), NAME_CODES);
  matchCodes(c.pattern, c.text);
  return c.reads.pattern;
}

/** The random 64-character pattern over {a, b, *, ?} that takes the most steps against the name (seeded: reproducible). */
function mostSteps(count: number): { pattern: string; steps: number } {
  let seed = 0x9e3779b9;
  const next = () => {
    seed = (Math.imul(seed ^ (seed >>> 15), 0x2c1b3c6d) + 0x6d2b79f5) >>> 0;
    return seed / 2 ** 32;
  };
  let most = { pattern: '*', steps: -1 };
  for (let i = 0; i < count; i++) {
    const starShare = next() * 0.5;
    const pattern = Array.from({ length: PATTERN_CHARS }, () => {
      const r = next();
      return r < starShare ? '*' : r < starShare + 0.1 ? '?' : r < 0.97 ? 'a' : 'b';
    }).join('');
    const steps = stepsFor(pattern);
    if (steps > most.steps) most = { pattern, steps };
  }
  return most;
}
