import { createHash } from 'node:crypto';
import type {
  ColumnInfo,
  DesiredPolicy,
  FilterBody,
  MaskBody,
  MaskSqlDialect,
  Readers,
} from '../../connectors/masking-port.js';
import { type Securable, securableName } from '../../connectors/securable.js';
import { own } from '../../own.js';
import type { MaskDecision, ResourceAcl, RowFilterDecision } from '../../policy/acl.js';
import { customText, isClear } from './mask-info.js';

/** `unprotected`: tables and views the policies want masked or filtered where no native object can do it. */
export interface DesiredPolicies {
  policies: DesiredPolicy[];
  warnings: string[];
  unprotected: Securable[];
}

const GROUP_PUBLIC = 'public';
const ARG = 'val';

/** Policy ids whose admin text was refused, with what it does and why; `null` stands for policies without an id. */
type Refused = Map<number | null, { does: 'mask' | 'filter'; why: string }>;

interface Target {
  securable: Securable;
  columns: ColumnInfo[];
  masks: { column: ColumnInfo; items: MaskDecision[] }[];
  /** Absent on a column task: the table's filter is not ours to change there. */
  filters?: RowFilterDecision[];
}

/**
 * The masking policies and row filters the Ranger data-mask and row-filter items ask for on each loaded table:
 * one body per column (a branch per item in Ranger's order, first match wins, else the clear value) and one
 * BOOLEAN body per table (each item's filterExpr a branch, else every row). What each branch does is decided
 * here; the dialect writes it as its warehouse's SQL.
 *
 * Fail closed: an item the body cannot carry as written is applied in its most restrictive form, never left
 * out — leaving it out would let its readers fall through to a clearer branch or the clear ELSE.
 * - Admin text (filterExpr, a CUSTOM valueExpr) must be one well-formed expression (the dialect's
 *   checkExpression). One that is not refuses its whole Ranger policy: nothing that policy says is applied,
 *   its exemptions included, and every item of it masks to NULL / filters out every row for the readers it
 *   names. Refusing the column's whole body instead would keep a stale body, or none on a new column; this
 *   keeps every other policy's items and every other column and table as the policies say.
 * - An item with conditions or a validity schedule the body cannot express masks to NULL / filters out every
 *   row for the readers it names, whatever its condition; a conditional exemption (MASK_NONE, an empty
 *   filter) is left out, so its readers get what applies when the condition does not hold.
 */
export function desiredPolicies(
  tables: { securable: Securable; acl: ResourceAcl; columns: ColumnInfo[] }[],
  d: MaskSqlDialect,
  policyVersion: string,
  onlyColumn?: string,
): DesiredPolicies {
  const warnings: string[] = [];
  const unprotected: Securable[] = [];
  const targets: Target[] = [];
  for (const { securable, acl, columns } of tables) {
    const wantsAny = Object.values(acl.masks).some((m) => m.length > 0) || acl.rowFilters.length > 0;
    if (securable.kind === 'view' && !d.viewsTakePolicies) {
      if (wantsAny) {
        warnings.push(
          `view ${securableName(securable)}: masks and row filters cannot be attached to a view here; the policies covering it were not applied`,
        );
        unprotected.push(securable);
      }
      continue;
    }
    targets.push({
      securable,
      columns,
      masks: columns
        .filter((c) => onlyColumn === undefined || c.name === onlyColumn)
        .map((column) => ({ column, items: forSelect(own(acl.masks, column.name) ?? []) })),
      ...(onlyColumn === undefined ? { filters: forSelect(acl.rowFilters) } : {}),
    });
  }
  const refused = refusedPolicies(targets, d);
  for (const [id, { does, why }] of refused) {
    const strictest = does === 'mask' ? 'read NULL in the columns it masks' : 'see no rows of the tables it filters';
    warnings.push(
      `policy ${id ?? '(without id)'}: ${why}; nothing of this policy was applied, and the readers its items name ${strictest} until it is fixed`,
    );
  }
  const policies: DesiredPolicy[] = [];
  for (const t of targets) {
    for (const { column, items } of t.masks) {
      const p = maskPolicy(d, t.securable, column, items, refused, policyVersion, warnings);
      const bad = p && d.typeProblem(column.dataType);
      if (bad) {
        warnings.push(
          `column ${securableName(t.securable)}.${column.name}: its type cannot be written into a mask (${bad}); no mask was made`,
        );
        unprotected.push(t.securable);
      } else if (p) policies.push(p);
    }
    if (t.filters) {
      const p = filterPolicy(d, t.securable, t.columns, t.filters, refused, policyVersion, warnings);
      const bad = p && t.columns.find((c) => d.typeProblem(c.dataType) !== null);
      if (bad) {
        warnings.push(
          `table ${securableName(t.securable)}: the type of column ${bad.name} cannot be written into a row filter (${d.typeProblem(bad.dataType)}); no filter was made`,
        );
        unprotected.push(t.securable);
      } else if (p) policies.push(p);
    }
  }
  return { policies, warnings, unprotected };
}

