import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FLEX_DEPRECATED_APP_SETTINGS, HOST_SETTINGS, NOT_DEPLOYED } from '../../infra/settings.js';
import { SETTINGS } from '../../shared/settings-list.js';
import { objectEntries, readBicep } from './bicep-reader.js';
import { runtimeStorage } from './expected-infra.js';
import { readTerraform } from './terraform-reader.js';

// One list of settings (shared/settings-list.ts) feeds the config parser and both templates: these tests fail when
// a setting is added to the code but not deployed, or deployed but never read. The fix is named in the message.
const root = new URL('../../', import.meta.url).pathname;
const declared = new Set(SETTINGS.map((s) => s.name));
const deployable = SETTINGS.map((s) => s.name).filter((n) => !(n in NOT_DEPLOYED));

const bicepSettings = objectEntries(readBicep(join(root, 'infra/main.bicep')).variable('appSettings'));
let terraform: ReturnType<typeof readTerraform> | undefined;
const terraformSettings = async () => {
  const tf = await (terraform ??= readTerraform(join(root, 'infra/terraform')));
  return new Map(Object.entries(tf.locals.app_settings as Record<string, string>));
};

const HOW_TO_FIX =
  'add it to `var appSettings` in infra/main.bicep and `locals.app_settings` in infra/terraform/app.tf ' +
  '(a secret as a Key Vault reference, with a @secure parameter / sensitive variable), or name it in NOT_DEPLOYED in ' +
  'infra/settings.ts with the reason';

