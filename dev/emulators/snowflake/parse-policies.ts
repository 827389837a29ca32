import { storedName } from './identifiers.js';
import { type PolicyExpr, parsePolicyExpression } from './policy-expression.js';
import type { PolicyObjectKind } from './policy-store.js';
import type { Token } from './sql-lexer.js';
import { TokenCursor } from './token-cursor.js';

/** Masking and row access policy DDL, the ALTER TABLE forms that attach them, CREATE SCHEMA and SHOW ... POLICIES. */
export type PolicyStatement =
  | {
      kind: 'createPolicy';
      policyKind: PolicyObjectKind;
      path: string[];
      orReplace: boolean;
      ifNotExists: boolean;
      args: { name: string; type: string }[];
      returns: string;
      bodyText: string;
      body: PolicyExpr;
      comment: string | null;
    }
  | {
      kind: 'alterPolicy';
      policyKind: PolicyObjectKind;
      path: string[];
      ifExists: boolean;
      set: { body: PolicyExpr; bodyText: string } | { comment: string };
    }
  | { kind: 'dropPolicy'; policyKind: PolicyObjectKind; path: string[]; ifExists: boolean }
  | { kind: 'createSchema'; path: string[]; ifNotExists: boolean; orReplace: boolean }
  | {
      kind: 'showPolicies';
      policyKind: PolicyObjectKind;
      in: { type: 'ACCOUNT' } | { type: 'DATABASE' | 'SCHEMA'; path: string[] } | null;
    }
  | {
      kind: 'attach';
      on: 'TABLE' | 'VIEW';
      path: string[];
      action:
        | { op: 'setMask'; column: string; policy: string[]; force: boolean }
        | { op: 'unsetMask'; column: string }
        | { op: 'addRow'; policy: string[]; columns: string[] }
        | { op: 'dropRow'; policy: string[]; add?: { policy: string[]; columns: string[] } };
    };

/** The statement when `tokens` is one of the forms above; undefined to let the main parser have it. */
export function parsePolicyStatement(tokens: Token[], request: string): PolicyStatement | undefined {
  const p = new Cursor(tokens, request);
  if (p.accept('CREATE')) {
    const orReplace = p.accept('OR', 'REPLACE');
    const policyKind = p.policyKind();
    if (policyKind) return p.createPolicy(policyKind, orReplace);
    if (p.accept('SCHEMA')) {
      const ifNotExists = p.accept('IF', 'NOT', 'EXISTS');
      const path = p.path(2);
      p.end();
      return { kind: 'createSchema', path, ifNotExists, orReplace };
    }
    return undefined;
  }
  if (p.accept('ALTER')) {
    const policyKind = p.policyKind();
    if (policyKind) return p.alterPolicy(policyKind);
    const on = p.accept('TABLE') ? 'TABLE' : p.accept('VIEW') ? 'VIEW' : undefined;
    if (!on) return undefined;
    return p.attach(on);
  }
  if (p.accept('DROP')) {
    const policyKind = p.policyKind();
    if (!policyKind) return undefined;
    const ifExists = p.accept('IF', 'EXISTS');
    const path = p.path(3);
    p.end();
    return { kind: 'dropPolicy', policyKind, path, ifExists };
  }
  if (p.accept('SHOW')) {
    const policyKind = p.accept('MASKING', 'POLICIES')
      ? 'MASKING'
      : p.accept('ROW', 'ACCESS', 'POLICIES')
        ? 'ROW_ACCESS'
        : undefined;
    if (!policyKind) return undefined;
    let scope: Extract<PolicyStatement, { kind: 'showPolicies' }>['in'] = null;
    if (p.accept('IN')) {
      if (p.accept('ACCOUNT')) scope = { type: 'ACCOUNT' };
      else if (p.accept('DATABASE')) scope = { type: 'DATABASE', path: p.path(1) };
      else {
        p.accept('SCHEMA');
        scope = { type: 'SCHEMA', path: p.path(2) };
      }
    }
    p.end();
    return { kind: 'showPolicies', policyKind, in: scope };
  }
  return undefined;
}

