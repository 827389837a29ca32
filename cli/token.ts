/**
 * `policysync token [--ttl seconds] [--subject sub]`: a JWT for the configured key, for POLICYSYNC_TOKEN.
 * Key: JWT_SECRET (HS256), or JWT_PRIVATE_KEY (PEM text) / JWT_PRIVATE_KEY_PATH (PEM file) for RS256 / ES256;
 * claims: JWT_ISSUER and JWT_AUDIENCE when set — the settings the service verifies with.
 */
import { readFileSync } from 'node:fs';
import { Command, InvalidArgumentError } from 'commander';
import { AuthError } from '../shared/auth/errors.js';
import { DEFAULT_TTL_SECONDS, mintToken } from '../shared/auth/mint.js';
import { CliError } from './cli-error.js';
import { EXIT } from './exit-status.js';
import type { Runner } from './follow.js';
import type { Io, Output } from './output.js';

interface TokenOptions {
  ttl: number;
  subject: string;
}

export function tokenCommand(run: Runner): Command {
  return new Command('token')
    .description(
      'mint a token for the configured key (JWT_SECRET, or JWT_PRIVATE_KEY / JWT_PRIVATE_KEY_PATH; JWT_ISSUER, JWT_AUDIENCE)',
    )
    .option('--ttl <seconds>', 'lifetime in seconds', parseTtl, DEFAULT_TTL_SECONDS)
    .option('--subject <sub>', 'the sub claim', 'policysync-cli')
    .action(async (opts: TokenOptions) => run((out, io) => token(opts, out, io)));
}

export async function token(opts: TokenOptions, out: Output, io: Io): Promise<number> {
  const env = io.env;
  let jwt: string;
  try {
    jwt = await mintToken({
      secret: nonBlank(env.JWT_SECRET),
      privateKeyPem: privateKeyPem(env),
      issuer: nonBlank(env.JWT_ISSUER),
      audience: nonBlank(env.JWT_AUDIENCE),
      subject: opts.subject,
      ttlSeconds: opts.ttl,
    });
  } catch (err) {
    if (err instanceof AuthError) throw new CliError('CONFIG', err.message);
    throw err;
  }
  if (out.json) out.document({ token: jwt, expiresIn: opts.ttl });
  else out.line(jwt);
  return EXIT.SUCCESS;
}

function parseTtl(value: string): number {
  const ttl = Number(value);
  if (!Number.isInteger(ttl) || ttl <= 0)
    throw new InvalidArgumentError(`--ttl must be a positive whole number of seconds, not '${value}'`);
  return ttl;
}

function privateKeyPem(env: Record<string, string | undefined>): string | undefined {
  const text = nonBlank(env.JWT_PRIVATE_KEY),
    path = nonBlank(env.JWT_PRIVATE_KEY_PATH);
  if (text !== undefined && path !== undefined)
    throw new CliError('CONFIG', 'JWT_PRIVATE_KEY and JWT_PRIVATE_KEY_PATH are both set; set one');
  if (path === undefined) return text;
  try {
    return readFileSync(path, 'utf8');
  } catch (cause) {
    throw new CliError(
      'CONFIG',
      `JWT_PRIVATE_KEY_PATH: cannot read ${path} (${(cause as NodeJS.ErrnoException).code ?? 'error'})`,
    );
  }
}

function nonBlank(value: string | undefined): string | undefined {
  return value !== undefined && value.trim() !== '' ? value : undefined;
}
