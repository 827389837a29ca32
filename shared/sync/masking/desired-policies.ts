import { createHash } from 'node:crypto';
import type { Securable } from '../../connectors/connector.js';
import type { MaskDecision, ResourceAcl, RowFilterDecision } from '../../policy/index.js';
import { securableName } from '../profile.js';
import { isClear, maskExpression } from './expressions.js';
import type { ColumnInfo, DesiredPolicy, MaskSqlDialect } from './model.js';
import { own } from '../../own.js';

export interface DesiredPolicies { policies: DesiredPolicy[]; warnings: string[] }

const GROUP_PUBLIC = 'public';

/**
 * The masking policies and row filters the Ranger data-mask and row-filter items ask for on each loaded table:
 * one body per column (a CASE over the items in Ranger's order, first match wins, ELSE the clear value) and
 * one BOOLEAN body per table (each item's filterExpr a branch, ELSE TRUE). Items whose conditions cannot be
 * evaluated inside the warehouse are left out and reported.
 */
export function desiredPolicies(
  tables: { securable: Securable; acl: ResourceAcl; columns: ColumnInfo[] }[],
  d: MaskSqlDialect, policyVersion: string, onlyColumn?: string,
): DesiredPolicies {
  const policies: DesiredPolicy[] = [];
  const warnings: string[] = [];
  for (const { securable, acl, columns } of tables) {
    const where = securableName(securable);
    const wantsAny = Object.values(acl.masks).some((m) => m.length > 0) || acl.rowFilters.length > 0;
    if (securable.kind === 'view' && !d.viewsTakePolicies) {
      if (wantsAny) warnings.push(`view ${where}: masks and row filters cannot be attached to a view here; the policies covering it were not applied`);
      continue;
    }
    for (const column of columns) {
      if (onlyColumn !== undefined && column.name !== onlyColumn) continue;
      const decisions = usable(own(acl.masks, column.name) ?? [], `column ${where}.${column.name}`, warnings);
      const p = maskPolicy(d, securable, column, decisions, policyVersion, warnings);
      if (p) policies.push(p);
    }
    if (onlyColumn === undefined) {
      const filters = usable(acl.rowFilters, `table ${where}`, warnings);
      const p = filterPolicy(d, securable, columns, filters, policyVersion);
      if (p) policies.push(p);
    }
  }
  return { policies, warnings };
}

function usable<T extends MaskDecision | RowFilterDecision>(items: T[], what: string, warnings: string[]): T[] {
  const out: T[] = [];
  for (const item of items) {
    if (!item.accessTypes.some((a) => a.toLowerCase() === 'select')) continue;
    if (item.isConditional) {
      warnings.push(`${what}: an item of policy ${item.policyId ?? '?'} has conditions that cannot be evaluated in the warehouse; it was left out`);
      continue;
    }
    out.push(item);
  }
  return out;
}

/** The item's principals as one condition; `public` (or `{USER}`) matches every reader. */
function who(d: MaskSqlDialect, item: MaskDecision | RowFilterDecision): string | undefined {
  if (item.groups.includes(GROUP_PUBLIC)) return 'TRUE';
  const parts = [
    ...item.roles.map((r) => d.principalCondition('role', r)),
    ...item.groups.map((g) => d.principalCondition('group', g)),
    ...item.users.map((u) => d.principalCondition('user', u)),
  ];
  return parts.length === 0 ? undefined : parts.join(' OR ');
}

function maskPolicy(d: MaskSqlDialect, table: Securable, column: ColumnInfo, items: MaskDecision[], version: string,
  warnings: string[]): DesiredPolicy | undefined {
  const family = d.familyOf(column.dataType);
  const arg = 'val';
  const branches: string[] = [];
  const ids = new Set<number>();
  let masksAnyone = false;
  for (const item of items) {
    const cond = who(d, item);
    if (!cond) continue;
    if (item.policyId !== null) ids.add(item.policyId);
    const clear = isClear(item.dataMaskInfo);
    masksAnyone ||= !clear;
    branches.push(`WHEN ${cond} THEN ${clear ? d.argument(arg) : maskExpression(d, item.dataMaskInfo, family, column.dataType, d.argument(arg))}`);
    if (cond === 'TRUE') break; // nothing after an item that matches everyone can apply
  }
  if (!masksAnyone) return undefined;
  if (family === 'other') warnings.push(`column ${securableName(table)}.${column.name}: type ${column.dataType} cannot be masked value-wise; masked readers see NULL`);
  const signature = d.signatureType(family, column.dataType);
  const body = `CASE ${branches.join(' ')} ELSE ${d.argument(arg)} END`;
  const args = [{ name: arg, dataType: signature }];
  const target = { kind: 'mask' as const, table: table.path, column: column.name };
  return {
    kind: 'mask', table, column: column.name, args, returns: signature, body,
    name: d.policyName(target, signature, family),
    marker: { ids: [...ids].sort((a, b) => a - b), version, hash: hashOf(args, signature, body), target },
    reason: reasonOf(ids, 'mask'),
  };
}

function filterPolicy(d: MaskSqlDialect, table: Securable, columns: ColumnInfo[], items: RowFilterDecision[],
  version: string): DesiredPolicy | undefined {
  const branches: string[] = [];
  const ids = new Set<number>();
  let filtersAnyone = false;
  for (const item of items) {
    const cond = who(d, item);
    if (!cond) continue;
    if (item.policyId !== null) ids.add(item.policyId);
    const expr = (item.rowFilterInfo.filterExpr ?? '').trim();
    filtersAnyone ||= expr !== '';
    branches.push(`WHEN ${cond} THEN ${expr === '' ? 'TRUE' : `(${expr})`}`);
    if (cond === 'TRUE') break;
  }
  if (!filtersAnyone) return undefined;
  // The filter takes every column of the table, so any filterExpr can name any of them.
  const args = columns.map((c) => ({ name: c.name, dataType: d.signatureType(d.familyOf(c.dataType), c.dataType) }));
  const body = `CASE ${branches.join(' ')} ELSE TRUE END`;
  const target = { kind: 'filter' as const, table: table.path };
  return {
    kind: 'filter', table, args, returns: 'BOOLEAN', body,
    name: d.policyName(target, JSON.stringify(args)),
    marker: { ids: [...ids].sort((a, b) => a - b), version, hash: hashOf(args, 'BOOLEAN', body), target },
    reason: reasonOf(ids, 'row filter'),
  };
}

const reasonOf = (ids: Set<number>, what: string) =>
  ids.size === 0 ? `${what} policy` : `${what} ${ids.size === 1 ? 'policy' : 'policies'} ${[...ids].sort((a, b) => a - b).join(', ')}`;

export function hashOf(args: { name: string; dataType: string }[], returns: string, body: string): string {
  return createHash('sha256').update(JSON.stringify([args, returns, body])).digest('hex').slice(0, 16);
}
