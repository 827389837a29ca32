import { SETTINGS } from '../shared/settings-list.js';

// Prints the README's settings table from the one list the config module parses (`npm run settings-table`).
const escape = (s: string) => s.replace(/\|/g, '\\|');
const lines = ['| Setting | Default | Secret | Meaning |', '|---|---|---|---|'];
for (const s of SETTINGS) lines.push(`| \`${s.name}\` | ${s.default !== undefined && s.default !== '' ? `\`${escape(s.default)}\`` : ''} | ${s.secret ? 'yes' : ''} | ${escape(s.description)} |`);
process.stdout.write(`${lines.join('\n')}\n`);
