import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { WAREHOUSES } from '../../shared/connectors/modules.js';
import { COMMON_SETTINGS } from '../../shared/settings-list.js';

// The warehouse kind is decided once, at start-up, by picking its module (shared/connectors/modules.ts): no code
// outside a warehouse's own folders names a kind to branch on it. This test fails when one does.
const root = new URL('../../', import.meta.url).pathname;
const files = (dir: string): string[] =>
  readdirSync(join(root, dir), { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? files(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : [],
  );

const names = WAREHOUSES.map((w) => w.name);
/** A warehouse's own code: its connector folder, its emulator, its local demo. */
const isWarehouseOwn = (file: string) =>
  names.some(
    (name) =>
      file.startsWith(`shared/connectors/${name}/`) ||
      file.startsWith(`dev/emulators/${name}/`) ||
      file === `dev/warehouses/${name}.ts`,
  );
const EXEMPT: Record<string, string> = {
  'shared/settings-list.ts': 'CONNECTOR_KIND defaults to snowflake, as the seed product does',
  'shared/policy/service-defs.ts': "Ranger's own service-definition names, which the modules refer to",
  'shared/sync/masking/model.ts': "the masking dialect's Ranger service tag, a type nothing branches on",
};
const KIND_LITERAL = new RegExp(`(['"\`])(${[...WAREHOUSES.map((w) => w.kind), 'memory'].join('|')})\\1`);

describe('the warehouse seam', () => {
  it("leaves every connector kind out of the code outside the warehouses' own folders", () => {
    const named = ['shared', 'functions', 'cli', 'dev']
      .flatMap(files)
      .filter((file) => !isWarehouseOwn(file) && !(file in EXEMPT))
      .flatMap((file) =>
        readFileSync(join(root, file), 'utf8')
          .split('\n')
          .flatMap((line, i) => (KIND_LITERAL.test(line) ? [`${file}:${i + 1}: ${line.trim()}`] : [])),
      );
    expect(named, 'decide by the warehouse module (config.warehouse.module) instead').toEqual([]);
  });

  it("keeps each module's settings to itself: no two warehouses, and no warehouse and the common list, declare one setting", () => {
    const all = [...COMMON_SETTINGS, ...WAREHOUSES.flatMap((w) => w.settings)].map((s) => s.name);
    expect(all.filter((name, i) => all.indexOf(name) !== i)).toEqual([]);
  });
});
