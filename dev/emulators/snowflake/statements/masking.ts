import type { Account, TableObject } from '../account.js';
import { displayPath } from '../identifiers.js';
import type { PolicyStatement } from '../parse-policies.js';
import { type EvalEnv, evaluatePolicy, type PolicyExpr } from '../policy-expression.js';
import type { PolicyObject, PolicyObjectKind } from '../policy-store.js';
import { parseQualifiedName } from '../qualified-name.js';
import { type Cell, type ResultSet, rowsByName, STATEMENT_TYPE, status, text, timestamp } from '../result-set.js';
import type { Session } from '../session.js';
import { alreadyExists, doesNotExist, SnowflakeSqlError } from '../sql-error.js';
import { Sight } from '../visibility.js';
import { columnTypeInfo } from './column-type.js';
import { bindValue, type ExecContext, qualify } from './context.js';
import type { Relation } from './information-schema.js';
import { INFORMATION_SCHEMA, requireDatabase, requireSchema } from './show.js';

const NOUN: Record<PolicyObjectKind, string> = { MASKING: 'masking policy', ROW_ACCESS: 'row access policy' };
const KIND: Record<PolicyObjectKind, string> = { MASKING: 'MASKING_POLICY', ROW_ACCESS: 'ROW_ACCESS_POLICY' };

export function executePolicyStatement(ctx: ExecContext, s: PolicyStatement): ResultSet {
  switch (s.kind) {
    case 'createSchema':
      return createSchema(ctx, s);
    case 'createPolicy':
      return createPolicy(ctx, s);
    case 'alterPolicy':
      return alterPolicy(ctx, s);
    case 'dropPolicy':
      return dropPolicy(ctx, s);
    case 'showPolicies':
      return showPolicies(ctx, s);
    case 'attach':
      return attach(ctx, s);
  }
}

function createSchema(ctx: ExecContext, s: Extract<PolicyStatement, { kind: 'createSchema' }>): ResultSet {
  const path = qualify(ctx, s.path, 2, 'CREATE SCHEMA');
  const db = requireDatabase(ctx.account, path[0]!);
  if (db.schemas.has(path[1]!)) {
    if (s.ifNotExists) return status(`${displayPath([path[1]!])} already exists, statement succeeded.`);
    if (!s.orReplace) throw alreadyExists(path);
  }
  ctx.account.addSchema(db, path[1]!);
  ctx.account.grant({
    privilege: 'OWNERSHIP',
    on: { type: 'SCHEMA', path },
    grantee: ctx.session.role,
    grantedBy: ctx.session.role,
    grantOption: false,
  });
  return status(`Schema ${displayPath([path[1]!])} successfully created.`);
}

function policyPath(ctx: ExecContext, path: readonly string[], command: string): [string, string, string] {
  const full = qualify(ctx, path, 3, command);
  requireSchema(ctx.account, full);
  return full as [string, string, string];
}

function requirePolicy(ctx: ExecContext, kind: PolicyObjectKind, path: [string, string, string]): PolicyObject {
  const p = ctx.account.policies.get(path);
  if (!p || p.kind !== kind) throw doesNotExist('Object', path);
  return p;
}

/** Every name a body reads must be one of its arguments, as Snowflake checks at CREATE. */
function checkReferences(body: PolicyExpr, args: { name: string }[]): void {
  const names = new Set(args.map((a) => a.name));
  const walk = (e: PolicyExpr): void => {
    switch (e.kind) {
      case 'ref':
        if (!names.has(e.name))
          throw new SnowflakeSqlError(
            '000904',
            `SQL compilation error: error line 1 at position 0\ninvalid identifier '${displayPath([e.name])}'`,
            '42000',
          );
        return;
      case 'lit':
        return;
      case 'call':
        e.args.forEach(walk);
        return;
      case 'cast':
      case 'not':
      case 'neg':
      case 'isNull':
        walk(e.operand);
        return;
      case 'in':
        walk(e.operand);
        e.values.forEach(walk);
        return;
      case 'like':
        walk(e.operand);
        walk(e.pattern);
        return;
      case 'binary':
        walk(e.left);
        walk(e.right);
        return;
      case 'case':
        e.branches.forEach((b) => {
          walk(b.when);
          walk(b.then);
        });
        if (e.otherwise) walk(e.otherwise);
        return;
    }
  };
  walk(body);
}

function attachedRefusal(p: PolicyObject): SnowflakeSqlError {
  return new SnowflakeSqlError(
    '003528',
    `SQL compilation error:\nPolicy ${displayPath(p.path)} cannot be dropped/replaced as it is associated with one or more entities.`,
    '42601',
  );
}

