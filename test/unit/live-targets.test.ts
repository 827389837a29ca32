import { describe, expect, it } from 'vitest';
import { LOGICAL_PRINCIPALS, liveDatabricksSettings } from '../scenarios/databricks-target.js';
import { SCENARIOS } from '../scenarios/scenarios.js';
import { liveSnowflakeSettings } from '../scenarios/snowflake-target.js';

// `npm run test:live` runs against a real account only when the environment names one completely, and never takes
// an emulator's settings (SNOWFLAKE_ACCESS_URL, as `npm start` sets them) for a real account.
describe('live suite credentials', () => {
  const snowflake = { SNOWFLAKE_ACCOUNT: 'xy12345', SNOWFLAKE_USERNAME: 'CI', SNOWFLAKE_PRIVATE_KEY_PATH: './k.p8' };
  it('names a Snowflake account only with an account, a user and a password or key, and no emulator URL', () => {
    expect(liveSnowflakeSettings(snowflake)).toMatchObject({ account: 'xy12345', privateKeyPath: './k.p8' });
    expect(liveSnowflakeSettings({ ...snowflake, SNOWFLAKE_PRIVATE_KEY_PATH: '' })).toBeUndefined();
    expect(liveSnowflakeSettings({ ...snowflake, SNOWFLAKE_ACCESS_URL: 'http://127.0.0.1:1' })).toBeUndefined();
  });

  const databricks = {
    DATABRICKS_HOST: 'adb-1.azuredatabricks.net',
    DATABRICKS_HTTP_PATH: '/sql/1.0/warehouses/abc',
    DATABRICKS_TOKEN: 'dapi-x',
    DATABRICKS_LIVE_CATALOG: 'scratch',
    DATABRICKS_LIVE_GROUPS: 'g1, g2, g3',
  };
  it('names a workspace only with a login, a scratch catalog and a group for every scenario principal', () => {
    expect(liveDatabricksSettings(databricks)).toMatchObject({
      settings: { host: 'https://adb-1.azuredatabricks.net' },
      catalog: 'scratch',
      groups: ['g1', 'g2', 'g3'],
    });
    expect(new Set(SCENARIOS.flatMap((s) => s.principals))).toEqual(new Set(LOGICAL_PRINCIPALS));
    expect(liveDatabricksSettings({ ...databricks, DATABRICKS_LIVE_GROUPS: 'g1,g2' })).toBeUndefined();
    expect(liveDatabricksSettings({ ...databricks, DATABRICKS_LIVE_CATALOG: '' })).toBeUndefined();
    expect(liveDatabricksSettings({ ...databricks, DATABRICKS_TOKEN: '' })).toBeUndefined();
  });
});
