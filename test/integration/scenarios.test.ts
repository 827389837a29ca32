import { databricksEmulatorTarget } from '../scenarios/databricks-target.js';
import { scenarioSuite } from '../scenarios/scenario-suite.js';
import { snowflakeEmulatorTarget } from '../scenarios/snowflake-target.js';

// The scenario list `npm run test:live` runs against a real account, here against the emulators with the real drivers.
scenarioSuite(snowflakeEmulatorTarget());
scenarioSuite(databricksEmulatorTarget());
