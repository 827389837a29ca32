#!/usr/bin/env node
/**
 * `policysync`: the command-line client of the task API. One file per command; this one builds the program,
 * maps every error to one line and exit status 2, and runs when it is the process's entry point.
 */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Command, CommanderError, Option } from 'commander';
import { WAREHOUSES } from '../shared/connectors/modules.js';
import { isEntryPoint } from '../shared/entry-point.js';
import { CliError } from './cli-error.js';
import { doctorCommand } from './doctor.js';
import { EXIT } from './exit-status.js';
import { DEFAULT_WAIT_SECONDS, type GlobalOptions, type Runner } from './follow.js';
import { listCommand } from './list.js';
import { type Io, Output } from './output.js';
import { planCommand } from './plan.js';
import { statusCommand } from './status.js';
import { syncCommand } from './sync.js';
import { tokenCommand } from './token.js';

const HELP_AFTER = `
Resources are <type> <name>, the name in dotted parts; quote a part that needs it, as the warehouse does:
  table SALES.PUBLIC.ORDERS   schema SALES.PUBLIC   database SALES   column SALES.PUBLIC.ORDERS.AMOUNT
  table 'SALES.PUBLIC."Order Items"'   (Snowflake reads "..." exactly; a dot inside quotes is part of the name; "" is a quote)
  --kind databricks_unity_catalog: catalog main   schema main.sales   table main.sales.orders   view main.sales.v

Environment: POLICYSYNC_URL, POLICYSYNC_TOKEN, POLICYSYNC_KIND; for token: JWT_SECRET or JWT_PRIVATE_KEY(_PATH),
JWT_ISSUER, JWT_AUDIENCE.

Exit status: 0 SUCCESS, 1 FAILED, 2 usage, auth, HTTP or network error, 3 SKIPPED, 4 still running.
doctor: 0 when no check FAILs, 1 otherwise; it reads the service's own settings (CONNECTOR_KIND, SNOWFLAKE_*, ...).

Examples:
  export POLICYSYNC_URL=http://127.0.0.1:7071 POLICYSYNC_TOKEN=$(policysync token)
  policysync plan table SALES.PUBLIC.ORDERS
  policysync sync table SALES.PUBLIC.ORDERS schema SALES.FINANCE --wait
  policysync status 914198697734279168 --wait 60 --json
  policysync list --status FAILED --since 24h
  policysync doctor`;

/** The program, writing through `io`; each command's exit status is handed to `exit`. */
export function buildProgram(io: Io, exit: (code: number) => void): Command {
  const program = new Command('policysync')
    .description('On-demand Apache Ranger policy sync: submit, plan and follow sync tasks')
    .version(packageVersion(), '-V, --version')
    .option('--url <url>', 'API URL, like http://127.0.0.1:7071 (env POLICYSYNC_URL)')
    .option('--token <jwt>', 'bearer token (env POLICYSYNC_TOKEN)')
    .addOption(
      new Option(
        '--kind <kind>',
        'connector kind: how resource names map to identifiers (env POLICYSYNC_KIND; default snowflake)',
      ).choices([...new Set(WAREHOUSES.flatMap((w) => [w.kind, w.name]))]),
    )
    .option('--json', 'machine-readable output only: one JSON document on stdout')
    .addHelpText('after', HELP_AFTER)
    .showSuggestionAfterError()
    .exitOverride()
    .configureOutput({ writeOut: (s) => io.stdout(s), writeErr: (s) => io.stderr(s) });

  const run: Runner = async (action) => {
    const globals = program.opts<GlobalOptions>();
    const out = new Output(io, globals.json === true);
    try {
      exit(await action(out, io, globals));
    } catch (err) {
      if (!(err instanceof CliError)) throw err;
      out.error(err);
      exit(EXIT.ERROR);
    }
  };
  for (const command of [
    tokenCommand(run),
    syncCommand(run),
    planCommand(run),
    statusCommand(run),
    listCommand(run),
    doctorCommand(run),
  ]) {
    program.addCommand(command.copyInheritedSettings(program));
  }
  return program;
}

/** Runs the command line `args` (without node and the script) and returns the exit status. */
export async function main(args: string[], io: Io): Promise<number> {
  let code: number = EXIT.ERROR;
  const program = buildProgram(io, (c) => {
    code = c;
  });
  try {
    await program.parseAsync(waitWithoutValue(args), { from: 'user' });
    return code;
  } catch (err) {
    // commander has written its message (or the help); --help and --version end 0, every usage mistake 2.
    if (err instanceof CommanderError) return err.exitCode === 0 ? EXIT.SUCCESS : EXIT.ERROR;
    io.stderr(`policysync: unexpected error: ${(err as Error).stack ?? String(err)}\n`);
    return EXIT.ERROR;
  }
}

/**
 * `--wait` takes an optional number, and commander would take whatever word follows as that number
 * (`--wait table X`, `status --wait 914198697734279168`). A following word is the number only if it looks like
 * seconds (at most five digits); otherwise `--wait` stands alone and means the default.
 */
export function waitWithoutValue(args: string[]): string[] {
  const end = args.indexOf('--');
  return args.map((arg, i) =>
    arg === '--wait' && (end < 0 || i < end) && !/^\d{1,5}(\.\d+)?$/.test(args[i + 1] ?? '')
      ? `--wait=${DEFAULT_WAIT_SECONDS}`
      : arg,
  );
}

function packageVersion(): string {
  // cli/main.ts under tsx, dist/cli/main.js when built: walk up to the package rather than guess the depth.
  for (let dir = dirname(fileURLToPath(import.meta.url)); ; dir = dirname(dir)) {
    try {
      const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { name?: string; version?: string };
      if (pkg.name === 'policysync') return pkg.version ?? '0.0.0';
    } catch {
      /* not here */
    }
    if (dirname(dir) === dir) return '0.0.0';
  }
}

if (isEntryPoint(import.meta.url)) {
  process.exitCode = await main(process.argv.slice(2), {
    stdout: (s) => process.stdout.write(s),
    stderr: (s) => process.stderr.write(s),
    env: process.env,
  });
}