class Cursor extends TokenCursor {
  policyKind(): PolicyObjectKind | undefined {
    if (this.accept('MASKING', 'POLICY')) return 'MASKING';
    if (this.accept('ROW', 'ACCESS', 'POLICY')) return 'ROW_ACCESS';
    return undefined;
  }
  identifier(): string {
    const t = this.next();
    if (t.kind === 'word') return storedName({ quoted: false, text: t.text });
    if (t.kind === 'quoted') return storedName({ quoted: true, text: t.text });
    return this.fail(t);
  }
  path(max: number): string[] {
    const parts = [this.identifier()];
    while (parts.length < max && this.acceptPunct('.')) parts.push(this.identifier());
    return parts;
  }
  string(): string {
    const t = this.next();
    return t.kind === 'string' ? t.text : this.fail(t);
  }
  /** `-> <expression>` up to a COMMENT = outside brackets (a column may be called COMMENT), or the end. */
  body(): { body: PolicyExpr; bodyText: string } {
    this.expectPunct('-');
    this.expectPunct('>');
    const first = this.peek();
    let last: Token | undefined;
    let depth = 0;
    while (this.peek().kind !== 'eof' && !(depth === 0 && this.isWord('COMMENT') && this.isPunct('=', 1))) {
      if (this.isPunct('(')) depth++;
      else if (this.isPunct(')')) depth--;
      last = this.next();
    }
    if (!last) return this.fail();
    const bodyText = this.source.slice(first.start, last.end);
    return { body: parsePolicyExpression(bodyText), bodyText };
  }
  createPolicy(policyKind: PolicyObjectKind, orReplace: boolean): PolicyStatement {
    const ifNotExists = this.accept('IF', 'NOT', 'EXISTS');
    const path = this.path(3);
    this.expect('AS');
    this.expectPunct('(');
    const args: { name: string; type: string }[] = [];
    do args.push({ name: this.identifier(), type: this.typeName() });
    while (this.acceptPunct(','));
    this.expectPunct(')');
    this.expect('RETURNS');
    const returns = this.typeName();
    const { body, bodyText } = this.body();
    let comment: string | null = null;
    if (this.accept('COMMENT')) {
      this.expectPunct('=');
      comment = this.string();
    }
    this.end();
    return { kind: 'createPolicy', policyKind, path, orReplace, ifNotExists, args, returns, body, bodyText, comment };
  }
  alterPolicy(policyKind: PolicyObjectKind): PolicyStatement {
    const ifExists = this.accept('IF', 'EXISTS');
    const path = this.path(3);
    this.expect('SET');
    if (this.accept('BODY')) {
      const set = this.body();
      this.end();
      return { kind: 'alterPolicy', policyKind, path, ifExists, set };
    }
    this.expect('COMMENT');
    this.expectPunct('=');
    const comment = this.string();
    this.end();
    return { kind: 'alterPolicy', policyKind, path, ifExists, set: { comment } };
  }
  columnList(): string[] {
    this.expectPunct('(');
    const cols: string[] = [];
    do cols.push(this.identifier());
    while (this.acceptPunct(','));
    this.expectPunct(')');
    return cols;
  }
  attach(on: 'TABLE' | 'VIEW'): PolicyStatement | undefined {
    this.accept('IF', 'EXISTS');
    const path = this.path(3);
    if (this.accept('MODIFY') || this.accept('ALTER')) {
      this.accept('COLUMN');
      const column = this.identifier();
      if (this.accept('UNSET', 'MASKING', 'POLICY')) {
        this.end();
        return { kind: 'attach', on, path, action: { op: 'unsetMask', column } };
      }
      this.expect('SET', 'MASKING', 'POLICY');
      const policy = this.path(3);
      const force = this.accept('FORCE');
      this.end();
      return { kind: 'attach', on, path, action: { op: 'setMask', column, policy, force } };
    }
    if (this.accept('ADD', 'ROW', 'ACCESS', 'POLICY')) {
      const policy = this.path(3);
      this.expect('ON');
      const columns = this.columnList();
      this.end();
      return { kind: 'attach', on, path, action: { op: 'addRow', policy, columns } };
    }
    if (this.accept('DROP', 'ROW', 'ACCESS', 'POLICY')) {
      const policy = this.path(3);
      if (this.acceptPunct(',')) {
        this.expect('ADD', 'ROW', 'ACCESS', 'POLICY');
        const added = this.path(3);
        this.expect('ON');
        const columns = this.columnList();
        this.end();
        return { kind: 'attach', on, path, action: { op: 'dropRow', policy, add: { policy: added, columns } } };
      }
      this.end();
      return { kind: 'attach', on, path, action: { op: 'dropRow', policy } };
    }
    return undefined;
  }
}
