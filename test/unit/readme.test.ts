import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { settingsTable } from '../../dev/settings-table.js';
import { SETTINGS } from '../../shared/settings-list.js';

const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');

describe('README', () => {
  it('starts with the two commands that start the service and run every test', () => {
    const firstBlock = /```sh\n([\s\S]*?)```/.exec(readme)![1]!;
    expect(firstBlock).toContain('npm install && npm start');
    expect(firstBlock).toContain('npm install && npm test');
  });

  it('holds the settings table exactly as `npm run -s settings-table` prints it from the settings list', () => {
    const lines = readme.slice(readme.indexOf('| Setting | Default | Secret | Meaning |')).split('\n');
    const table = lines.slice(
      0,
      lines.findIndex((l) => !l.startsWith('|')),
    );
    expect(`${table.join('\n')}\n`, 'regenerate the table with npm run -s settings-table').toBe(settingsTable());
  });

  it('lists every setting the configuration reads, with its default', () => {
    for (const s of SETTINGS) {
      const row = readme.split('\n').find((l) => l.startsWith(`| \`${s.name}\` |`));
      expect(row, s.name).toBeDefined();
      if (s.default) expect(row).toContain(`\`${s.default}\``);
    }
  });
});
