import type { AddressInfo } from 'node:net';
import { ControlState, type EmulatorControl } from '../control/control-state.js';
import type { Account } from './account.js';
import { parseQualifiedName } from './qualified-name.js';
import { loadCatalog, type SnowflakeCatalog } from './seed.js';
import { type EmulatorUser, SnowflakeServer } from './server.js';

export interface SnowflakeEmulatorOptions {
  /** A catalog object or the path of a JSON catalog file (see seed.ts). */
  catalog: SnowflakeCatalog | string;
  /** 0 or omitted: a free port. */
  port?: number;
  /** Default: [{name: 'POLICYSYNC', password: 'emulator'}]. */
  users?: EmulatorUser[];
}

export interface SnowflakeEmulator {
  /** http://127.0.0.1:PORT — pass as snowflake-sdk's `accessUrl` (with any `account`). */
  url: string;
  /** The in-memory model, to assert on grants directly. */
  account: Account;
  control: EmulatorControl;
  /**
   * Snowflake-specific: ends every driver session (next query: 390111 "Session no longer exists"), to test that a
   * connector re-establishes its long-lived connection. Also POST /__emulator/end-sessions.
   */
  endSessions(): void;
  stop(): Promise<void>;
}

export const DEFAULT_USERS: EmulatorUser[] = [{ name: 'POLICYSYNC', password: 'emulator' }];

export async function startSnowflakeEmulator(opts: SnowflakeEmulatorOptions): Promise<SnowflakeEmulator> {
  const account = await loadCatalog(opts.catalog);
  const control = new ControlState((fqn) => {
    const path = parseQualifiedName(fqn);
    return () => account.drop(path);
  });
  const server = new SnowflakeServer(account, control, opts.users ?? DEFAULT_USERS);
  await new Promise<void>((resolve, reject) => {
    server.http.once('error', reject);
    server.http.listen(opts.port ?? 0, '127.0.0.1', () => resolve());
  });
  const { port } = server.http.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    account,
    control,
    endSessions: () => server.endSessions(),
    stop: () =>
      new Promise<void>((resolve, reject) => {
        server.http.close((err) => (err ? reject(err) : resolve()));
        // The driver keeps sockets alive; without this, close waits for them to time out.
        server.http.closeAllConnections();
      }),
  };
}
