/** Statements the emulator understands. Names are kept as written; the metastore folds object names. */
export type SecurableKeyword = 'CATALOG' | 'SCHEMA' | 'TABLE' | 'VIEW' | 'FUNCTION' | 'VOLUME';
export interface SecurableRef {
  type: SecurableKeyword;
  name: string[];
}

export type Literal =
  | { kind: 'literal'; value: string | number | boolean | null; text: string }
  | { kind: 'call'; name: string; text: string };

export interface Condition {
  column: string;
  op: '=' | '<>' | '<' | '<=' | '>' | '>=' | 'in' | 'not in' | 'is null' | 'is not null' | 'like';
  values: (string | number)[];
}

export type Statement =
  | { kind: 'select-values'; items: { expr: Literal; alias?: string }[] }
  | {
      kind: 'select-from';
      /** `count: true`: `count(*)`, the rows of its group. */
      columns: '*' | { name: string; alias?: string; count?: true }[];
      from: string[];
      where: Condition[];
      /** GROUP BY columns: one row per group, a column read from the group's first row. */
      groupBy?: string[];
      orderBy: { column: string; desc: boolean }[];
      limit?: number;
    }
  | { kind: 'show-catalogs'; like?: string }
  | { kind: 'show-schemas'; catalog?: string; like?: string }
  | { kind: 'show-tables'; schema?: string[]; like?: string }
  | { kind: 'show-views'; schema?: string[]; like?: string }
  | { kind: 'show-functions'; schema?: string[]; like?: string }
  | { kind: 'show-volumes'; schema?: string[]; like?: string }
  | { kind: 'show-columns'; table: string[]; schema?: string[] }
  | { kind: 'describe-table'; table: string[]; extended: boolean }
  | { kind: 'describe-catalog'; name: string[]; extended: boolean }
  | { kind: 'describe-schema'; name: string[]; extended: boolean }
  | { kind: 'show-grants'; principal?: string; on: SecurableRef }
  | { kind: 'show-users' | 'show-groups'; like?: string }
  | { kind: 'grant'; privileges: string[]; on: SecurableRef; principal: string }
  | { kind: 'revoke'; privileges: string[]; on: SecurableRef; principal: string }
  | { kind: 'use-catalog'; name: string }
  | { kind: 'use-schema'; name: string[] };
