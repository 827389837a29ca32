import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { selfSignedWithNodeCrypto } from './x509.js';

export interface SelfSignedCertificate {
  cert: string;
  key: string;
}
export type CertificateMaker = 'openssl' | 'node-crypto';

async function withOpenssl(): Promise<SelfSignedCertificate | undefined> {
  const dir = await mkdtemp(join(tmpdir(), 'dbx-emulator-tls-'));
  try {
    const keyFile = join(dir, 'key.pem'),
      certFile = join(dir, 'cert.pem');
    await promisify(execFile)('openssl', [
      'req',
      '-x509',
      '-newkey',
      'ec',
      '-pkeyopt',
      'ec_paramgen_curve:prime256v1',
      '-nodes',
      '-keyout',
      keyFile,
      '-out',
      certFile,
      '-days',
      '7',
      '-subj',
      '/CN=127.0.0.1',
      '-addext',
      'subjectAltName=IP:127.0.0.1,DNS:localhost',
      '-addext',
      'basicConstraints=critical,CA:TRUE',
    ]);
    return { cert: await readFile(certFile, 'utf8'), key: await readFile(keyFile, 'utf8') };
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined; // no openssl CLI here
    throw new Error(`openssl could not make the emulator's TLS certificate: ${(error as Error).message}`);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/**
 * A throwaway certificate for 127.0.0.1 and localhost: the driver always speaks https and verifies the
 * server. Made with the openssl CLI where there is one, with node:crypto otherwise.
 */
export async function selfSignedCertificate(maker: CertificateMaker = 'openssl'): Promise<SelfSignedCertificate> {
  return (maker === 'openssl' ? await withOpenssl() : undefined) ?? selfSignedWithNodeCrypto();
}