function createPolicy(ctx: ExecContext, s: Extract<PolicyStatement, { kind: 'createPolicy' }>): ResultSet {
  const path = policyPath(ctx, s.path, `CREATE ${NOUN[s.policyKind].toUpperCase()}`);
  const existing = ctx.account.policies.get(path);
  if (existing) {
    if (s.ifNotExists) return status(`${displayPath([path[2]])} already exists, statement succeeded.`);
    if (!s.orReplace) throw alreadyExists(path);
    if (ctx.account.policies.referencesTo(path).length > 0) throw attachedRefusal(existing);
  }
  if (s.policyKind === 'ROW_ACCESS' && s.returns !== 'BOOLEAN') {
    throw new SnowflakeSqlError('002029', 'SQL compilation error:\nRow access policy must return BOOLEAN.', '42601');
  }
  if (s.policyKind === 'MASKING' && columnTypeInfo(s.returns).dataType !== columnTypeInfo(s.args[0]!.type).dataType) {
    throw new SnowflakeSqlError(
      '002029',
      `SQL compilation error:\nMasking policy return type ${s.returns} must match the type of its first argument ${s.args[0]!.type}.`,
      '42601',
    );
  }
  checkReferences(s.body, s.args);
  ctx.account.policies.put({
    kind: s.policyKind,
    path,
    args: s.args,
    returns: s.returns,
    body: s.body,
    bodyText: s.bodyText,
    comment: s.comment,
    owner: ctx.session.role,
    createdOn: ctx.account.now(),
  });
  return status(
    `${s.policyKind === 'MASKING' ? 'Masking policy' : 'Row access policy'} ${displayPath([path[2]])} successfully created.`,
  );
}

function alterPolicy(ctx: ExecContext, s: Extract<PolicyStatement, { kind: 'alterPolicy' }>): ResultSet {
  const path = policyPath(ctx, s.path, `ALTER ${NOUN[s.policyKind].toUpperCase()}`);
  if (!ctx.account.policies.get(path) && s.ifExists) return status('Statement executed successfully.');
  const p = requirePolicy(ctx, s.policyKind, path);
  if ('body' in s.set) {
    checkReferences(s.set.body, p.args);
    p.body = s.set.body;
    p.bodyText = s.set.bodyText;
  } else {
    p.comment = s.set.comment;
  }
  return status('Statement executed successfully.');
}

function dropPolicy(ctx: ExecContext, s: Extract<PolicyStatement, { kind: 'dropPolicy' }>): ResultSet {
  const path = policyPath(ctx, s.path, `DROP ${NOUN[s.policyKind].toUpperCase()}`);
  if (!ctx.account.policies.get(path) && s.ifExists)
    return status(`Drop statement executed successfully (${displayPath([path[2]])} already dropped).`);
  const p = requirePolicy(ctx, s.policyKind, path);
  if (ctx.account.policies.referencesTo(path).length > 0) throw attachedRefusal(p);
  ctx.account.policies.remove(path);
  return status(`${displayPath([path[2]])} successfully dropped.`);
}

const SHOW_COLUMNS = [
  timestamp('created_on'),
  text('name'),
  text('database_name'),
  text('schema_name'),
  text('kind'),
  text('owner'),
  text('comment'),
  text('owner_role_type'),
  text('options'),
];

function showPolicies(ctx: ExecContext, s: Extract<PolicyStatement, { kind: 'showPolicies' }>): ResultSet {
  let inScope: (p: PolicyObject) => boolean = () => true;
  if (s.in?.type === 'SCHEMA') {
    const path = qualify(ctx, s.in.path, 2, 'SHOW');
    requireSchema(ctx.account, path);
    inScope = (p) => p.path[0] === path[0] && p.path[1] === path[1];
  } else if (s.in?.type === 'DATABASE') {
    const db = requireDatabase(ctx.account, s.in.path[0]!);
    inScope = (p) => p.path[0] === db.name;
  }
  const records = [...ctx.account.policies.objects.values()]
    .filter((p) => p.kind === s.policyKind && inScope(p))
    .sort((a, b) => displayPath(a.path).localeCompare(displayPath(b.path)))
    .map(
      (p): Record<string, Cell> => ({
        created_on: p.createdOn,
        name: p.path[2],
        database_name: p.path[0],
        schema_name: p.path[1],
        kind: KIND[p.kind],
        owner: p.owner,
        comment: p.comment ?? '',
        owner_role_type: 'ROLE',
        options: '',
      }),
    );
  return { columns: SHOW_COLUMNS, rows: rowsByName(SHOW_COLUMNS, records), statementTypeId: STATEMENT_TYPE.SHOW };
}

