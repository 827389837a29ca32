import { afterAll, describe, expect, it } from 'vitest';
import { loadCases } from './ranger-cases.js';
import { SKIP_REASONS, SKIPPED_CASES } from './skips.js';

const cases = loadCases();
const counts = { passed: 0, failed: 0, skipped: 0 };
const skippedByReason = new Map<string, number>();

describe('Apache Ranger conformance suites', () => {
  for (const file of [...new Set(cases.map((c) => c.file))]) {
    describe(file, () => {
      for (const c of cases.filter((x) => x.file === file)) {
        const reason = SKIPPED_CASES[file]?.[c.name];
        if (reason) {
          counts.skipped++;
          skippedByReason.set(reason, (skippedByReason.get(reason) ?? 0) + 1);
          it.skip(`${c.name} [skipped: ${reason}]`, () => {});
          continue;
        }
        it(c.name, () => {
          try {
            c.run();
            counts.passed++;
          } catch (error) {
            counts.failed++;
            throw error;
          }
        });
      }
    });
  }

  it('skips only cases that exist, each for a listed reason', () => {
    for (const [file, skipped] of Object.entries(SKIPPED_CASES)) {
      for (const [name, reason] of Object.entries(skipped)) {
        expect(
          cases.some((c) => c.file === file && c.name === name),
          `${file}: ${name}`,
        ).toBe(true);
        expect(SKIP_REASONS[reason]).toBeTruthy();
      }
    }
  });
});

afterAll(() => {
  const total = cases.length;
  const executed = total - counts.skipped;
  const lines = [
    `Ranger conformance: ${counts.passed} passed, ${counts.failed} failed, ${counts.skipped} skipped of ${total} cases ` +
      `(${((100 * executed) / total).toFixed(1)}% executed)`,
    ...[...skippedByReason].map(
      ([reason, n]) => `  skipped ${n} × ${reason}: ${SKIP_REASONS[reason as keyof typeof SKIP_REASONS]}`,
    ),
  ];
  console.log(lines.join('\n'));
});