describe.each([
  ['Bicep', async () => bicepSettings],
  ['Terraform', terraformSettings],
])('%s app settings', (_name, load) => {
  it('sets every setting the code reads, except the ones named in NOT_DEPLOYED', async () => {
    const set = await load();
    const missing = deployable.filter((n) => !set.has(n));
    expect(missing, `settings the code reads but the template does not set: ${HOW_TO_FIX}`).toEqual([]);
  });

  it("sets nothing the code does not read, except the Functions host's own settings", async () => {
    const set = await load();
    const unread = [...set.keys()].filter((n) => !declared.has(n) && !(n in HOST_SETTINGS));
    expect(
      unread,
      'settings the template sets but no code reads: declare them in shared/settings-list.ts, or name them in HOST_SETTINGS in infra/settings.ts',
    ).toEqual([]);
  });

  it('never sets a setting that must not be deployed, nor one Flex Consumption deprecates', async () => {
    const set = await load();
    expect([...set.keys()].filter((n) => n in NOT_DEPLOYED)).toEqual([]);
    expect([...set.keys()].filter((n) => n in FLEX_DEPRECATED_APP_SETTINGS)).toEqual([]);
  });

  it('sets every secret as a Key Vault reference', async () => {
    const set = await load();
    const secrets = SETTINGS.filter((s) => s.secret && !(s.name in NOT_DEPLOYED)).map((s) => s.name);
    const plain = secrets.filter((n) => !/kvRef\(|kv_ref\[/.test(set.get(n) ?? ''));
    expect(plain, 'secret settings must be Key Vault references, never values').toEqual([]);
  });

  it('connects storage and the Event Hub trigger through the managed identity', async () => {
    const set = await load();
    // The connection names the triggers use in functions/*.ts.
    const connections = new Set<string>();
    for (const file of readdirSync(join(root, 'functions'))) {
      for (const m of readFileSync(join(root, 'functions', file), 'utf8').matchAll(/connection:\s*'(\w+)'/g))
        connections.add(m[1]!);
    }
    expect([...connections].sort()).toEqual(['AzureWebJobsStorage', 'EventHubConnection']);
    expect(set.has('AzureWebJobsStorage__accountName')).toBe(true);
    expect(set.has('EventHubConnection__fullyQualifiedNamespace')).toBe(true);
    for (const c of connections) {
      expect(set.get(`${c}__credential`)).toMatch(/managedidentity/);
      expect(set.has(`${c}__clientId`)).toBe(true);
    }
  });
});

describe('the exemption lists', () => {
  it('name only settings the code declares, each with a reason', () => {
    expect(
      Object.keys(NOT_DEPLOYED).filter((n) => !declared.has(n)),
      'stale NOT_DEPLOYED entries',
    ).toEqual([]);
    for (const reason of [...Object.values(NOT_DEPLOYED), ...Object.values(HOST_SETTINGS)])
      expect(reason.length).toBeGreaterThan(20);
  });

  it("keep every setting of the Flex Consumption deprecations table out of the code's list, each with a reason", () => {
    expect(Object.keys(FLEX_DEPRECATED_APP_SETTINGS).filter((n) => declared.has(n) || n in HOST_SETTINGS)).toEqual([]);
    for (const reason of Object.values(FLEX_DEPRECATED_APP_SETTINGS)) expect(reason.length).toBeGreaterThan(10);
    // The rows of the table that deploy and build settings would most often carry over from other plans.
    for (const n of [
      'FUNCTIONS_WORKER_RUNTIME',
      'FUNCTIONS_EXTENSION_VERSION',
      'WEBSITE_RUN_FROM_PACKAGE',
      'WEBSITE_CONTENTSHARE',
      'WEBSITE_CONTENTAZUREFILECONNECTIONSTRING',
      'SCM_DO_BUILD_DURING_DEPLOYMENT',
      'ENABLE_ORYX_BUILD',
      'WEBSITE_NODE_DEFAULT_VERSION',
    ]) {
      expect(FLEX_DEPRECATED_APP_SETTINGS, n).toHaveProperty(n);
    }
  });

  it("keep host settings apart from the code's", () => {
    expect(Object.keys(HOST_SETTINGS).filter((n) => declared.has(n))).toEqual([]);
  });
});

describe('the code', () => {
  it("reads each setting's documented default with the setting's own reader: the list is the parser", () => {
    const unreadable = SETTINGS.filter((s) => s.default !== undefined && !s.value.safeParse(s.default).success).map(
      (s) => s.name,
    );
    expect(unreadable).toEqual([]);
  });

  it('reads no environment variable that is not in the settings list', () => {
    const files = (dir: string): string[] =>
      readdirSync(join(root, dir), { withFileTypes: true }).flatMap((e) =>
        e.isDirectory() ? files(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : [],
      );
    const read = new Set<string>();
    for (const file of [...files('functions'), ...files('shared')]) {
      const text = readFileSync(join(root, file), 'utf8');
      for (const m of text.matchAll(/process\.env(?:\.([A-Za-z_]\w*)|\[\s*['"]([^'"]+)['"]\s*\])/g))
        read.add(m[1] ?? m[2]!);
    }
    expect([...read].filter((n) => !declared.has(n))).toEqual([]);
  });

  it('opens exactly the tables and queues both templates create', async () => {
    const defaults = Object.fromEntries(SETTINGS.map((s) => [s.name, s.default]));
    const opened = runtimeStorage();
    const bicep = readBicep(join(root, 'infra/main.bicep')).text;
    const bicepVars: Record<string, string> = {
      tasksTable: /^var tasksTable = '([^']*)'$/m.exec(bicep)![1]!,
      syncQueue: /^var syncQueue = '([^']*)'$/m.exec(bicep)![1]!,
    };
    expect(bicepVars).toEqual({ tasksTable: defaults.TASKS_TABLE, syncQueue: defaults.SYNC_QUEUE });
    // `[a, '${a}suffix']`: identifiers and strings with ${identifier}.
    const bicepList = (name: string) =>
      /^var (\w+) = \[(.*)\]$/m
        .exec(bicep.split('\n').find((l) => l.startsWith(`var ${name} = [`)) ?? '')![2]!
        .split(',')
        .map((item) => item.trim())
        .map((item) =>
          item.startsWith("'")
            ? item.slice(1, -1).replace(/\$\{(\w+)\}/g, (_m, v: string) => bicepVars[v]!)
            : bicepVars[item]!,
        )
        .sort();
    expect({ tables: bicepList('tables'), queues: bicepList('queues') }).toEqual(opened);

    const tf = await (terraform ??= readTerraform(join(root, 'infra/terraform')));
    expect({ tasks_table: tf.locals.tasks_table, sync_queue: tf.locals.sync_queue }).toEqual({
      tasks_table: defaults.TASKS_TABLE,
      sync_queue: defaults.SYNC_QUEUE,
    });
    // `${toset([local.a, "${local.a}suffix"])}`
    const tfLocals = tf.locals as Record<string, string>;
    const tfList = (name: string) =>
      /^\$\{toset\(\[(.*)\]\)\}$/
        .exec(tfLocals[name] ?? '')![1]!
        .split(',')
        .map((item) => item.trim())
        .map((item) =>
          item.startsWith('"')
            ? item.slice(1, -1).replace(/\$\{local\.(\w+)\}/g, (_m, v: string) => tfLocals[v]!)
            : tfLocals[item.replace(/^local\./, '')]!,
        )
        .sort();
    expect({ tables: tfList('tables'), queues: tfList('queues') }).toEqual(opened);
  });
});

describe('Bicep and Terraform', () => {
  it('set the same app settings', async () => {
    expect([...(await terraformSettings()).keys()].sort()).toEqual([...bicepSettings.keys()].sort());
  });
});
