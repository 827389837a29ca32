import type { z } from 'zod';
import type { WarehouseProfile } from '../plan/profile.js';
import type { ServiceDef } from '../policy/service-defs.js';
import type { Setting } from '../setting.js';
import type { ResourceTypes } from '../task/resource-types.js';
import type { Connector } from './connector.js';
import type { MaskingOptions } from './masking-port.js';
import type { NameCase, PrincipalNaming } from './principal-names.js';

/**
 * Everything the service knows of one kind of warehouse, in one place: each `<name>/module.ts` exports one, the
 * registry (`modules.ts`) lists them, and the configuration picks one at start-up by CONNECTOR_KIND. Nothing
 * outside a warehouse's folder asks which kind it is; it asks the module.
 */
export interface WarehouseModule<Connection = unknown, Name extends string = string> {
  /** The CONNECTOR_KIND value. */
  readonly kind: string;
  /** Its short name: its folder here and under dev/emulators/, and its section of the configuration. */
  readonly name: Name;
  /** The seed's `appSubType` spellings of this kind, as `appSubTypeKey` writes them (`databricks`, `unitycatalog`). */
  readonly appSubTypes: readonly string[];
  /** The resource types a request may name, with the identifiers each needs. */
  readonly resourceTypes: ResourceTypes;
  /** The Ranger service definition its policies are written against. */
  readonly serviceDef: ServiceDef;
  /** Every privilege its profile maps: MANAGED_PRIVILEGES when that is not set. */
  readonly privileges: readonly string[];
  /** What IGNORE_ROLES and PRINCIPAL_CASE are when they are not set. */
  readonly defaults: { readonly ignoreRoles: string; readonly principalCase: NameCase };
  /** How a person writes its names on a command line: the quotes it reads, how it quotes, and an example per type. */
  readonly names: {
    readonly quotes: readonly string[];
    quote(name: string): string;
    readonly examples: Readonly<Record<string, string>>;
    /**
     * The resources the product's documented example payloads name, as `type` and dotted name: the demo catalog holds
     * each, so every documented example works as-is on `npm start`, and the OpenAPI document carries them.
     */
    readonly documented: readonly { readonly type: string; readonly name: string }[];
  };
  /** Its own app settings, each with its default and meaning; the settings list holds them among the others. */
  readonly settings: readonly Setting[];
  /** Reads its settings (by name, defaults applied) into the seed's per-kind options and its connection settings. */
  readonly schema: z.ZodType<WarehouseSettings<Connection>>;
  /**
   * What is wrong with its settings beyond their format: always what no deployment may set (a URL carrying
   * credentials), and, when it is the configured kind, the settings it cannot do without. `value` answers a set
   * setting (one whose Key Vault reference has not resolved yet counts as set).
   */
  problems(value: (name: string) => string | undefined, configured: boolean): string[];
  /** How Ranger principals, resources and access types map to this warehouse's (pure). */
  profile(naming: PrincipalNaming): WarehouseProfile;
  /** Its connector; the driver is loaded here, on first use, so a deployment loads only its own warehouse's. */
  connect(connection: Connection, options: ConnectOptions): Promise<Connector>;
}

/** The seed's per-kind settings (CONNECTOR_<KIND>_...), and the warehouse's connection settings. */
export interface WarehouseSettings<Connection> {
  entry: { api: boolean; onDemandV2: boolean; externalAccess: boolean; ingress: boolean };
  masking: { governanceSchema: string; takeover: boolean };
  connection: Connection;
}

export interface ConnectOptions {
  /** Set when masking policies and row filters are synced too. */
  masking?: MaskingOptions;
}
