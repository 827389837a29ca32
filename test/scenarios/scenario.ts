import type { Connector } from '../../shared/connectors/connector.js';
import type { WarehouseProfile } from '../../shared/plan/profile.js';
import type { ManagedScope } from '../../shared/plan/scope.js';
import type { ResourceRef } from '../../shared/task/request.js';
import type { ResourceStatus } from '../../shared/task/status.js';

/** A table of the scratch container, by schema and name as stored (the target quotes them). */
export interface ScratchTable {
  schema: string;
  table: string;
}

/** A grant on a scratch table to a scenario principal (a logical name the target prefixes). */
export interface TableGrant extends ScratchTable {
  privilege: string;
  principal: string;
}

/**
 * One connector scenario, written once for every target: the emulators in `npm test`, a real account in
 * `npm run test:live`. Principals are logical names (READERS, OTHERS, ...); a target turns them into names of its
 * run (a prefix) and Ranger groups into its principals.
 */
export interface Scenario {
  name: string;
  tables: ScratchTable[];
  principals: string[];
  /** Grants in place before the sync (drift, or what must stay). */
  before: TableGrant[];
  /** Ranger policies: each allows `select` on a table pattern of a schema to groups. */
  policies: { schema: string; tables: string[]; groups: string[]; isExcludes?: boolean }[];
  /** Principals the managed scope ignores (never granted or revoked). */
  ignored?: string[];
  /** What the sync names: a table, or the whole schema. */
  sync: { schema: string; table?: string };
  expect: { status: ResourceStatus; has: TableGrant[]; lacks: TableGrant[] };
}

/** Where scenarios run: an emulator or a real account, prepared and emptied by the target itself. */
export interface Target {
  readonly label: string;
  /** Creates what the scenario needs (tables, principals, grants before) under names of this run. */
  prepare(s: Scenario): Promise<Prepared>;
  /** Drops everything `prepare` made, whatever happened in between. */
  cleanup(): Promise<void>;
  /** Ends the target's own sessions after the last scenario. */
  dispose(): Promise<void>;
}

export interface Prepared {
  connector: Connector;
  profile: WarehouseProfile;
  scope: ManagedScope;
  /** The run's name of a logical principal, as the warehouse stores it. */
  principal(name: string): string;
  /** The Ranger resource map of a scratch table pattern. */
  resources(
    schema: string,
    tables: string[],
    isExcludes?: boolean,
  ): Record<string, { values: string[]; isExcludes?: boolean }>;
  ref(sync: Scenario['sync']): ResourceRef;
  /** The stored path of a scratch table. */
  path(t: ScratchTable): string[];
}

/** What a live target made, undone newest first after each scenario, whatever happened; a failed undo is skipped. */
export function undoLog(run: (sql: string) => Promise<unknown>) {
  let made: string[] = [];
  return {
    add: (sql: string) => {
      made.unshift(sql);
    },
    async undo() {
      const list = made;
      made = [];
      for (const sql of list) await run(sql).catch(() => undefined);
    },
  };
}
