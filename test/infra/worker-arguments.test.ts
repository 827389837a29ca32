import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { NODE_WORKER_ARGUMENTS, workerNodeArgs } from '../../infra/worker-arguments.js';
import { objectEntries, readBicep } from './bicep-reader.js';
import { readTerraform } from './terraform-reader.js';

// The worker's heap bound is deployed by both templates and measured by the fan-out bench: all three must be the
// one value infra/worker-arguments.ts holds, and node must take it.
const infra = new URL('../../infra/', import.meta.url).pathname;
const SETTING = 'languageWorkers__node__arguments';

describe("the Node.js worker's arguments", () => {
  it('are what Bicep deploys', () => {
    const settings = objectEntries(readBicep(join(infra, 'main.bicep')).variable('appSettings'));
    expect(settings.get(SETTING)).toBe(`'${NODE_WORKER_ARGUMENTS}'`);
  });

  it('are what Terraform deploys', async () => {
    const tf = await readTerraform(join(infra, 'terraform'));
    expect((tf.locals.app_settings as Record<string, string>)[SETTING]).toBe(NODE_WORKER_ARGUMENTS);
  });

  // V8 gives a 2 GB instance an old generation of 512 MB by itself: a bound that is not below that changes nothing there.
  it('start node, with a heap bounded below what V8 would give a 2 GB instance', () => {
    const r = spawnSync(
      process.execPath,
      [...workerNodeArgs(), '-e', 'console.log(require("v8").getHeapStatistics().heap_size_limit)'],
      { encoding: 'utf8' },
    );
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(Number(r.stdout) / 2 ** 20).toBeLessThan(512);
  });
});
