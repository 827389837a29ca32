/** The fewest app settings `loadConfig` accepts: a Snowflake instance with a policy file and an HS256 secret. */
export const MINIMAL_SETTINGS = {
  AzureWebJobsStorage: 'UseDevelopmentStorage=true',
  JWT_SECRET: 'x'.repeat(32),
  POLICY_FILE: 'p.json',
  CONNECTOR_KIND: 'snowflake',
  SNOWFLAKE_ACCOUNT: 'acme',
  SNOWFLAKE_USERNAME: 'POLICYSYNC',
  SNOWFLAKE_PASSWORD: 'p',
} as const;