const forSelect = <T extends MaskDecision | RowFilterDecision>(items: T[]): T[] =>
  items.filter((item) => item.accessTypes.some((a) => a.toLowerCase() === 'select'));

const filterText = (item: RowFilterDecision) => (item.rowFilterInfo.filterExpr ?? '').trim();

/** The Ranger policies with admin text that is not one well-formed expression, each with the first reason found. */
function refusedPolicies(targets: Target[], d: MaskSqlDialect): Refused {
  const refused: Refused = new Map();
  const check = (id: number | null, does: 'mask' | 'filter', text: string | undefined) => {
    if (text === undefined || text === '' || refused.has(id)) return;
    const why = d.checkExpression(text);
    if (why !== null)
      refused.set(id, {
        does,
        why: `its ${does === 'mask' ? 'custom mask' : 'row-filter'} expression was refused: ${why}`,
      });
  };
  for (const t of targets) {
    for (const { items } of t.masks)
      for (const item of items) check(item.policyId, 'mask', customText(item.dataMaskInfo, d.argument(ARG)));
    for (const item of t.filters ?? []) check(item.policyId, 'filter', filterText(item));
  }
  return refused;
}

type Form = 'as-written' | 'most-restrictive' | 'left-out';

/** How an item enters the body, with the warning its form needs (a refused policy is reported once, above). */
function formOf(
  item: MaskDecision | RowFilterDecision,
  exempts: boolean,
  refused: Refused,
  where: string,
  strictest: string,
): { form: Form; warning?: string } {
  if (refused.has(item.policyId)) return { form: 'most-restrictive' };
  if (!item.isConditional) return { form: 'as-written' };
  const what = `${where}: an item of policy ${item.policyId ?? '(without id)'} has conditions or a validity schedule a native policy cannot express`;
  return exempts
    ? {
        form: 'left-out',
        warning: `${what}; its exemption was left out, so the readers it names get what applies when it does not hold`,
      }
    : {
        form: 'most-restrictive',
        warning: `${what}; it was applied in its most restrictive form: ${strictest} for every reader it names`,
      };
}

/** The readers an item names; `public` (or `{USER}`) is every reader; undefined when it names none. */
function readersOf(item: MaskDecision | RowFilterDecision): Readers | undefined {
  if (item.groups.includes(GROUP_PUBLIC)) return 'everyone';
  if (item.roles.length + item.groups.length + item.users.length === 0) return undefined;
  return { roles: item.roles, groups: item.groups, users: item.users };
}

