import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildPackage, DEPLOY_HOST, MAIN, PackageHostError, thisHost } from '../../dev/package.js';
import { extractZip, zipEntries } from './zip-reader.js';

// Builds the deployment zip once (npm run build into a staging dir + production dependencies; ~30 s), then checks
// that it holds what the Functions host needs and nothing it doesn't, and that it loads on its own.
const root = new URL('../../', import.meta.url).pathname;
const work = mkdtempSync(join(tmpdir(), 'policysync-package-test-'));
const zipPath = join(work, 'policysync.zip');
const unzipped = join(work, 'unzipped');
let names: string[] = [];

beforeAll(async () => {
  await buildPackage({ root, out: zipPath, dir: unzipped });
  names = zipEntries(readFileSync(zipPath)).map((e) => e.name);
}, 240_000);

// Removing the unzipped package (its production node_modules) takes a while on a busy machine.
afterAll(() => rmSync(work, { recursive: true, force: true }), 120_000);

const top = (name: string) => name.split('/')[0]!;
const outsideNodeModules = () => names.filter((n) => top(n) !== 'node_modules');

describe('the deployment package', () => {
  it('holds the compiled functions, host.json, package.json and the Functions library', () => {
    for (const needed of [
      MAIN,
      'dist/functions/registry.js',
      'dist/shared/config.js',
      'dist/shared/settings-list.js',
      'host.json',
      'package.json',
      'console/index.html',
      'console/console.js',
      'console/console.css',
      'node_modules/@azure/functions/package.json',
      'node_modules/zod/package.json',
      'node_modules/jose/package.json',
    ]) {
      expect(names, needed).toContain(needed);
    }
  });

  it('holds nothing but dist/functions, dist/shared, console, host.json, package.json and node_modules at its root', () => {
    expect([...new Set(names.map(top))].sort()).toEqual([
      'console',
      'dist',
      'host.json',
      'node_modules',
      'package.json',
    ]);
    expect(
      [
        ...new Set(
          names
            .filter((n) => top(n) === 'dist')
            .map((n) => n.split('/')[1])
            .filter(Boolean),
        ),
      ].sort(),
    ).toEqual(['functions', 'shared']);
  });

  it('holds no sources, tests, dev tools or local settings', () => {
    expect(
      outsideNodeModules().filter(
        (n) => /\.(ts|tsx)$/.test(n) || /(^|\/)(test|dev|bench|infra)\//.test(n) || /local\.settings/.test(n),
      ),
    ).toEqual([]);
    expect(names.filter((n) => /(^|\/)local\.settings(\.sample)?\.json$/.test(n))).toEqual([]);
  });

  it('holds production dependencies only', () => {
    const manifest = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as {
      dependencies: Record<string, string>;
      devDependencies: Record<string, string>;
    };
    for (const dep of Object.keys(manifest.dependencies))
      expect(names, dep).toContain(`node_modules/${dep}/package.json`);
    const prod = new Set(Object.keys(manifest.dependencies));
    // A dev dependency may still ship when a production package needs it too; these never do.
    for (const dev of ['vitest', 'typescript', 'tsx', 'azurite', 'archiver', '@cdktf/hcl2json', 'fast-check'].filter(
      (d) => !prod.has(d),
    )) {
      expect(names, dev).not.toContain(`node_modules/${dev}/package.json`);
    }
    expect(names.filter((n) => n.startsWith('node_modules/.bin/'))).toEqual([]);
  });

  it('declares the entry point and the dependencies, and no dev tooling, in its package.json', async () => {
    const dir = mkdtempSync(join(work, 'manifest-'));
    extractZip(zipPath, dir);
    const manifest = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as Record<string, unknown>;
    expect(manifest.main).toBe(MAIN);
    expect(manifest.type).toBe('module');
    expect(manifest).not.toHaveProperty('devDependencies');
    expect(manifest).not.toHaveProperty('scripts');
    expect(JSON.parse(readFileSync(join(dir, 'host.json'), 'utf8'))).toEqual(
      JSON.parse(readFileSync(join(root, 'host.json'), 'utf8')),
    );

    // The package loads with nothing but its own node_modules (the temp dir has no node_modules above it).
    const run = spawnSync(
      process.execPath,
      ['--input-type=module', '-e', `await import('./${MAIN}'); console.log('policysync-loaded')`],
      {
        cwd: dir,
        encoding: 'utf8',
        timeout: 60_000,
        env: {
          PATH: process.env.PATH ?? '',
          CONNECTOR_KIND: 'snowflake',
          CONNECTOR_INSTANCE: 'package-test',
          SNOWFLAKE_ACCOUNT: 'acme',
          SNOWFLAKE_USERNAME: 'POLICYSYNC',
          SNOWFLAKE_PASSWORD: 'package-test',
          AzureWebJobsStorage: 'UseDevelopmentStorage=true',
          JWT_SECRET: 'x'.repeat(40),
          POLICY_FILE: join(dir, 'policies.json'),
        },
      },
    );
    expect(run.status, run.stderr).toBe(0);
    expect(run.stdout).toContain('policysync-loaded');
  }, 120_000);
});

