# Same parameters as infra/main.bicep, in snake_case. Secrets are sensitive; pass them with TF_VAR_<name>.

variable "resource_group_name" {
  type        = string
  description = "Existing resource group to deploy into."
}

variable "location" {
  type        = string
  default     = null
  description = "Azure region; defaults to the resource group's."
}

variable "tags" {
  type    = map(string)
  default = {}
}

# --- Instance ---------------------------------------------------------------------------------------------------

variable "connector_kind" {
  type        = string
  default     = "snowflake"
  description = "CONNECTOR_KIND: snowflake or databricks_unity_catalog."
  validation {
    condition     = contains(["snowflake", "databricks_unity_catalog"], var.connector_kind)
    error_message = "connector_kind must be snowflake or databricks_unity_catalog."
  }
}

variable "instance_name" {
  type        = string
  description = "CONNECTOR_INSTANCE; also the Event Hub consumer group and, lower-cased, part of resource names."
  validation {
    condition     = can(regex("^[A-Za-z0-9_.-]{1,40}$", var.instance_name))
    error_message = "instance_name: 1-40 letters, digits, _ . - only."
  }
}

# --- The seed product's flags ------------------------------------------------------------------------------------

variable "api_server_enabled" {
  type        = bool
  default     = true
  description = "CONNECTOR_<KIND>_API_SERVER_ENABLED: serve the task REST API."
}

variable "on_demand_v2_enabled" {
  type        = bool
  default     = true
  description = "CONNECTOR_<KIND>_ON_DEMAND_V2_ENABLED: accept V2 on-demand tasks (API and Event Hub)."
}

variable "external_access_enabled" {
  type        = bool
  default     = true
  description = "CONNECTOR_<KIND>_EXTERNAL_ACCESS_ENABLED. false: no public network access, a private endpoint instead."
}

variable "k8s_nginx_ingress_enable" {
  type        = bool
  default     = false
  description = "CONNECTOR_<KIND>_K8S_NGINX_INGRESS_ENABLE: accepted for compatibility, no meaning on Azure Functions (see output warnings)."
}

variable "event_hub_enabled" {
  type        = bool
  default     = false
  description = "CONNECTOR_ON_DEMAND_V2_AZURE_EVENT_HUB_ENABLED: creates the namespace, hub and this instance's consumer group."
}

# --- Automatic triggers (docs/automatic-triggers.md); both need event_hub_enabled -----------------------------------

variable "databricks_workspace_id" {
  type        = string
  default     = ""
  description = "Resource id of an Azure Databricks workspace (Premium) whose Unity Catalog audit logs (diagnostic category unityCatalog) stream to the hub; empty: none. Needs the namespace in the workspace's region (the plan stops otherwise). Turns on SAS (local) auth on the namespace, which diagnostic settings need, with the Manage, Send and Listen namespace rule Azure Monitor requires."
}

variable "event_grid_topic" {
  type        = bool
  default     = false
  description = "Create an Event Grid custom topic for a Snowflake notification integration and a subscription that delivers its events to the hub with the topic's managed identity."
}

# --- Task API auth -------------------------------------------------------------------------------------------------

variable "jwt_secret" {
  type        = string
  default     = ""
  sensitive   = true
  description = "JWT_SECRET (HS256, at least 32 bytes), stored in Key Vault. Required unless jwt_public_key or jwt_jwks_url is set."
}

variable "jwt_public_key" {
  type    = string
  default = ""
}

variable "jwt_jwks_url" {
  type    = string
  default = ""
}

variable "jwt_issuer" {
  type        = string
  default     = ""
  description = "JWT_ISSUER. Required with jwt_public_key or jwt_jwks_url (the app refuses to start without it)."
}

variable "jwt_audience" {
  type        = string
  default     = ""
  description = "JWT_AUDIENCE. Required with jwt_public_key or jwt_jwks_url (the app refuses to start without it)."
}

variable "jwt_max_token_age" {
  type        = string
  default     = ""
  description = "JWT_MAX_TOKEN_AGE: longest token lifetime accepted (seconds, or 90m, 24h, 2d); empty: the code default."
}

variable "jwt_required_scope" {
  type        = string
  default     = ""
  description = "JWT_REQUIRED_SCOPE: scope or app role every token must grant; empty: none."
}

# --- Policy source -------------------------------------------------------------------------------------------------

variable "policy_file" {
  type        = string
  default     = ""
  description = "POLICY_FILE: path of a Ranger policy JSON file readable by the app. Set this or ranger_url."
}

variable "ranger_url" {
  type    = string
  default = ""
}

variable "ranger_service_name" {
  type    = string
  default = ""
}

variable "ranger_username" {
  type    = string
  default = ""
}

variable "ranger_password" {
  type      = string
  default   = ""
  sensitive = true
}

# --- Snowflake -----------------------------------------------------------------------------------------------------

variable "snowflake_account" {
  type    = string
  default = ""
}

variable "snowflake_username" {
  type    = string
  default = ""
}

variable "snowflake_auth" {
  type        = string
  default     = "password"
  description = "password or keyPair; the matching secret is kept in Key Vault."
  validation {
    condition     = contains(["password", "keyPair"], var.snowflake_auth)
    error_message = "snowflake_auth must be password or keyPair."
  }
}

variable "snowflake_password" {
  type      = string
  default   = ""
  sensitive = true
}

variable "snowflake_private_key" {
  type      = string
  default   = ""
  sensitive = true
}

variable "snowflake_role" {
  type    = string
  default = ""
}

