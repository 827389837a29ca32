import { databricksLiveTarget, liveDatabricksSettings } from '../scenarios/databricks-target.js';
import { scenarioSuite } from '../scenarios/scenario-suite.js';
import { liveSnowflakeSettings, snowflakeLiveTarget } from '../scenarios/snowflake-target.js';

// The emulator suites' scenario list against the real accounts the environment names (test/live/run.ts checks
// that at least one is named before it starts this file). A statement on a real warehouse takes seconds.
const snowflake = liveSnowflakeSettings(process.env);
const databricks = liveDatabricksSettings(process.env);
if (snowflake) scenarioSuite(snowflakeLiveTarget(snowflake), 300_000);
if (databricks) scenarioSuite(databricksLiveTarget(databricks), 300_000);