function attach(ctx: ExecContext, s: Extract<PolicyStatement, { kind: 'attach' }>): ResultSet {
  const { account } = ctx;
  const path = qualify(ctx, s.path, 3, `ALTER ${s.on}`);
  const target = account.resolve(s.on, path);
  if (!target || target.type === 'DATABASE' || target.type === 'SCHEMA')
    throw doesNotExist(s.on === 'VIEW' ? 'View' : 'Table', path);
  const table = target.table;
  const column = (name: string) => {
    const c = table.columns.find((x) => x.name === name);
    if (!c)
      throw new SnowflakeSqlError(
        '000904',
        `SQL compilation error: error line 1 at position 0\ninvalid identifier '${displayPath([name])}'`,
        '42000',
      );
    return c;
  };
  const a = s.action;
  switch (a.op) {
    case 'setMask': {
      const c = column(a.column);
      const policyFull = policyPath(ctx, a.policy, 'ALTER TABLE');
      const p = requirePolicy(ctx, 'MASKING', policyFull);
      if (columnTypeInfo(p.args[0]!.type).dataType !== columnTypeInfo(c.type).dataType) {
        throw new SnowflakeSqlError(
          '002029',
          `SQL compilation error:\nThe signature of policy ${displayPath(p.path)} does not match the data type ${c.type} of column ${displayPath([c.name])}.`,
          '42601',
        );
      }
      const current = account.policies.maskOn(path, c.name);
      if (current && !a.force) {
        // Snowflake 003529: one masking policy per column; FORCE replaces it in one statement.
        throw new SnowflakeSqlError(
          '003529',
          'SQL compilation error:\nSpecified column already attached to another masking policy. A column cannot be attached to multiple masking policies. Please drop the current association in order to attach a new masking policy.',
          '42601',
        );
      }
      account.policies.setMask(path, c.name, p.path);
      break;
    }
    case 'unsetMask':
      column(a.column);
      account.policies.unsetMask(path, a.column);
      break;
    case 'addRow':
    case 'dropRow': {
      if (a.op === 'dropRow') {
        const current = account.policies.rowPolicyOn(path);
        const named = policyPath(ctx, a.policy, 'ALTER TABLE');
        if (!current || displayPath(current.policy.path) !== displayPath(named)) {
          throw new SnowflakeSqlError(
            '003530',
            `SQL compilation error:\nRow access policy ${displayPath(named)} is not attached to ${displayPath(path)}.`,
            '42601',
          );
        }
        account.policies.dropRowPolicy(path);
        if (!a.add) break;
      }
      const add = a.op === 'addRow' ? a : a.add!;
      const p = requirePolicy(ctx, 'ROW_ACCESS', policyPath(ctx, add.policy, 'ALTER TABLE'));
      if (account.policies.rowPolicyOn(path)) {
        throw new SnowflakeSqlError(
          '003531',
          `SQL compilation error:\nObject ${displayPath(path)} already has a row access policy attached; drop it first (DROP ROW ACCESS POLICY ..., ADD ROW ACCESS POLICY ... replaces it in one statement).`,
          '42601',
        );
      }
      if (add.columns.length !== p.args.length) {
        throw new SnowflakeSqlError(
          '002029',
          `SQL compilation error:\nRow access policy ${displayPath(p.path)} takes ${p.args.length} argument(s), ${add.columns.length} given.`,
          '42601',
        );
      }
      add.columns.forEach(column);
      account.policies.setRowPolicy(path, p.path, add.columns);
      break;
    }
  }
  return status('Statement executed successfully.');
}

/** The roles IS_ROLE_IN_SESSION sees: the current role and PUBLIC (the emulator keeps no role hierarchy). */
function envFor(session: Session, values: Record<string, Cell>): EvalEnv {
  return { values, role: session.role, rolesInSession: new Set([session.role, 'PUBLIC']), user: session.user };
}

/**
 * A table's rows as the session's role may see them: the row access policy decides which rows, each masked
 * column's policy what value. A policy body is evaluated per row, as Snowflake does at query time.
 */
export function visibleRows(
  account: Account,
  session: Session,
  path: readonly string[],
  table: TableObject,
): Record<string, Cell>[] {
  const rows = table.rows ?? [];
  const row = account.policies.rowPolicyOn(path);
  const filtered = row
    ? rows.filter(
        (r) =>
          evaluatePolicy(
            row.policy.body,
            envFor(
              session,
              Object.fromEntries(row.policy.args.map((arg, k) => [arg.name, r[row.columns[k]!] ?? null])),
            ),
          ) === true,
      )
    : rows;
  const masks = table.columns.map((c) => ({ c, p: account.policies.maskOn(path, c.name) })).filter((m) => m.p);
  if (masks.length === 0) return filtered;
  return filtered.map((r) => {
    const out = { ...r };
    for (const { c, p } of masks)
      out[c.name] = evaluatePolicy(p!.body, envFor(session, { [p!.args[0]!.name]: r[c.name] ?? null }));
    return out;
  });
}

