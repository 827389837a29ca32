import type { WarehouseModule } from '../../shared/connectors/warehouse-module.js';

/** A warehouse's emulator running for the local host, and the settings that point the connector at it. */
export interface RunningEmulator {
  url: string;
  settings: Record<string, string>;
  stop(): Promise<void>;
}

/** What the local host (`npm start`) needs of a warehouse beyond its module: the demo it starts with. */
export interface LocalWarehouse {
  readonly module: WarehouseModule;
  /** The demo's Ranger policies (a POLICY_FILE). */
  readonly policies: string;
  /** The demo's Ranger users, groups and roles (a PRINCIPALS_FILE), consistent with its policies. */
  readonly principals?: string;
  /**
   * When `env` names no real warehouse: its emulator, seeded with the demo catalog. Absent: nothing to start. The
   * emulator's code is imported only then: a host pointed at a warehouse does not carry it.
   */
  emulator?(env: Readonly<Record<string, string>>): Promise<RunningEmulator | undefined>;
}
