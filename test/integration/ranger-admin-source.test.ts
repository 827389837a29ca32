import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { RangerAdminStandIn } from '../../dev/emulators/ranger/stand-in.js';
import { PolicyError, rangerAdminSource } from '../../shared/policy/index.js';

describe('rangerAdminSource against a Ranger Admin download endpoint', () => {
  let admin: RangerAdminStandIn;
  let url: string;
  const source = (over: Partial<Parameters<typeof rangerAdminSource>[0]> = {}) =>
    rangerAdminSource({
      url,
      serviceName: 'sf_prod',
      username: 'admin',
      password: 's3cret',
      pluginId: 'policysync-test',
      now: () => new Date('2026-01-01T00:00:00Z'),
      ...over,
    });

  beforeEach(async () => {
    admin = new RangerAdminStandIn('sf_prod', {
      version: 5,
      policies: [
        {
          id: 1,
          name: 'sales readers',
          resources: { database: { values: ['SALES'] } },
          policyItems: [{ accesses: [{ type: 'select' }], users: ['ann'] }],
        },
      ],
    });
    url = await admin.start();
  });
  afterEach(async () => {
    await admin.stop();
  });

  it('downloads the policies from the secure endpoint with basic auth, the last known version, the last activation time and the plugin id (200)', async () => {
    const snap = await source().current();
    expect(snap).toMatchObject({
      version: 5,
      serviceName: 'sf_prod',
      loadedAt: '2026-01-01T00:00:00.000Z',
      revision: 'v5',
    });
    expect(snap.policies[0]!.name).toBe('sales readers');
    const sent = new URL(admin.requests[0]!.url, 'http://x');
    expect(sent.pathname).toBe('/service/plugins/secure/policies/download/sf_prod');
    expect(sent.searchParams.get('lastKnownVersion')).toBe('-1');
    expect(sent.searchParams.get('lastActivationTime')).toBe('0');
    expect(sent.searchParams.get('pluginId')).toBe('policysync-test');
  });

  it('uses the unauthenticated download endpoint when no user is configured', async () => {
    await source({ username: undefined }).current();
    expect(new URL(admin.requests[0]!.url, 'http://x').pathname).toBe('/service/plugins/policies/download/sf_prod');
    expect(admin.requests[0]!.authorization).toBeUndefined();
  });

  it('keeps the current set on 304 Not Modified and picks up a new version', async () => {
    const s = source();
    const first = await s.current();
    expect(await s.current()).toBe(first);
    expect(admin.query(1).get('lastKnownVersion')).toBe('5');
    expect(admin.query(1).get('lastActivationTime')).toBe(String(Date.parse('2026-01-01T00:00:00Z')));
    admin.publish([]);
    expect(await s.current()).toMatchObject({ version: 6, policies: [], revision: 'v6' });
  });

  it('fails the first load of an unknown service with POLICY_UNAVAILABLE naming the service (404)', async () => {
    await expect(source({ serviceName: 'nope' }).current()).rejects.toMatchObject({
      code: 'POLICY_UNAVAILABLE',
      message: expect.stringContaining('"nope"'),
    });
  });

  it('fails the first load with bad credentials without echoing them (401)', async () => {
    const error = await source({ password: 'wrong' })
      .current()
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PolicyError);
    expect((error as PolicyError).code).toBe('POLICY_UNAVAILABLE');
    expect((error as PolicyError).message).toContain('401');
    expect((error as PolicyError).message).not.toContain('wrong');
  });

  it('keeps the last good set when Ranger Admin goes away (connection refused)', async () => {
    const s = source();
    await s.current();
    await admin.stop();
    expect((await s.current()).version).toBe(5);
  });

  it('fails the first load when Ranger Admin cannot be reached', async () => {
    await admin.stop();
    await expect(source().current()).rejects.toMatchObject({ code: 'POLICY_UNAVAILABLE' });
  });

  it('refuses a URL carrying credentials before any request, naming RANGER_URL but never the password', () => {
    const withUserInfo = url.replace('http://', 'http://admin:s3cret-in-url@');
    let error: unknown;
    try {
      source({ url: withUserInfo });
    } catch (e) {
      error = e;
    }
    expect(error).toMatchObject({
      code: 'POLICY_UNAVAILABLE',
      message: expect.stringContaining('RANGER_URL must not carry credentials'),
    });
    expect(JSON.stringify([(error as Error).message, error])).not.toMatch(/s3cret-in-url|admin:/);
    expect(admin.requests).toHaveLength(0);
  });

  it('names an unreachable endpoint by scheme, host and path only, never its query string', async () => {
    await admin.stop();
    const error = await source({ url: `${url}/ranger?access_token=tok-in-query` })
      .current()
      .then(
        () => undefined,
        (e: unknown) => e as Error,
      );
    expect(error!.message).toContain(`cannot reach Ranger Admin at ${url}/ranger`);
    expect(error!.message).not.toContain('tok-in-query');
  });
});
