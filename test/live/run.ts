/**
 * `npm run test:live`: runs the connector scenarios against the real Snowflake account and Databricks workspace whose
 * credentials are in the environment, and says so and exits 0 when there are none.
 */
import { spawnSync } from 'node:child_process';
import { liveDatabricksSettings } from '../scenarios/databricks-target.js';
import { liveSnowflakeSettings } from '../scenarios/snowflake-target.js';

const targets = [
  liveSnowflakeSettings(process.env) && 'Snowflake (SNOWFLAKE_ACCOUNT)',
  liveDatabricksSettings(process.env) && 'Databricks (DATABRICKS_HOST, DATABRICKS_LIVE_CATALOG)',
].filter((t): t is string => Boolean(t));

if (targets.length === 0) {
  console.log(
    'test:live: no live credentials in the environment, nothing run. Set SNOWFLAKE_ACCOUNT, SNOWFLAKE_USERNAME and a ' +
      'password or key (a role that may CREATE DATABASE and CREATE ROLE), and/or DATABRICKS_HOST, DATABRICKS_HTTP_PATH, ' +
      'a token or OAuth client, DATABRICKS_LIVE_CATALOG and DATABRICKS_LIVE_GROUPS (README, "A live suite").',
  );
  process.exit(0);
}
console.log(`test:live: running the connector scenarios against ${targets.join(' and ')}`);
const result = spawnSync('npx', ['vitest', 'run', '--config', 'test/live/vitest.live.config.ts'], { stdio: 'inherit' });
process.exit(result.status ?? 1);
