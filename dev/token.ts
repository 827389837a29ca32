/**
 * `npm run token` — prints a JWT for this deployment's key, and nothing else, on stdout: the counterpart of
 * the seed product's jwt-token.txt, ready for `curl -H "Authorization: Bearer $(npm run -s token)"`.
 *
 * Key: JWT_SECRET (HS256), or JWT_PRIVATE_KEY (PEM text) / JWT_PRIVATE_KEY_PATH (PEM file) for RS256 / ES256,
 * the private half of JWT_PUBLIC_KEY. Claims: JWT_ISSUER and JWT_AUDIENCE when set, `sub` from --subject.
 *
 *   tsx dev/token.ts [--ttl 3600] [--subject policysync-dev]
 */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { AuthError } from '../shared/auth/errors.js';
import { mintToken } from '../shared/auth/mint.js';
import { isEntryPoint } from '../shared/entry-point.js';

const USAGE = 'usage: npm run token -- [--ttl <seconds, default 3600>] [--subject <sub, default policysync-dev>]';

/** Thrown for bad command-line arguments; main prints it with the usage line. */
export class UsageError extends Error {}

/** The token for the key and claims in `env`, shaped by the command-line `args`. */
export async function tokenFromEnvironment(args: string[], env: NodeJS.ProcessEnv): Promise<string> {
  let values: { ttl?: string; subject?: string; help?: boolean };
  try {
    ({ values } = parseArgs({
      args,
      options: {
        ttl: { type: 'string' },
        subject: { type: 'string', default: 'policysync-dev' },
        help: { type: 'boolean', short: 'h' },
      },
      strict: true,
      allowPositionals: false,
    }));
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  if (values.help) throw new UsageError('');
  const ttlSeconds = values.ttl === undefined ? undefined : Number(values.ttl);
  if (ttlSeconds !== undefined && !(Number.isInteger(ttlSeconds) && ttlSeconds > 0)) {
    throw new UsageError(`--ttl must be a positive whole number of seconds, not ${values.ttl}`);
  }
  return mintToken({
    secret: nonBlank(env.JWT_SECRET),
    privateKeyPem: privateKeyPem(env),
    issuer: nonBlank(env.JWT_ISSUER),
    audience: nonBlank(env.JWT_AUDIENCE),
    subject: values.subject,
    ttlSeconds,
  });
}

function privateKeyPem(env: NodeJS.ProcessEnv): string | undefined {
  const text = nonBlank(env.JWT_PRIVATE_KEY),
    path = nonBlank(env.JWT_PRIVATE_KEY_PATH);
  if (text !== undefined && path !== undefined) {
    throw new AuthError('CONFIG', 'JWT_PRIVATE_KEY and JWT_PRIVATE_KEY_PATH are both set; set one');
  }
  if (path === undefined) return text;
  try {
    return readFileSync(path, 'utf8');
  } catch (cause) {
    throw new AuthError(
      'CONFIG',
      `JWT_PRIVATE_KEY_PATH: cannot read ${path} (${(cause as NodeJS.ErrnoException).code ?? 'error'})`,
      { cause },
    );
  }
}

function nonBlank(value: string | undefined): string | undefined {
  return value !== undefined && value.trim() !== '' ? value : undefined;
}

async function main(): Promise<number> {
  try {
    process.stdout.write(`${await tokenFromEnvironment(process.argv.slice(2), process.env)}\n`);
    return 0;
  } catch (error) {
    if (error instanceof UsageError) {
      process.stderr.write(`${error.message ? `token: ${error.message}\n` : ''}${USAGE}\n`);
      return 2;
    }
    process.stderr.write(`token: ${error instanceof AuthError ? error.message : String(error)}\n`);
    return 1;
  }
}

if (isEntryPoint(import.meta.url)) process.exitCode = await main();
