import type { PolicyStatement } from './parse-policies.js';
import type { StatementSource } from './sql-lexer.js';

/** The statements the emulator understands, as plain data. Names are stored forms (see identifiers.ts). */

export type ObjectType = 'DATABASE' | 'SCHEMA' | 'TABLE' | 'VIEW';

/** A literal written in the SQL or a `?` / `:N` placeholder resolved from the request's bindings. */
export type Value = { kind: 'literal'; value: string | number | null } | { kind: 'param'; index: number };

export type ShowScope =
  | { kind: 'account' }
  | { kind: 'database'; path: string[] | null } // null: the current database
  | { kind: 'schema'; path: string[] | null }
  | { kind: 'table' | 'view'; path: string[] }
  | { kind: 'bare'; path: string[] }; // IN <name>: database or schema depending on the command

export type ShowWhat =
  | 'DATABASES'
  | 'SCHEMAS'
  | 'TABLES'
  | 'VIEWS'
  | 'OBJECTS'
  | 'COLUMNS'
  | 'ROLES'
  | 'WAREHOUSES'
  | 'USERS';

export type GrantTarget =
  | { kind: 'object'; type: ObjectType; path: string[] }
  | { kind: 'all'; type: 'TABLE' | 'VIEW'; in: { type: 'DATABASE' | 'SCHEMA'; path: string[] } };

export type Expr =
  | { kind: 'column'; name: string; qualifier?: string }
  | Value
  | { kind: 'call'; name: string; args: Expr[] };

export type Condition =
  | { kind: 'and' | 'or'; left: Condition; right: Condition }
  | { kind: 'not'; operand: Condition }
  | {
      kind: 'compare';
      op: '=' | '<>' | '<' | '>' | '<=' | '>=' | 'LIKE' | 'ILIKE';
      left: Expr;
      right: Expr;
      negate: boolean;
    }
  | { kind: 'in'; left: Expr; values: Expr[]; negate: boolean }
  | { kind: 'isNull'; operand: Expr; negate: boolean };

export interface SelectItem {
  expr: Expr | '*';
  alias?: string;
  text: string;
}

export type Statement =
  | {
      kind: 'show';
      what: ShowWhat;
      terse: boolean;
      like?: Value;
      scope?: ShowScope;
      startsWith?: Value;
      limit?: number;
    }
  | {
      kind: 'showGrants';
      on?: { type: ObjectType; path: string[] };
      toRole?: string;
      toUser?: string;
      ofRole?: string;
    }
  | { kind: 'grant' | 'revoke'; privileges: string[]; target: GrantTarget; role: string; grantOption: boolean }
  | { kind: 'grantRole' | 'revokeRole'; role: string; grantee: { type: 'ROLE' | 'USER'; name: string } }
  | { kind: 'createRole'; name: string; ifNotExists: boolean; orReplace: boolean; comment?: string }
  /** CREATE USER: its properties by upper-case name, values as written (strings unquoted). */
  | { kind: 'createUser'; name: string; ifNotExists: boolean; orReplace: boolean; properties: Record<string, string> }
  | { kind: 'dropRole'; name: string; ifExists: boolean }
  | { kind: 'use'; what: 'ROLE' | 'WAREHOUSE' | 'DATABASE' | 'SCHEMA' | 'SECONDARY ROLES'; path: string[] }
  | { kind: 'alterSession' }
  | { kind: 'describe'; type: 'TABLE' | 'VIEW'; path: string[] }
  /** Masking / row access policy DDL and attachment, CREATE SCHEMA, SHOW ... POLICIES (parse-policies.ts). */
  | { kind: 'policy'; statement: PolicyStatement }
  | { kind: 'transaction'; verb: 'BEGIN' | 'COMMIT' | 'ROLLBACK' }
  /** `BEGIN ...; ...; END` or `EXECUTE IMMEDIATE $$...$$`: statements run in order in one round trip. */
  | {
      kind: 'block';
      text: string;
      statements: StatementSource[];
      request: string /* the text token offsets refer to */;
    }
  | {
      kind: 'select';
      items: SelectItem[];
      from?: { path: string[]; alias?: string; tableFunction?: TableFunction };
      where?: Condition;
      /** GROUP BY: one row per group; COUNT(*) counts its rows, any other item is read from its first. */
      groupBy?: Expr[];
      orderBy: { expr: Expr | number; desc: boolean }[];
      limit?: number;
      /** `UNION ALL SELECT ...`: the next branch; its rows follow this one's. */
      unionAll?: Extract<Statement, { kind: 'select' }>;
    };

/** `TABLE(<name>(ARG => value, ...))` in FROM. */
export interface TableFunction {
  name: string[];
  args: Record<string, Value>;
}