variable "snowflake_warehouse" {
  type    = string
  default = ""
}

variable "snowflake_access_url" {
  type    = string
  default = ""
}

variable "snowflake_create_missing_roles" {
  type    = bool
  default = false
}

variable "snowflake_create_missing_users" {
  type        = bool
  default     = false
  description = "CONNECTOR_SNOWFLAKE_CREATE_MISSING_USERS: principal sync creates a missing Ranger user without a password."
}

# --- Databricks Unity Catalog ---------------------------------------------------------------------------------------

variable "databricks_host" {
  type        = string
  default     = ""
  description = "DATABRICKS_HOST, e.g. adb-123.4.azuredatabricks.net."
}

variable "databricks_http_path" {
  type        = string
  default     = ""
  description = "DATABRICKS_HTTP_PATH of the SQL warehouse."
}

variable "databricks_auth" {
  type        = string
  default     = "token"
  description = "token or oauthM2M; the matching secret is kept in Key Vault."
  validation {
    condition     = contains(["token", "oauthM2M"], var.databricks_auth)
    error_message = "databricks_auth must be token or oauthM2M."
  }
}

variable "databricks_token" {
  type      = string
  default   = ""
  sensitive = true
}

variable "databricks_client_id" {
  type    = string
  default = ""
}

variable "databricks_client_secret" {
  type      = string
  default   = ""
  sensitive = true
}

variable "databricks_ca_cert" {
  type    = string
  default = ""
}

variable "databricks_max_concurrency" {
  type    = string
  default = ""
}

# --- Sync tuning: empty means the code's default (shared/settings-list.ts) -----------------------------------------

variable "task_lease_seconds" {
  type    = string
  default = ""
}

variable "task_max_attempts" {
  type        = string
  default     = ""
  description = "TASK_MAX_ATTEMPTS: attempts a task or unit gets before it ends FAILED; empty: the code default."
}

variable "unit_max_tables" {
  type        = string
  default     = ""
  description = "UNIT_MAX_TABLES: the most tables and views one unit of a fanned-out task syncs (a larger schema is cut into slices); empty: the code default."
}

variable "idempotency_ttl_hours" {
  type        = string
  default     = ""
  description = "IDEMPOTENCY_TTL_HOURS: how long an Idempotency-Key or Event Hub event id names its task; empty: the code default."
}

variable "full_sync_enabled" {
  type    = bool
  default = false
}

variable "full_sync_schedule" {
  type    = string
  default = ""
}

variable "masking_governance_schema" {
  type    = string
  default = ""
}

variable "masking_takeover" {
  type    = bool
  default = false
}

variable "sweep_schedule" {
  type    = string
  default = ""
}

variable "policy_poll_seconds" {
  description = "POLICY_POLL_SECONDS: how often the policy watcher polls the policy source (0: off); empty: the code default."
  type        = string
  default     = ""
}

variable "sweep_grace_seconds" {
  type    = string
  default = ""
}

variable "task_retention_days" {
  type    = string
  default = ""
}

variable "retention_schedule" {
  type    = string
  default = ""
}

variable "principal_user_role_template" {
  type    = string
  default = ""
}

variable "principal_case" {
  type    = string
  default = ""
}

variable "ignore_roles" {
  type    = string
  default = ""
}

variable "principals_file" {
  type        = string
  default     = ""
  description = "PRINCIPALS_FILE: path of a Ranger principals JSON file; empty: Ranger Admin's user store when ranger_url is set."
}

variable "principal_sync_include" {
  type    = string
  default = ""
}

variable "principal_sync_exclude" {
  type    = string
  default = ""
}

variable "principal_sync_schedule" {
  type        = string
  default     = ""
  description = "PRINCIPAL_SYNC_SCHEDULE (six-field NCRONTAB); empty: no scheduled principal sync."
}

variable "principal_watch_schedule" {
  type        = string
  default     = ""
  description = "PRINCIPAL_WATCH_SCHEDULE (six-field NCRONTAB); empty: principal changes are not watched."
}

variable "ignore_objects" {
  type    = string
  default = ""
}

variable "managed_privileges" {
  type    = string
  default = ""
}

# --- Platform ------------------------------------------------------------------------------------------------------

variable "maximum_instance_count" {
  type        = number
  default     = 40
  description = "Flex Consumption: most instances the app scales out to."
  validation {
    condition     = var.maximum_instance_count >= 40 && var.maximum_instance_count <= 1000
    error_message = "maximum_instance_count must be 40 to 1000: Flex Consumption accepts no lower maximum."
  }
}

variable "instance_memory_mb" {
  type    = number
  default = 2048
  validation {
    condition     = contains([512, 2048, 4096], var.instance_memory_mb)
    error_message = "instance_memory_mb must be 512, 2048 or 4096."
  }
}

variable "event_hub_sku" {
  type    = string
  default = "Standard"
}

variable "event_hub_partition_count" {
  type    = number
  default = 4
}

variable "private_endpoint_subnet_id" {
  type        = string
  default     = ""
  description = "Subnet of the private endpoint; required when external_access_enabled is false."
}

variable "private_dns_zone_id" {
  type        = string
  default     = ""
  description = "privatelink.azurewebsites.net zone to register the private endpoint in; empty: manage DNS yourself."
}

variable "key_vault_purge_protection" {
  type    = bool
  default = true
}

variable "app_insights_local_auth_disabled" {
  type    = bool
  default = true
}

variable "log_retention_days" {
  type    = number
  default = 30
}
