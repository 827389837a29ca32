/**
 * `npm run package` — writes `policysync.zip`, the deployment package for Azure Functions (Flex Consumption):
 *
 *   dist/functions/**, dist/shared/**   compiled by `npm run build` (tsconfig.build.json) into a fresh staging dir
 *   host.json                           as in the repository
 *   console/**                          the console's page, script and style, as in the repository
 *   package.json                        dependencies only, "main": "dist/functions/index.js"
 *   node_modules/**                     production dependencies only
 *
 * and nothing else: no tests, no dev/, no TypeScript sources, no local.settings.json. The package is complete, so
 * the platform runs no remote build. `--dir <folder>` also writes the same files unzipped, for Core Tools
 * (`func azure functionapp publish <app> --no-build` from that folder ships exactly what the zip holds).
 *
 * It builds on Linux x64 (glibc) only, the platform Azure Functions runs on: production dependencies carry native
 * builds per platform (the Databricks SQL kernel, lz4), and npm installs only the host's.
 *
 * Production dependencies come from the installed tree (`npm ls --omit=dev`), which CI and `npm ci` install from
 * the lock file; `--fresh` installs them instead with `npm ci --omit=dev` in the staging dir (needs the registry).
 *
 *   tsx dev/package.ts [--out policysync.zip] [--dir <folder>] [--fresh]
 */
import { spawnSync } from 'node:child_process';
import {
  cpSync,
  createWriteStream,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { ZipArchive } from 'archiver';
import { isEntryPoint } from '../shared/entry-point.js';

export interface PackageOptions {
  /** Repository root (holds package.json, host.json, tsconfig.build.json). */
  root: string;
  /** Path of the zip to write. */
  out: string;
  /** Also write the package's files, unzipped, to this folder (absent or empty). */
  dir?: string;
  /** Install production dependencies with `npm ci --omit=dev` instead of copying them from node_modules. */
  fresh?: boolean;
  /** The machine the package is built on; this one unless given. */
  host?: BuildHost;
  log?: (line: string) => void;
}

/** What decides which native builds npm installs: operating system, CPU and C library. */
export interface BuildHost {
  platform: string;
  arch: string;
  libc: 'glibc' | 'musl' | 'none';
}

/** Azure Functions on Linux (Flex Consumption): x64, glibc. */
export const DEPLOY_HOST: BuildHost = { platform: 'linux', arch: 'x64', libc: 'glibc' };

export function thisHost(): BuildHost {
  const header = (process.report.getReport() as { header?: { glibcVersionRuntime?: string } }).header;
  const libc = process.platform !== 'linux' ? 'none' : header?.glibcVersionRuntime ? 'glibc' : 'musl';
  return { platform: process.platform, arch: process.arch, libc };
}

export class PackageHostError extends Error {
  readonly code = 'PACKAGE_HOST';
  constructor(host: BuildHost) {
    super(
      `npm run package builds on ${hostLabel(DEPLOY_HOST)} only, and this machine is ${hostLabel(host)}. Production ` +
        "dependencies carry native builds per platform (@databricks/sql's kernel, lz4-napi) and npm installed this " +
        "machine's, so the package would fail in Azure Functions. Build it on Linux x64: a CI runner (ubuntu-latest), " +
        'WSL 2, or a node:22 container on an x64 machine (`docker run --rm -v "$PWD":/src -w /src node:22 ' +
        'sh -c "npm ci && npm run package"`).',
    );
    this.name = 'PackageHostError';
  }
}

const hostLabel = (h: BuildHost) => `${h.platform}-${h.arch}${h.libc === 'none' ? '' : ` (${h.libc})`}`;

export interface PackageResult {
  out: string;
  bytes: number;
  files: number;
}

/** The entry point the Functions host loads (package.json "main"). */
export const MAIN = 'dist/functions/index.js';

export async function buildPackage(opts: PackageOptions): Promise<PackageResult> {
  const host = opts.host ?? thisHost();
  if (host.platform !== DEPLOY_HOST.platform || host.arch !== DEPLOY_HOST.arch || host.libc !== DEPLOY_HOST.libc)
    throw new PackageHostError(host);
  if (opts.dir && existsSync(opts.dir) && readdirSync(opts.dir).length > 0)
    throw new Error(`--dir ${opts.dir} is not empty`);
  const dir = opts.dir ? resolve(opts.dir) : undefined;
  if (dir && isInside(dir, resolve(opts.out)))
    throw new Error(`--out ${opts.out} is inside --dir ${opts.dir}: the zip would hold itself`);
  const dirExisted = dir !== undefined && existsSync(dir);
  const log = opts.log ?? (() => {});
  const root = resolve(opts.root);
  // With --dir the package is staged right there: its 28,000 files are written once, not written and then copied.
  const stage = dir ?? mkdtempSync(join(tmpdir(), 'policysync-package-'));
  mkdirSync(stage, { recursive: true });
  let built = false;
  try {
    log('compiling functions/ and shared/ (npm run build)');
    // Compiling into the staging dir, not ./dist, keeps stale files of deleted sources out of the package.
    run('npm', ['run', '-s', 'build', '--', '--outDir', join(stage, 'dist')], root);
    if (!existsSync(join(stage, MAIN))) throw new Error(`the build did not produce ${MAIN}`);

    const manifest = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as Record<string, unknown>;
    cpSync(join(root, 'host.json'), join(stage, 'host.json'));
    cpSync(join(root, 'console'), join(stage, 'console'), { recursive: true });

    if (opts.fresh) {
      log('installing production dependencies (npm ci --omit=dev)');
      // npm ci wants the manifest that matches the lock file; the trimmed one replaces it afterwards.
      cpSync(join(root, 'package.json'), join(stage, 'package.json'));
      cpSync(join(root, 'package-lock.json'), join(stage, 'package-lock.json'));
      run('npm', ['ci', '--omit=dev', '--no-audit', '--no-fund'], stage);
      rmSync(join(stage, 'package-lock.json'));
      pruneBuildOnlyFiles(join(stage, 'node_modules'));
    } else {
      log('copying production dependencies (npm ls --omit=dev)');
      copyProductionDependencies(root, stage);
    }
    rmSync(join(stage, 'node_modules', '.bin'), { recursive: true, force: true });
    rmSync(join(stage, 'node_modules', '.package-lock.json'), { force: true });

    writeFileSync(join(stage, 'package.json'), `${JSON.stringify(deployManifest(manifest), null, 2)}\n`);

    log(`writing ${opts.out}`);
    mkdirSync(dirname(resolve(opts.out)), { recursive: true });
    const files = await zipDirectory(stage, resolve(opts.out));
    built = true;
    return { out: resolve(opts.out), bytes: statSync(resolve(opts.out)).size, files };
  } finally {
    if (!dir) rmSync(stage, { recursive: true, force: true });
    else if (!built) {
      // A failed build leaves --dir as it found it: absent or empty.
      rmSync(dir, { recursive: true, force: true });
      if (dirExisted) mkdirSync(dir);
    }
  }
}

const isInside = (parent: string, path: string) => {
  const rel = relative(parent, path);
  return !rel.startsWith('..') && !isAbsolute(rel);
};

/** What the host needs from package.json: the module type, the entry point and the runtime dependencies. */
export function deployManifest(manifest: Record<string, unknown>): Record<string, unknown> {
  const keep = ['name', 'version', 'description', 'private', 'type', 'engines', 'dependencies'];
  return { ...Object.fromEntries(keep.filter((k) => k in manifest).map((k) => [k, manifest[k]])), main: MAIN };
}

/**
 * Copies every installed production package, at the same path, without its nested node_modules (those are
 * listed, and copied, on their own when they are production dependencies too).
 */
function copyProductionDependencies(root: string, stage: string): void {
  const listed = run(
    'npm',
    ['ls', '--omit=dev', '--all', '--parseable'],
    root,
    'the installed dependencies do not match package-lock.json; run `npm ci` first',
  );
  const modules = join(root, 'node_modules') + sep;
  for (const path of listed
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l.startsWith(modules))) {
    const rel = relative(root, path);
    cpSync(path, join(stage, rel), {
      recursive: true,
      filter: (src) =>
        src === path || (!relative(path, src).split(sep).includes('node_modules') && !BUILD_ONLY.test(src)),
    });
  }
}

