import os from 'node:os';
import { type BenchResult, type Figure, verdict } from './harness.js';

export interface RunInfo {
  quick: boolean;
  startedAt: Date;
  ms: number;
  command: string;
}

const fmt = (n: number) =>
  Number.isInteger(n) ? n.toLocaleString('en-US') : n.toLocaleString('en-US', { maximumFractionDigits: 2 });
const cell = (s: string) => s.replace(/\|/g, '\\|');

/** bench/RESULTS.md: the machine, the run, then a table per benchmark with the target and PASS/MISS beside each figure. */
export function resultsMarkdown(results: BenchResult[], run: RunInfo): string {
  const cpus = os.cpus();
  const models = [...new Set(cpus.map((c) => c.model.trim()))].join(', ');
  const targeted = results.flatMap((r) => r.figures.filter((f) => f.target).map((f) => verdict(f)));
  const lines = [
    '# Benchmark results',
    '',
    `Written by \`npm run bench${run.quick ? ' -- --quick' : ''}\` (\`tsx bench/main.ts\`); every benchmark ran in this one run, so ratios compare like with like.`,
    '',
    `- date: ${run.startedAt.toISOString()}`,
    `- mode: ${run.quick ? 'quick (small catalogs, short runs; for tests, not for the targets)' : 'full'}`,
    `- the whole run took: ${(run.ms / 1000).toFixed(1)} s (${(run.ms / 60000).toFixed(1)} min)`,
    `- machine: ${cpus.length} x ${models}, ${(os.totalmem() / 2 ** 30).toFixed(1)} GiB RAM, ${os.type()} ${os.release()} ${os.arch()}`,
    `- node ${process.version}`,
    `- targets met: ${targeted.filter((v) => v === 'PASS').length} of ${targeted.length}`,
    '',
    'A target is the one from the issue that set it (issues 7, 10, 11, 14); PASS/MISS compares the measured figure with it, nothing rounded in its favour. Figures without a target are context.',
    '',
    '![results](results.svg)',
    '',
  ];
  for (const r of results) {
    lines.push(
      `## ${r.title}`,
      '',
      `Settings: ${r.settings}. Took ${(r.ms / 1000).toFixed(1)} s.`,
      '',
      '| measured | value | target | result |',
      '|---|---:|---:|:---:|',
    );
    for (const f of r.figures) {
      lines.push(
        `| ${cell(f.label)}${f.note ? ` (${cell(f.note)})` : ''} | ${fmt(f.value)}${f.unit ? ` ${cell(f.unit)}` : ''} | ${f.target ? cell(f.target) : ''} | ${verdict(f)} |`,
      );
    }
    lines.push('');
    for (const n of r.notes) lines.push(`- ${n}`);
    if (r.notes.length) lines.push('');
  }
  return `${lines.join('\n')}\n`;
}

interface Bar {
  label: string;
  value: number;
  unit: string;
  target?: number;
  pass?: boolean;
}

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/**
 * bench/results.svg: one panel per figure that has a target, a horizontal bar for the measured value and a tick at
 * the target, on a log scale when the two are orders of magnitude apart. Hand-written SVG, no dependency.
 */
export function resultsSvg(results: BenchResult[], run: RunInfo): string {
  const bars: Bar[] = results.flatMap((r) =>
    r.figures
      .filter((f): f is Figure & { target: string } => Boolean(f.target))
      .map((f) => {
        const target = Number(/[\d.,]+/.exec(f.target)?.[0].replace(/,/g, ''));
        return { label: `${r.title}: ${f.label}`, value: f.value, unit: f.unit, target, pass: verdict(f) === 'PASS' };
      }),
  );
  const width = 980,
    left = 430,
    barWidth = 420,
    rowH = 34,
    top = 56;
  const height = top + bars.length * rowH + 40;
  const rows = bars.map((b, i) => {
    const max = Math.max(b.value, b.target ?? 0) * 1.1 || 1;
    const logScale =
      (b.target ?? 0) > 0 && b.value > 0 && Math.max(b.value, b.target!) / Math.min(b.value, b.target!) > 50;
    const x = (v: number) =>
      logScale ? (Math.log10(Math.max(v, 1)) / Math.log10(max)) * barWidth : (v / max) * barWidth;
    const y = top + i * rowH;
    const color = b.pass ? '#2e7d32' : '#c62828';
    return [
      `<text x="${left - 10}" y="${y + 16}" text-anchor="end" font-size="11">${esc(b.label.length > 70 ? `${b.label.slice(0, 67)}...` : b.label)}</text>`,
      `<rect x="${left}" y="${y + 4}" width="${Math.max(1, x(b.value)).toFixed(1)}" height="16" fill="${color}" opacity="0.85"/>`,
      b.target !== undefined
        ? `<line x1="${(left + x(b.target)).toFixed(1)}" x2="${(left + x(b.target)).toFixed(1)}" y1="${y}" y2="${y + 24}" stroke="#000" stroke-width="2"/>`
        : '',
      `<text x="${left + barWidth + 12}" y="${y + 16}" font-size="11">${esc(`${fmt(b.value)} ${b.unit}`.trim())} (target ${fmt(b.target ?? NaN)}${logScale ? ', log scale' : ''}) ${b.pass ? 'PASS' : 'MISS'}</text>`,
    ].join('\n  ');
  });
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width + 240}" height="${height}" font-family="sans-serif">`,
    `  <rect width="100%" height="100%" fill="#fff"/>`,
    `  <text x="16" y="24" font-size="15" font-weight="bold">policysync benchmark${run.quick ? ' (quick mode)' : ''}: measured (bar) against target (black tick)</text>`,
    `  <text x="16" y="42" font-size="11">${esc(`${run.startedAt.toISOString()}, ${os.cpus().length} cores, node ${process.version}; green PASS, red MISS`)}</text>`,
    `  ${rows.join('\n  ')}`,
    '</svg>',
    '',
  ].join('\n');
}
