import { isEntryPoint } from '../shared/entry-point.js';
import { SETTINGS } from '../shared/settings-list.js';

const escape = (s: string) => s.replace(/\|/g, '\\|');

/** The README's settings table, from the one list the config module parses (`npm run settings-table` prints it). */
export function settingsTable(): string {
  const lines = ['| Setting | Default | Secret | Meaning |', '|---|---|---|---|'];
  for (const s of SETTINGS)
    lines.push(
      `| \`${s.name}\` | ${s.default !== undefined && s.default !== '' ? `\`${escape(s.default)}\`` : ''} | ${s.secret ? 'yes' : ''} | ${escape(s.description)} |`,
    );
  return `${lines.join('\n')}\n`;
}

if (isEntryPoint(import.meta.url)) process.stdout.write(settingsTable());