/**
 * Type declarations and source maps of the dependencies: nothing loads them at run time (the host runs Node without
 * --enable-source-maps), and they are about 60 % of the dependencies' files, so most of the zip's size and the
 * time to write and deploy it.
 */
const BUILD_ONLY = /\.(d\.[cm]?ts|map)$/;

function pruneBuildOnlyFiles(modules: string): void {
  for (const entry of readdirSync(modules, { recursive: true, withFileTypes: true }))
    if (entry.isFile() && BUILD_ONLY.test(entry.name)) rmSync(join(entry.parentPath, entry.name));
}

async function zipDirectory(dir: string, out: string): Promise<number> {
  const archive = new ZipArchive({ zlib: { level: 6 } });
  const stream = createWriteStream(out);
  let files = 0;
  archive.on('entry', () => {
    files += 1;
  });
  const done = new Promise<void>((ok, fail) => {
    stream.on('close', ok);
    stream.on('error', fail);
    archive.on('error', fail);
    archive.on('warning', fail);
  });
  archive.pipe(stream);
  archive.directory(dir, false);
  await archive.finalize();
  await done;
  return files;
}

function run(command: string, args: string[], cwd: string, hint?: string): string {
  const result = spawnSync(command, args, {
    cwd,
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
    shell: process.platform === 'win32',
  });
  if (result.status !== 0) {
    const output = `${result.stdout ?? ''}${result.stderr ?? ''}`.trim().split('\n').slice(-20).join('\n');
    throw new Error(
      `${command} ${args.join(' ')} failed (${result.error?.message ?? `exit ${result.status}`})${hint ? `: ${hint}` : ''}\n${output}`,
    );
  }
  return result.stdout;
}

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      out: { type: 'string', default: 'policysync.zip' },
      dir: { type: 'string' },
      fresh: { type: 'boolean', default: false },
    },
    strict: true,
  });
  const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
  try {
    const r = await buildPackage({
      root,
      out: resolve(values.out),
      ...(values.dir ? { dir: resolve(values.dir) } : {}),
      fresh: values.fresh,
      log: (l) => process.stderr.write(`package: ${l}\n`),
    });
    process.stdout.write(
      `${relative(process.cwd(), r.out) || basename(r.out)}: ${r.files} files, ${(r.bytes / 1024 / 1024).toFixed(1)} MiB\n`,
    );
    return 0;
  } catch (error) {
    process.stderr.write(`package: ${(error as Error).message}\n`);
    return 1;
  }
}

if (isEntryPoint(import.meta.url)) process.exitCode = await main();