describe('where the package is built', () => {
  it('is this machine, which these tests need to be the platform Azure Functions runs on', () => {
    expect(thisHost()).toEqual(DEPLOY_HOST);
  });

  it('is Linux x64 with glibc only: anywhere else it refuses before building, and says where to build instead', async () => {
    for (const host of [
      { platform: 'darwin', arch: 'arm64', libc: 'none' },
      { platform: 'win32', arch: 'x64', libc: 'none' },
      { platform: 'linux', arch: 'arm64', libc: 'glibc' },
      { platform: 'linux', arch: 'x64', libc: 'musl' },
    ] as const) {
      const out = join(work, `refused-${host.platform}-${host.arch}-${host.libc}.zip`);
      const error = await buildPackage({ root, out, host }).catch((e: unknown) => e);
      expect(error, JSON.stringify(host)).toBeInstanceOf(PackageHostError);
      expect((error as Error).message).toContain(`this machine is ${host.platform}-${host.arch}`);
      expect((error as Error).message).toMatch(
        /builds on linux-x64 \(glibc\) only[\s\S]*native builds[\s\S]*ubuntu-latest/,
      );
      expect(existsSync(out)).toBe(false);
    }
  });

  it('shows in the package: the native builds it holds are the Linux x64 glibc ones', () => {
    const packages = names
      .filter((n) => /^node_modules\/(?:@[^/]+\/)?[^/]+\/package\.json$/.test(n))
      .map((n) => n.slice('node_modules/'.length, -'/package.json'.length));
    expect(packages).toContain('@databricks/databricks-sql-kernel-linux-x64-gnu');
    expect(
      packages.filter((p) =>
        /(darwin|win32|musl|android|freebsd|openharmony|arm64|ia32|arm-|ppc64|s390x|riscv64)/.test(p),
      ),
    ).toEqual([]);
  });
});

describe('the unzipped package (--dir, for Core Tools)', () => {
  it('holds exactly the files of the zip', () => {
    const files = (dir: string): string[] =>
      readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
        e.isDirectory() ? files(join(dir, e.name)) : [relative(unzipped, join(dir, e.name))],
      );
    expect(files(unzipped).sort()).toEqual(names.filter((n) => !n.endsWith('/')).sort());
  });

  it('is refused when the folder already holds files, before anything is built', async () => {
    await expect(buildPackage({ root, out: join(work, 'second.zip'), dir: unzipped })).rejects.toThrow(/is not empty/);
    expect(existsSync(join(work, 'second.zip'))).toBe(false);
  });

  it('is refused when the zip would be written inside it', async () => {
    const dir = join(work, 'holds-the-zip');
    await expect(buildPackage({ root, out: join(dir, 'policysync.zip'), dir })).rejects.toThrow(/inside --dir/);
    expect(existsSync(dir)).toBe(false);
  });

  it('is left as it was found, empty, when the build fails', async () => {
    const dir = join(work, 'failed-build');
    mkdirSync(dir);
    const noProject = join(work, 'no-project');
    await expect(buildPackage({ root: noProject, out: join(work, 'failed.zip'), dir })).rejects.toThrow(/npm run/);
    expect(readdirSync(dir)).toEqual([]);
  });
});

describe('.funcignore', () => {
  const patterns = readFileSync(join(root, '.funcignore'), 'utf8')
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l && !l.startsWith('#'));
  // Anchored patterns only, so this matcher is exact: "/x/" a directory at the root, "/x" a root path, "*" a glob.
  const ignored = (path: string) =>
    patterns.some((p) => {
      const re = new RegExp(
        `^${p
          .slice(1)
          .replace(/\/$/, '')
          .replace(/[.+^${}()|[\]\\]/g, '\\$&')
          .replace(/\*/g, '[^/]*')}(/|$)`,
      );
      return re.test(path);
    });

  it('anchors every pattern at the root', () => {
    expect(patterns.filter((p) => !p.startsWith('/'))).toEqual([]);
  });

  it('keeps every file of the zip outside node_modules', () => {
    expect(outsideNodeModules().filter((n) => !n.endsWith('/') && ignored(n))).toEqual([]);
  });

  it('leaves out everything at the root that the zip leaves out', () => {
    // The repository's own root entries (git's list; scratch files of a working tree are not part of it).
    const git = spawnSync('git', ['ls-files', '--cached'], { cwd: root, encoding: 'utf8' });
    const entries =
      git.status === 0 ? [...new Set(git.stdout.split('\n').filter(Boolean).map(top))] : readdirSync(root);
    const kept = entries.filter((n) => !ignored(n));
    expect(kept.filter((n) => !['dist', 'host.json', 'package.json', 'node_modules', 'console'].includes(n))).toEqual(
      [],
    );
    for (const path of [
      'functions/index.ts',
      'shared/config.ts',
      'test/infra/package.test.ts',
      'dev/package.ts',
      'local.settings.json',
      'dist/test/x.js',
      'dist/dev/start.js',
      'node_modules/.bin/tsc',
    ]) {
      expect(ignored(path), path).toBe(true);
    }
  });
});
