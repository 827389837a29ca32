import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { runScenario } from './run-scenario.js';
import type { Target } from './scenario.js';
import { SCENARIOS } from './scenarios.js';

/** Registers every scenario against `target`: the emulator suites in `npm test` and the live suite call this alone. */
export function scenarioSuite(target: Target, timeoutMs = 30_000): void {
  describe.sequential(`connector scenarios on ${target.label}`, () => {
    afterEach(() => target.cleanup(), timeoutMs);
    afterAll(() => target.dispose(), timeoutMs);
    for (const s of SCENARIOS) {
      it(
        s.name,
        async () => {
          const result = await runScenario(s, await target.prepare(s));
          expect(result.first.status, result.first.message).toBe(s.expect.status);
          expect(result.missing).toEqual([]);
          expect(result.unexpected).toEqual([]);
          // A second sync with nothing changed writes nothing.
          expect(result.second.status, result.second.message).toBe(s.expect.status);
          expect(result.second.result?.statements ?? []).toEqual([]);
        },
        timeoutMs,
      );
    }
  });
}
