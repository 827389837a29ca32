import { flag, setting } from '../setting.js';

/**
 * The seed product's entry-point flags, which it names after each connector kind (`CONNECTOR_SNOWFLAKE_...`,
 * `CONNECTOR_DATABRICKS_UNITY_CATALOG_...`): a warehouse module lists them among its settings, and the configured
 * kind's decide what this instance runs.
 */
export const entryPointSettings = <const P extends string>(prefix: P, product: string) =>
  [
    setting(`${prefix}_API_SERVER_ENABLED`, flag, {
      default: 'true',
      description: `${product}: serve the task REST API.`,
    }),
    setting(`${prefix}_ON_DEMAND_V2_ENABLED`, flag, {
      default: 'true',
      description: `${product}: accept V2 on-demand tasks at all (API and Event Hub).`,
    }),
    setting(`${prefix}_EXTERNAL_ACCESS_ENABLED`, flag, {
      default: 'true',
      description: `${product}: public network access to the API; false deploys a private endpoint instead.`,
    }),
    setting(`${prefix}_K8S_NGINX_INGRESS_ENABLE`, flag, {
      default: 'false',
      description: `${product}: the seed's Kubernetes ingress flag. Accepted for compatibility; it has no meaning on Azure Functions and a warning is logged when set.`,
    }),
  ] as const;