const REF_COLUMNS = [
  'POLICY_DB',
  'POLICY_SCHEMA',
  'POLICY_NAME',
  'POLICY_KIND',
  'REF_DATABASE_NAME',
  'REF_SCHEMA_NAME',
  'REF_ENTITY_NAME',
  'REF_ENTITY_DOMAIN',
  'REF_COLUMN_NAME',
  'REF_ARG_COLUMN_NAMES',
  'TAG_DATABASE',
  'TAG_SCHEMA',
  'TAG_NAME',
  'POLICY_STATUS',
];

/**
 * `TABLE(<db>.INFORMATION_SCHEMA.POLICY_REFERENCES(REF_ENTITY_NAME => '<table>', REF_ENTITY_DOMAIN => 'table'))`
 * or `(POLICY_NAME => '<policy>')`: the policies attached to a table or view, or the attachments of a policy.
 */
export function tableFunctionRelation(
  ctx: ExecContext,
  fn: { name: string[]; args: Record<string, import('../statement.js').Value> },
): Relation {
  const fname = fn.name[fn.name.length - 1];
  const db = fn.name.length === 3 ? fn.name[0]! : ctx.session.database;
  if (fname !== 'POLICY_REFERENCES' || (fn.name.length >= 2 && fn.name[fn.name.length - 2] !== INFORMATION_SCHEMA)) {
    throw new SnowflakeSqlError('002140', `SQL compilation error:\nUnknown function ${displayPath(fn.name)}`, '42601');
  }
  if (!db) throw doesNotExist('Database', ['']);
  requireDatabase(ctx.account, db);
  const sight = new Sight(ctx.account, ctx.session.role);
  if (!sight.sees('DATABASE', [db])) throw doesNotExist('Database', [db]);
  const arg = (name: string) => (fn.args[name] ? bindValue(ctx, fn.args[name]!) : null);
  const complete = (text: string) => {
    let parts: string[];
    try {
      parts = parseQualifiedName(text);
    } catch {
      throw new SnowflakeSqlError('002025', `SQL compilation error:\ninvalid identifier '${text}'`, '42601');
    }
    return parts.length === 3
      ? parts
      : parts.length === 2
        ? [db, ...parts]
        : qualify(ctx, parts, 3, 'POLICY_REFERENCES');
  };
  const columns = REF_COLUMNS.map(text);
  const record = (
    p: PolicyObject,
    table: readonly string[],
    column: string | null,
    args: string[] | null,
  ): Record<string, Cell> => ({
    POLICY_DB: p.path[0],
    POLICY_SCHEMA: p.path[1],
    POLICY_NAME: p.path[2],
    POLICY_KIND: KIND[p.kind],
    REF_DATABASE_NAME: table[0]!,
    REF_SCHEMA_NAME: table[1]!,
    REF_ENTITY_NAME: table[2]!,
    REF_ENTITY_DOMAIN: ctx.account.resolve('VIEW', table) ? 'VIEW' : 'TABLE',
    REF_COLUMN_NAME: column,
    REF_ARG_COLUMN_NAMES: args ? JSON.stringify(args) : null,
    TAG_DATABASE: null,
    TAG_SCHEMA: null,
    TAG_NAME: null,
    POLICY_STATUS: 'ACTIVE',
  });
  const entity = arg('REF_ENTITY_NAME');
  if (entity !== null) {
    const path = complete(String(entity));
    const domain = String(arg('REF_ENTITY_DOMAIN') ?? '').toUpperCase();
    if (!['TABLE', 'VIEW'].includes(domain))
      throw new SnowflakeSqlError(
        '001044',
        `SQL compilation error:\nInvalid argument REF_ENTITY_DOMAIN '${domain}'.`,
        '22023',
      );
    // A table the role may not see answers as a missing one (visibility.ts).
    const kind = ctx.account.resolve('VIEW', path) ? 'VIEW' : 'TABLE';
    if (!ctx.account.resolve(kind, path) || !sight.sees(kind, path)) throw doesNotExist('Table', path);
    const rows = ctx.account.policies
      .referencesOn(path)
      .map((r) => record(r.policy, path, r.column ?? null, r.columns ?? null));
    return { columns, rows };
  }
  const policyName = arg('POLICY_NAME');
  if (policyName === null)
    throw new SnowflakeSqlError(
      '001044',
      'SQL compilation error:\nPOLICY_REFERENCES needs REF_ENTITY_NAME or POLICY_NAME.',
      '22023',
    );
  const path = complete(String(policyName));
  const p = ctx.account.policies.get(path);
  if (!p) throw doesNotExist('Object', path);
  return {
    columns,
    rows: ctx.account.policies
      .referencesTo(path)
      .filter((r) => sight.sees(ctx.account.resolve('VIEW', r.table) ? 'VIEW' : 'TABLE', r.table))
      .map((r) => record(p, r.table, r.column ?? null, null)),
  };
}
