import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { decodeJwt } from 'jose';
import { afterAll, describe, expect, it } from 'vitest';
import { tokenFromEnvironment, UsageError } from '../../../dev/token.js';
import { createVerifier } from '../../../shared/auth/verify.js';
import { CLAIMS, ecPair, SECRET } from './fixtures.js';

const root = fileURLToPath(new URL('../../../', import.meta.url));
const scratch = mkdtempSync(join(tmpdir(), 'policysync-token-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

describe('npm run token (dev/token.ts)', () => {
  it('mints a token the configured HS256 verifier accepts, with JWT_ISSUER and JWT_AUDIENCE', async () => {
    const env = { JWT_SECRET: SECRET, JWT_ISSUER: 'https://issuer.test', JWT_AUDIENCE: 'policysync' };
    const token = await tokenFromEnvironment(['--subject', 'alice', '--ttl', '120'], env);
    const caller = await createVerifier({ secret: SECRET, issuer: env.JWT_ISSUER, audience: env.JWT_AUDIENCE })(token);
    expect(caller.subject).toBe('alice');
    expect(caller.claims.exp! - caller.claims.iat!).toBe(120);
  });

  it('signs with the private key file named by JWT_PRIVATE_KEY_PATH', async () => {
    const ec = ecPair();
    const path = join(scratch, 'key.pem');
    writeFileSync(path, ec.privateKey);
    const token = await tokenFromEnvironment([], {
      JWT_PRIVATE_KEY_PATH: path,
      JWT_ISSUER: CLAIMS.issuer,
      JWT_AUDIENCE: CLAIMS.audience,
    });
    expect((await createVerifier({ publicKey: ec.publicKey, ...CLAIMS })(token)).subject).toBe('policysync-dev');
  });

  it('refuses an unknown option or a bad --ttl as a usage error', async () => {
    await expect(tokenFromEnvironment(['--tll', '5'], { JWT_SECRET: SECRET })).rejects.toBeInstanceOf(UsageError);
    await expect(tokenFromEnvironment(['--ttl', '1h'], { JWT_SECRET: SECRET })).rejects.toBeInstanceOf(UsageError);
  });

  it('prints only the token on stdout when run as a script', async () => {
    const { stdout, stderr } = await promisify(execFile)(
      process.execPath,
      ['--import', 'tsx', 'dev/token.ts', '--ttl', '60'],
      {
        cwd: root,
        env: { PATH: process.env.PATH, JWT_SECRET: SECRET },
      },
    );
    expect(stderr).toBe('');
    expect(stdout).toMatch(/^[\w-]+\.[\w-]+\.[\w-]+\n$/);
    expect(decodeJwt(stdout.trim()).sub).toBe('policysync-dev');
  });

  it('exits 1 with a message on stderr and nothing on stdout when no key is configured', async () => {
    const result = await promisify(execFile)(process.execPath, ['--import', 'tsx', 'dev/token.ts'], {
      cwd: root,
      env: { PATH: process.env.PATH },
    }).then(
      () => undefined,
      (e: { code: number; stdout: string; stderr: string }) => e,
    );
    expect(result).toMatchObject({ code: 1, stdout: '' });
    expect(result!.stderr).toMatch(/^token: no signing key: set JWT_SECRET/);
  });
});
