/**
 * The little every benchmark shares: a monotonic clock, percentiles, peak RSS sampling and progress lines on
 * stderr (stdout stays free for whoever runs the bench). Results are plain data; report.ts renders them.
 */

/** Milliseconds on a monotonic clock. */
export const now = (): number => Number(process.hrtime.bigint()) / 1e6;

/** Runs `fn` and returns its result with the wall time it took, in milliseconds. */
export async function timed<T>(fn: () => Promise<T>): Promise<{ value: T; ms: number }> {
  const started = now();
  const value = await fn();
  return { value, ms: now() - started };
}

/** The p-th percentile (0..100) of `values` by nearest rank; NaN for none. */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1]!;
}

/**
 * Samples this process's resident set every `everyMs` until stopped; `peak` is the larger of the sampled maximum
 * and the kernel's own high-water mark (getrusage maxRSS), so a spike between samples still counts.
 */
export function rssSampler(everyMs = 25): {
  stop(): { peakBytes: number; sampledPeakBytes: number; peakHeapBytes: number };
} {
  let sampled = process.memoryUsage.rss(),
    heap = process.memoryUsage().heapUsed;
  const timer = setInterval(() => {
    sampled = Math.max(sampled, process.memoryUsage.rss());
    heap = Math.max(heap, process.memoryUsage().heapUsed);
  }, everyMs);
  timer.unref();
  return {
    stop: () => {
      clearInterval(timer);
      sampled = Math.max(sampled, process.memoryUsage.rss());
      return {
        peakBytes: Math.max(sampled, process.resourceUsage().maxRSS * 1024),
        sampledPeakBytes: sampled,
        peakHeapBytes: heap,
      };
    },
  };
}

let quietProgress = false;
/** Silences progress lines (the test runs the bench quietly). */
export function setQuiet(quiet: boolean): void {
  quietProgress = quiet;
}

/** A progress line on stderr, stamped with the seconds since the run began. */
const runStarted = now();
export function progress(message: string): void {
  if (!quietProgress)
    process.stderr.write(`[bench ${((now() - runStarted) / 1000).toFixed(1).padStart(6)} s] ${message}\n`);
}

/** Resolves when `check` returns true, polling every `everyMs`; throws after `timeoutMs`. */
export async function until(
  check: () => Promise<boolean> | boolean,
  timeoutMs: number,
  everyMs = 50,
  what = 'condition',
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(everyMs);
  }
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** One row of a result table: the measured figure, the target beside it, and whether it was met. */
export interface Figure {
  label: string;
  value: number;
  unit: string;
  /** e.g. '>= 100', '<= 3'; absent for figures reported for context only. */
  target?: string;
  note?: string;
}

export interface BenchResult {
  name: string;
  title: string;
  settings: string;
  figures: Figure[];
  /** Free text under the table: why a target is missed and what would reach it, how the figure was taken. */
  notes: string[];
  ms: number;
}

/** PASS / MISS for a figure with a target like '>= 100' or '< 256'; '' when it has none. */
export function verdict(f: Figure): '' | 'PASS' | 'MISS' {
  if (!f.target) return '';
  const m = /^(<=|>=|<|>)\s*([\d.,]+)/.exec(f.target);
  if (!m) return '';
  const t = Number(m[2]!.replace(/,/g, ''));
  const ok = m[1] === '<=' ? f.value <= t : m[1] === '>=' ? f.value >= t : m[1] === '<' ? f.value < t : f.value > t;
  return ok ? 'PASS' : 'MISS';
}

export const mb = (bytes: number) => Math.round((bytes / 1024 / 1024) * 10) / 10;
export const round = (n: number, digits = 1) => Math.round(n * 10 ** digits) / 10 ** digits;
