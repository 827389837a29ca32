import { describe, expect, it } from 'vitest';
import { type BenchRun, runBench } from '../../bench/run.js';

// The quick bench, run as a test: counts and invariants, never times (speed targets live in bench/).
describe('quick bench', () => {
  let bench: BenchRun;

  it('runs every benchmark and keeps its invariants', async () => {
    bench = await runBench({ quick: true, write: false, progress: false });
    expect(bench.results.map((r) => r.name)).toEqual([
      'targeted-vs-full',
      'round-trips',
      'api',
      'ingest',
      'burst',
      'scale',
      'latency',
      'matching',
      'policy-change',
      'principal-sync',
      'sweeper',
      'fan-out',
      'intake',
    ]);

    const tvf = bench.targetedVsFull.raw;
    expect(tvf.targetedStatus).toBe('SUCCESS');
    expect(tvf.fullStatus.every((s) => s === 'SUCCESS')).toBe(true);
    expect(tvf.full.roundTrips / tvf.targeted.roundTrips).toBeGreaterThan(1);
    expect(tvf.full.statements / tvf.targeted.statements).toBeGreaterThan(1);
    expect(tvf.full.ms / tvf.targeted.ms).toBeGreaterThan(1);

    const rt = bench.roundTrips.raw;
    for (const m of ['off', 'on'] as const) {
      expect(rt[m].changed).toBeLessThanOrEqual(3);
      expect(rt[m].inSync).toBeLessThanOrEqual(2);
      expect(rt[m].cold).toBeGreaterThanOrEqual(rt[m].changed); // the first sync also lists roles (and policies)
    }
    expect(rt.on.cold).toBeGreaterThan(rt.off.cold); // masking sync only adds reads
    expect([...rt.off.statuses, ...rt.on.statuses].every((s) => s === 'SUCCESS')).toBe(true);

    expect(bench.api.raw.post.requests).toBeGreaterThan(0);
    expect(bench.api.raw.post.non2xx + bench.api.raw.post.errors).toBe(0);
    expect(bench.api.raw.get.non2xx + bench.api.raw.get.errors).toBe(0);

    expect(bench.ingest.raw.created).toBe(bench.ingest.raw.events);
    expect(bench.ingest.raw.failed).toBe(0);

    const burst = bench.burst.raw;
    expect(burst.syncs).toBeGreaterThanOrEqual(1);
    expect(burst.syncs).toBeLessThanOrEqual(2);
    expect(burst.terminal).toBe(burst.tasks);
    expect(burst.success).toBe(burst.tasks);

    for (const s of bench.scale.raw) {
      expect(s.statuses.every((x) => x === 'SUCCESS')).toBe(true);
      expect(s.peakMB).toBeGreaterThan(0);
    }

    for (const mode of ['wait', 'poll'] as const) {
      const l = bench.latency.raw[mode];
      expect(l.samples.length).toBeGreaterThan(0);
      expect(l.statuses.SUCCESS).toBe(l.samples.length);
    }

    const m = bench.matching.raw;
    expect(m.beforeAfter.every((b) => b.agree) && m.glob.agree).toBe(true);
    expect(m.patterns.every((p) => p.steps > 0 && p.steps <= (255 + 1) * (64 + 1) + 64)).toBe(true);

    for (const p of bench.policyChange.raw) {
      expect(p.statuses.every((x) => x === 'SUCCESS')).toBe(true);
      expect(p.listings).toBe(1); // one listing of the one schema the policy names, whatever the catalog's size
      expect(p.roundTrips).toBeLessThanOrEqual(3 * 10 + p.listings);
    }
    const ps = bench.principalSync.raw;
    expect([ps.targeted.status, ps.full.status]).toEqual(['SUCCESS', 'SUCCESS']);
    expect(ps.targeted.roundTrips).toBeLessThanOrEqual(2 * (ps.changed + 1) + 3); // by the groups that changed
    expect(ps.full.roundTrips).toBeLessThanOrEqual(ps.groups + 6); // by the groups, never by the users
    expect(ps.targeted.writes).toBeGreaterThan(0);
    for (const r of bench.sweeper.raw) expect(r.requeued).toBe(2); // the two WAITING tasks whose message was lost
    for (const f of bench.fanOut.raw) {
      expect(f.statuses.every((x) => x === 'SUCCESS')).toBe(true);
      expect(f.units).toBe(4);
      expect(Math.min(...f.peakMB)).toBeGreaterThan(0);
      // Each process measured (a pid not found would leave 0); with 4 units one worker may get none of them.
      expect(Object.keys(f.cpu)).toHaveLength(f.workers + 3);
      const workers = Object.entries(f.cpu).filter(([name]) => name.startsWith('worker'));
      expect(workers.reduce((a, [, seconds]) => a + seconds, 0)).toBeGreaterThan(0);
      expect([f.cpu.emulator, f.cpu['azurite table']].every((seconds) => seconds! > 0)).toBe(true);
    }
    expect(bench.fanOut.raw.map((f) => f.workers)).toEqual([1, 2]);
    const intake = bench.intake.raw;
    expect(intake.lonePostRequests).toBe(4); // index row, task transaction, send, message record
    expect(intake.requestsPerPost).toBeLessThan(3); // the index writes shared under load
    expect(intake.requestsPerEvent).toBeLessThan(3);
  }, 240_000);
});
