import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type SnowflakeCatalog, startSnowflakeEmulator } from '../dev/emulators/snowflake/index.js';
import { MANAGED_ROLE_COMMENT } from '../shared/connectors/snowflake/membership.js';
import { createTask } from '../shared/intake/create-task.js';
import { startPrincipalSync } from '../shared/intake/principal-schedule.js';
import { filePrincipalSource } from '../shared/principals/principals-file-source.js';
import type { UserStoreInput } from '../shared/principals/user-store.js';
import { runTask } from '../shared/sync/worker.js';
import { writeBenchFiles } from './catalog.js';
import { type BenchResult, type Figure, now, progress, round } from './harness.js';
import { startServiceRig } from './rig.js';

const LATENCY_MS = 20;
const SYSTEM_ROLES = ['ACCOUNTADMIN', 'ORGADMIN', 'SECURITYADMIN', 'SYSADMIN', 'USERADMIN', 'PUBLIC'];

export interface PrincipalSyncBench extends BenchResult {
  raw: {
    users: number;
    groups: number;
    changed: number;
    targeted: { roundTrips: number; ms: number; writes: number; status: string };
    full: { roundTrips: number; ms: number; writes: number; status: string };
  };
}

const groupName = (g: number) => `team_${String(g).padStart(4, '0')}`;
const userName = (u: number) => `user_${String(u).padStart(5, '0')}`;

/**
 * `users` users in `groups` groups (users spread evenly), in sync in Snowflake; then `changed` groups change in
 * Ranger (one member leaves each, another joins). Measured at 20 ms injected latency: a PRINCIPAL_SYNC naming the
 * changed groups (what a change in Ranger asks for), and the scheduled sync of every group, each a fresh task on a
 * warm connector. Round trips are the emulator's query requests and result fetches.
 */
export async function principalSync(sizes: {
  users: number;
  groups: number;
  changed: number;
}): Promise<PrincipalSyncBench> {
  const started = now();
  const { users, groups, changed } = sizes;
  const perGroup = Math.ceil(users / groups);
  const members = (g: number) => Array.from({ length: perGroup }, (_, k) => g * perGroup + k).filter((u) => u < users);
  const catalog: SnowflakeCatalog = {
    roles: Array.from({ length: groups }, (_, g) => ({
      name: groupName(g).toUpperCase(),
      comment: MANAGED_ROLE_COMMENT,
    })),
    users: Array.from({ length: users }, (_, u) => ({ name: userName(u).toUpperCase() })),
    roleGrants: Array.from({ length: groups }, (_, g) =>
      members(g).map((u) => ({
        role: groupName(g).toUpperCase(),
        to: { type: 'USER' as const, name: userName(u).toUpperCase() },
      })),
    ).flat(),
  };
  const ranger = (moved: number): UserStoreInput => ({
    users: Array.from({ length: users }, (_, u) => userName(u)),
    // In each of the first `moved` groups, its first member moves to the next group.
    groups: Array.from({ length: groups }, (_, g) => ({
      name: groupName(g),
      members: [
        ...members(g).filter((_, k) => !(g < moved && k === 0)),
        ...(g > 0 && g - 1 < moved ? [members(g - 1)[0]!] : []),
      ].map(userName),
    })),
  });
  const dir = mkdtempSync(join(tmpdir(), 'bench-principals-'));
  const files = writeBenchFiles({ schemas: 1, tables: 1, columns: 1, policies: 1 });
  const emulator = await startSnowflakeEmulator({ catalog });
  const rig = await startServiceRig(emulator.url, files.policyFile);
  const naming = { userRoleTemplate: '{name}', case: 'upper' as const };
  const source = (moved: number) => {
    const file = join(dir, `principals-${moved}.json`);
    writeFileSync(file, JSON.stringify(ranger(moved)));
    return filePrincipalSource(file);
  };
  rig.deps.coalescing = { states: rig.storage.states, queue: rig.storage.queue };
  const run = async (taskId: string) => {
    emulator.control.reset();
    const t0 = now();
    await runTask(taskId, rig.deps);
    const ms = now() - t0;
    const statements = emulator.control.statements().map((s) => s.sql);
    const task = (await rig.storage.store.get(taskId))!;
    return {
      roundTrips: emulator.control.roundTrips(),
      ms: round(ms, 0),
      writes: statements.filter((s) => /^(GRANT|REVOKE|CREATE) /.test(s)).length,
      status: task.header.status,
    };
  };
  try {
    await rig.connector.identity(); // log in first: connection upkeep is not what is measured
    emulator.control.setLatency(LATENCY_MS);
    // Targeted: the groups that changed, named in one task.
    rig.deps.principals = { source: source(changed), scope: { include: ['*'], exclude: SYSTEM_ROLES }, naming };
    const changedGroups = Array.from({ length: changed + 1 }, (_, g) => ({
      type: 'group' as const,
      name: groupName(g),
    }));
    const { task } = await createTask(
      rig.intake,
      { request: { type: 'PRINCIPAL_SYNC', requestInfo: { principals: changedGroups } } },
      { source: 'API' },
    );
    const targeted = await run(task.header.taskId);
    progress(
      `principal sync: ${changed + 1} changed groups of ${groups}: ${targeted.roundTrips} round trips, ${targeted.ms} ms`,
    );
    // Full: every group and role, as the timer asks, after another `changed` groups moved.
    rig.deps.principals = { ...rig.deps.principals, source: source(2 * changed) };
    const full = await run(await startPrincipalSync(rig.intake, new Date()));
    progress(`principal sync: every group (${groups}): ${full.roundTrips} round trips, ${full.ms} ms`);
    const figures: Figure[] = [
      {
        label: `${changed + 1} changed groups named in one task: round trips`,
        value: targeted.roundTrips,
        unit: 'round trips',
        target: `<= ${2 * (changed + 1) + 3}`,
      },
      { label: `${changed + 1} changed groups: wall time at ${LATENCY_MS} ms latency`, value: targeted.ms, unit: 'ms' },
      {
        label: `every group (${groups}) on the schedule: round trips`,
        value: full.roundTrips,
        unit: 'round trips',
        target: `<= ${groups + 5 + Math.ceil((4 * changed) / 500)}`,
      },
      { label: `every group (${groups}): wall time at ${LATENCY_MS} ms latency`, value: full.ms, unit: 'ms' },
    ];
    return {
      name: 'principal-sync',
      title: 'Principal sync: round trips and wall time',
      settings: `${users} users in ${groups} groups (${perGroup} each), in sync; ${changed} member(s) moved to the next group; ${LATENCY_MS} ms injected latency per round trip`,
      figures,
      notes: [
        `Round trips: one SHOW ROLES and one SHOW USERS per task; per requested principal, one SHOW GRANTS OF ROLE per group it covers (8 in flight for \`*\`) and one Snowflake Scripting block per 500 changes: bounded by the groups synced, never by the users. Named groups are rows of their own (one result each), so each costs a read and, when it changed, a write: 2 per changed group. ${targeted.writes} and ${full.writes} membership statements were applied; statuses ${targeted.status} and ${full.status}.`,
        'A change in Ranger names the groups it touched, so its sync costs what those groups cost; the scheduled sync of every group reads every group once.',
      ],
      ms: now() - started,
      raw: { users, groups, changed, targeted, full },
    };
  } finally {
    await rig.close();
    await emulator.stop();
    await rig.storage.azurite.stop();
    files.remove();
    rmSync(dir, { recursive: true, force: true });
  }
}