function maskPolicy(
  d: MaskSqlDialect,
  table: Securable,
  column: ColumnInfo,
  items: MaskDecision[],
  refused: Refused,
  version: string,
  warnings: string[],
): DesiredPolicy | undefined {
  const family = d.familyOf(column.dataType);
  const branches: MaskBody['branches'] = [];
  const ids = new Set<number>();
  let masksAnyone = false;
  for (const item of items) {
    const readers = readersOf(item);
    if (!readers) continue;
    const clear = isClear(item.dataMaskInfo);
    const { form, warning } = formOf(
      item,
      clear,
      refused,
      `column ${securableName(table)}.${column.name}`,
      'the value reads NULL',
    );
    if (warning) warnings.push(warning);
    if (form === 'left-out') continue;
    if (item.policyId !== null) ids.add(item.policyId);
    const value: MaskBody['branches'][number]['value'] =
      form === 'most-restrictive'
        ? { kind: 'null' }
        : clear
          ? { kind: 'clear' }
          : { kind: 'masked', info: item.dataMaskInfo };
    masksAnyone ||= value.kind !== 'clear';
    branches.push({ readers, value });
    if (readers === 'everyone') break; // nothing after an item that matches everyone can apply
  }
  if (!masksAnyone) return undefined;
  if (family === 'other')
    warnings.push(
      `column ${securableName(table)}.${column.name}: type ${column.dataType} cannot be masked value-wise; masked readers see NULL`,
    );
  const signature = d.signatureType(family, column.dataType);
  const body = d.maskBody({ argument: ARG, family, dataType: column.dataType, branches });
  const args = [{ name: ARG, dataType: signature }];
  const target = { kind: 'mask' as const, table: table.path, column: column.name };
  return {
    kind: 'mask',
    table,
    column: column.name,
    args,
    returns: signature,
    body,
    name: d.policyName(target, signature, family),
    marker: { ids: [...ids].sort((a, b) => a - b), version, hash: hashOf(args, signature, body), target },
    reason: reasonOf(ids, 'mask'),
  };
}

function filterPolicy(
  d: MaskSqlDialect,
  table: Securable,
  columns: ColumnInfo[],
  items: RowFilterDecision[],
  refused: Refused,
  version: string,
  warnings: string[],
): DesiredPolicy | undefined {
  const branches: FilterBody['branches'] = [];
  const ids = new Set<number>();
  let filtersAnyone = false;
  for (const item of items) {
    const readers = readersOf(item);
    if (!readers) continue;
    const expr = filterText(item);
    const { form, warning } = formOf(item, expr === '', refused, `table ${securableName(table)}`, 'no row is returned');
    if (warning) warnings.push(warning);
    if (form === 'left-out') continue;
    if (item.policyId !== null) ids.add(item.policyId);
    const rows: FilterBody['branches'][number]['rows'] =
      form === 'most-restrictive'
        ? { kind: 'none' }
        : expr === ''
          ? { kind: 'all' }
          : { kind: 'where', expression: expr };
    filtersAnyone ||= rows.kind !== 'all';
    branches.push({ readers, rows });
    if (readers === 'everyone') break;
  }
  if (!filtersAnyone) return undefined;
  // The filter takes every column of the table, so any filterExpr can name any of them.
  const args = columns.map((c) => ({ name: c.name, dataType: d.signatureType(d.familyOf(c.dataType), c.dataType) }));
  const body = d.filterBody({ branches });
  const target = { kind: 'filter' as const, table: table.path };
  return {
    kind: 'filter',
    table,
    args,
    returns: 'BOOLEAN',
    body,
    name: d.policyName(target, JSON.stringify(args)),
    marker: { ids: [...ids].sort((a, b) => a - b), version, hash: hashOf(args, 'BOOLEAN', body), target },
    reason: reasonOf(ids, 'row filter'),
  };
}

const reasonOf = (ids: Set<number>, what: string) =>
  ids.size === 0
    ? `${what} policy`
    : `${what} ${ids.size === 1 ? 'policy' : 'policies'} ${[...ids].sort((a, b) => a - b).join(', ')}`;

function hashOf(args: { name: string; dataType: string }[], returns: string, body: string): string {
  return createHash('sha256')
    .update(JSON.stringify([args, returns, body]))
    .digest('hex')
    .slice(0, 16);
}
