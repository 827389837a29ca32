import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { rangerUserStoreSource } from '../../shared/principals/ranger-user-store-source.js';

/** A stand-in for Ranger Admin's user-store and role downloads, answering 304 while a version is current. */
class FakeUserStoreAdmin {
  userStoreVersion = 3;
  roleVersion = 9;
  userGroupMapping: Record<string, string[]> = { ann: ['analysts'], bob: ['analysts', 'finance'] };
  roles = [{ name: 'auditor', users: [{ name: 'cat', isAdmin: false }], groups: [{ name: 'finance' }], roles: [] }];
  requests: string[] = [];
  down = false;
  private server?: Server;

  async start(): Promise<string> {
    this.server = createServer((req, res) => this.answer(req, res));
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  async stop(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise<void>((resolve) => this.server?.close(() => resolve()));
  }

  private answer(req: IncomingMessage, res: ServerResponse): void {
    this.requests.push(req.url ?? '');
    if (this.down) return void res.writeHead(503).end();
    if (req.headers.authorization !== `Basic ${Buffer.from('admin:s3cret').toString('base64')}`)
      return void res.writeHead(401).end();
    const url = new URL(req.url ?? '/', 'http://x');
    const json = (body: unknown) =>
      res.writeHead(200, { 'Content-Type': 'application/json' }).end(JSON.stringify(body));
    if (url.pathname === '/service/xusers/secure/download/sf_prod') {
      if (Number(url.searchParams.get('lastKnownUserStoreVersion')) === this.userStoreVersion)
        return void res.writeHead(304).end();
      return void json({
        userStoreVersion: this.userStoreVersion,
        userGroupMapping: this.userGroupMapping,
        userAttrMapping: { dan: {} },
        groupAttrMapping: { empty_group: {} },
      });
    }
    if (url.pathname === '/service/roles/secure/download/sf_prod') {
      if (Number(url.searchParams.get('lastKnownRoleVersion')) === this.roleVersion)
        return void res.writeHead(304).end();
      return void json({ serviceName: 'sf_prod', roleVersion: this.roleVersion, rangerRoles: this.roles });
    }
    res.writeHead(404).end();
  }
}

describe('rangerUserStoreSource against the downloads Ranger plugins poll', () => {
  let admin: FakeUserStoreAdmin;
  let url: string;
  const source = (password = 's3cret') =>
    rangerUserStoreSource({ url, serviceName: 'sf_prod', username: 'admin', password });
  beforeEach(async () => {
    admin = new FakeUserStoreAdmin();
    url = await admin.start();
  });
  afterEach(() => admin.stop());

  it('reads users, groups with their members, and roles with their users, groups and roles', async () => {
    const { store, version } = await source().current();
    expect(new Set(store.users)).toEqual(new Set(['ann', 'bob', 'dan']));
    expect(store.groups).toEqual(
      expect.arrayContaining([
        { name: 'analysts', members: ['ann', 'bob'] },
        { name: 'finance', members: ['bob'] },
        { name: 'empty_group', members: [] },
      ]),
    );
    expect(store.roles).toEqual([{ name: 'auditor', users: ['cat'], groups: ['finance'], roles: [] }]);
    expect(version).toBe('3.9');
  });

  it('asks with the versions it holds and keeps its snapshot on 304', async () => {
    const s = source();
    const first = await s.current();
    const second = await s.current();
    expect(second).toBe(first);
    expect(admin.requests.at(-2)).toContain('lastKnownUserStoreVersion=3');
    expect(admin.requests.at(-1)).toContain('lastKnownRoleVersion=9');
    admin.userStoreVersion = 4;
    admin.userGroupMapping = { ann: ['analysts'] };
    const third = await s.current();
    expect(third.store.groups.find((g) => g.name === 'analysts')?.members).toEqual(['ann']);
    expect(third.version).toBe('4.9');
  });

  it('keeps the last good principals while Ranger Admin is down, and fails the first load without the password', async () => {
    const s = source();
    const good = await s.current();
    admin.down = true;
    expect(await s.current()).toBe(good);
    admin.down = false;
    const refused = source('wrong-secret-value').current();
    await expect(refused).rejects.toThrow(/RANGER_USERNAME and RANGER_PASSWORD/);
    await expect(refused).rejects.not.toThrow(/wrong-secret-value/);
  });
});
