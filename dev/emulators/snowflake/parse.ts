import { storedName } from './identifiers.js';
import { parsePolicyStatement } from './parse-policies.js';
import { KNOWN_PRIVILEGES } from './privileges.js';
import { parseQualifiedName } from './qualified-name.js';
import { SnowflakeSqlError, syntaxError } from './sql-error.js';
import { BlockNesting, splitStatements, splitTokens, startsBlock, type Token } from './sql-lexer.js';
import type {
  Condition,
  Expr,
  GrantTarget,
  ObjectType,
  SelectItem,
  ShowScope,
  ShowWhat,
  Statement,
  TableFunction,
  Value,
} from './statement.js';
import type { Bindings } from './statements/context.js';
import { TokenCursor } from './token-cursor.js';

/** Parses one statement (tokens from splitStatements). `request` is the whole request text, for error positions. */
export function parseStatement(tokens: Token[], request: string, bindings: Bindings = {}): Statement {
  const policy = parsePolicyStatement(tokens, request);
  if (policy) return { kind: 'policy', statement: policy };
  return new Parser(tokens, request, bindings).statement();
}

const OBJECT_TYPES: Record<string, ObjectType> = {
  DATABASE: 'DATABASE',
  SCHEMA: 'SCHEMA',
  TABLE: 'TABLE',
  VIEW: 'VIEW',
};

// Words that end a privilege list or an expression; an unquoted identifier with one of these names must be quoted.
const CLAUSE_WORDS = new Set([
  'ON',
  'TO',
  'FROM',
  'WHERE',
  'ORDER',
  'LIMIT',
  'AND',
  'OR',
  'AS',
  'IN',
  'LIKE',
  'ILIKE',
  'NOT',
  'IS',
  'GROUP',
  'HAVING',
  'STARTS',
  'WITH',
  'ASC',
  'DESC',
  'NULLS',
  'UNION',
]);

class Parser extends TokenCursor {
  constructor(
    tokens: Token[],
    request: string,
    private readonly bindings: Bindings,
  ) {
    super(tokens, request);
  }

  /** Word by word: a statement that goes wrong halfway is reported at the first word that does not fit. */
  override expect(...words: string[]): void {
    for (const w of words) if (!this.accept(w)) this.fail();
  }

  private identifier(): string {
    const named = this.identifierFunction();
    if (named) {
      if (named.length !== 1) this.fail(this.tokens[this.i - 1]);
      return named[0]!;
    }
    const t = this.next();
    if (t.kind === 'word') return storedName({ quoted: false, text: t.text });
    if (t.kind === 'quoted') return storedName({ quoted: true, text: t.text });
    return this.fail(t);
  }
  /** db.schema.obj with any mix of quoted and unquoted parts. */
  private path(max = 3): string[] {
    const named = this.identifierFunction();
    if (named) return named.length <= max ? named : this.fail(this.tokens[this.i - 1]);
    const parts = [this.identifier()];
    while (parts.length < max && this.acceptPunct('.')) parts.push(this.identifier());
    return parts;
  }
  /** IDENTIFIER('SALES.PUBLIC."x"') or IDENTIFIER(?): a name passed as a string or binding, parsed by identifier rules. */
  private identifierFunction(): string[] | undefined {
    if (!this.isWord('IDENTIFIER') || this.peek(1).kind !== 'punct' || (this.peek(1) as { text: string }).text !== '(')
      return undefined;
    this.i += 2;
    const t = this.next();
    let text: string;
    if (t.kind === 'string') text = t.text;
    else if (t.kind === 'param') {
      const b = this.bindings[String(t.index)];
      if (!b || typeof b.value !== 'string')
        throw new SnowflakeSqlError(
          '002049',
          'SQL compilation error: error line 0 at position 0\nBind variable ? not set.',
          '42601',
        );
      text = b.value;
    } else return this.fail(t);
    this.expectPunct(')');
    try {
      return parseQualifiedName(text);
    } catch {
      throw new SnowflakeSqlError('002025', `SQL compilation error:\ninvalid identifier '${text}'`, '42601');
    }
  }

  private value(): Value {
    const t = this.next();
    if (t.kind === 'string') return { kind: 'literal', value: t.text };
    if (t.kind === 'param') return { kind: 'param', index: t.index };
    return this.fail(t);
  }
  private integer(): number {
    const t = this.next();
    if (t.kind !== 'number' || !/^\d+$/.test(t.text)) return this.fail(t);
    return Number(t.text);
  }

  statement(): Statement {
    const t = this.peek();
    if (t.kind !== 'word') return this.fail(t);
    let s: Statement;
    switch (t.upper) {
      case 'SHOW':
        this.next();
        s = this.show();
        break;
      case 'GRANT':
        this.next();
        s = this.grant('grant');
        break;
      case 'REVOKE':
        this.next();
        s = this.grant('revoke');
        break;
      case 'CREATE':
        this.next();
        s = this.createRole();
        break;
      case 'DROP':
        this.next();
        s = this.dropRole();
        break;
      case 'USE':
        this.next();
        s = this.use();
        break;
      case 'ALTER':
        this.next();
        this.expect('SESSION');
        while (this.peek().kind !== 'eof') this.next();
        return { kind: 'alterSession' };
      case 'SELECT':
        this.next();
        s = this.select();
        break;
      case 'DESC':
      case 'DESCRIBE': {
        this.next();
        const type = this.accept('VIEW') ? 'VIEW' : (this.accept('TABLE'), 'TABLE');
        s = { kind: 'describe', type, path: this.path() };
        break;
      }
      case 'BEGIN':
        if (startsBlock(this.peek(1))) return this.block();
        this.next();
        this.accept('TRANSACTION') || this.accept('WORK');
        s = { kind: 'transaction', verb: 'BEGIN' };
        break;
      case 'EXECUTE':
        this.next();
        this.expect('IMMEDIATE');
        s = this.executeImmediate();
        break;
      case 'COMMIT':
      case 'ROLLBACK':
        this.next();
        this.accept('TRANSACTION') || this.accept('WORK');
        s = { kind: 'transaction', verb: t.upper };
        break;
      default:
        return this.fail(t);
    }
    this.end();
    return s;
  }

  // Snowflake Scripting -------------------------------------------------------------------------------------

  /** BEGIN <stmt>; ... END [;]: plain statements only (no DECLARE, variables or control flow). */
  private block(): Statement {
    const begin = this.peek();
    const nesting = new BlockNesting();
    const inner: Token[] = [];
    for (;;) {
      const k = this.i;
      const t = this.next();
      if (t.kind === 'eof') return this.fail(t);
      nesting.take(this.tokens, k, true);
      if (nesting.depth === 0) break;
      if (t !== begin) inner.push(t);
    }
    this.acceptPunct(';');
    this.end();
    const statements = splitTokens(this.source, inner);
    for (const st of statements) {
      const first = st.tokens[0]!;
      if (
        first.kind === 'word' &&
        ['DECLARE', 'LET', 'IF', 'FOR', 'WHILE', 'LOOP', 'RETURN', 'CASE', 'REPEAT', 'EXCEPTION'].includes(first.upper)
      ) {
        throw new SnowflakeSqlError(
          '002043',
          `SQL compilation error:\nUnsupported feature '${first.upper} in a Snowflake Scripting block (emulator)'.`,
          '0A000',
        );
      }
    }
    return {
      kind: 'block',
      text: this.source.slice(begin.start, this.tokens[this.i - 1]!.end),
      statements,
      request: this.source,
    };
  }

  /** EXECUTE IMMEDIATE '<sql>' | $$<sql>$$ | ?: the text is one statement or one block. */
  private executeImmediate(): Statement {
    const v = this.value();
    const text = v.kind === 'literal' ? String(v.value ?? '') : String(this.bindings[String(v.index)]?.value ?? '');
    const statements = splitStatements(text);
    if (statements.length !== 1) throw syntaxError(text, text.length, '<EOF>');
    const only = statements[0]!;
    const parsed = parseStatement(only.tokens, text, this.bindings);
    return parsed.kind === 'block' ? parsed : { kind: 'block', text, statements: [only], request: text };
  }

  // SHOW ------------------------------------------------------------------------------------------------------

  private show(): Statement {
    const terse = this.accept('TERSE');
    if (!terse && this.accept('GRANTS')) return this.showGrants();
    const t = this.next();
    const plural: Record<string, ShowWhat> = {
      DATABASES: 'DATABASES',
      SCHEMAS: 'SCHEMAS',
      TABLES: 'TABLES',
      VIEWS: 'VIEWS',
      OBJECTS: 'OBJECTS',
      COLUMNS: 'COLUMNS',
      ROLES: 'ROLES',
      WAREHOUSES: 'WAREHOUSES',
      USERS: 'USERS',
    };
    const what = t.kind === 'word' ? plural[t.upper] : undefined;
    if (!what) return this.fail(t);
    if (terse && !['DATABASES', 'SCHEMAS', 'TABLES', 'VIEWS', 'OBJECTS'].includes(what)) return this.fail(t);
    const s: Extract<Statement, { kind: 'show' }> = { kind: 'show', what, terse };
    if (this.accept('LIKE')) s.like = this.value();
    if (this.accept('IN')) s.scope = this.showScope();
    if (this.accept('STARTS', 'WITH')) s.startsWith = this.value();
    if (this.accept('LIMIT')) s.limit = this.integer();
    return s;
  }

  private showScope(): ShowScope {
    if (this.accept('ACCOUNT')) return { kind: 'account' };
    for (const kind of ['DATABASE', 'SCHEMA'] as const) {
      if (this.accept(kind)) {
        const named = this.peek().kind === 'word' || this.peek().kind === 'quoted';
        const atClause = this.isWord('STARTS') || this.isWord('LIMIT');
        return {
          kind: kind === 'DATABASE' ? 'database' : 'schema',
          path: named && !atClause ? this.path(kind === 'DATABASE' ? 1 : 2) : null,
        };
      }
    }
    if (this.accept('TABLE')) return { kind: 'table', path: this.path() };
    if (this.accept('VIEW')) return { kind: 'view', path: this.path() };
    return { kind: 'bare', path: this.path() };
  }

  private showGrants(): Statement {
    if (this.accept('ON')) {
      const t = this.next();
      const type = t.kind === 'word' ? OBJECT_TYPES[t.upper] : undefined;
      if (!type) return this.fail(t);
      return { kind: 'showGrants', on: { type, path: this.path(type === 'DATABASE' ? 1 : type === 'SCHEMA' ? 2 : 3) } };
    }
    if (this.accept('TO')) {
      if (this.accept('USER')) return { kind: 'showGrants', toUser: this.identifier() };
      this.expect('ROLE');
      return { kind: 'showGrants', toRole: this.identifier() };
    }
    if (this.accept('OF')) {
      this.expect('ROLE');
      return { kind: 'showGrants', ofRole: this.identifier() };
    }
    return this.fail();
  }

  // GRANT / REVOKE ------------------------------------------------------------------------------------------

  private grant(kind: 'grant' | 'revoke'): Statement {
    const grantOptionFor = kind === 'revoke' && this.accept('GRANT', 'OPTION', 'FOR');
    if (this.accept('ROLE')) {
      const role = this.identifier();
      this.expect(kind === 'grant' ? 'TO' : 'FROM');
      const type = this.accept('USER') ? 'USER' : (this.expect('ROLE'), 'ROLE');
      return { kind: kind === 'grant' ? 'grantRole' : 'revokeRole', role, grantee: { type, name: this.identifier() } };
    }
    const privileges = this.privileges();
    this.expect('ON');
    const target = this.grantTarget();
    this.expect(kind === 'grant' ? 'TO' : 'FROM');
    if (this.isWord('DATABASE') && this.isWord('ROLE', 1)) return this.fail(this.peek());
    if (this.isWord('SHARE') || this.isWord('APPLICATION')) return this.fail(this.peek());
    this.accept('ROLE');
    const role = this.identifier();
    let grantOption = grantOptionFor;
    if (kind === 'grant' && this.accept('WITH', 'GRANT', 'OPTION')) grantOption = true;
    if (kind === 'grant' && privileges.includes('OWNERSHIP')) {
      if (this.accept('COPY') || this.accept('REVOKE')) this.expect('CURRENT', 'GRANTS');
    }
    if (kind === 'revoke') this.accept('CASCADE') || this.accept('RESTRICT');
    return { kind, privileges, target, role, grantOption };
  }

  /** `SELECT, INSERT`, `CREATE SCHEMA`, `ALL [PRIVILEGES]`: each privilege is the words up to `,` or ON. */
  private privileges(): string[] {
    const list: string[] = [];
    do {
      const first = this.peek();
      const words: string[] = [];
      while (this.peek().kind === 'word' && !this.isWord('ON')) words.push((this.next() as { upper: string }).upper);
      const privilege = words.join(' ') === 'ALL PRIVILEGES' ? 'ALL' : words.join(' ');
      if (!KNOWN_PRIVILEGES.has(privilege)) this.fail(first);
      list.push(privilege);
    } while (this.acceptPunct(','));
    return list;
  }

  private grantTarget(): GrantTarget {
    if (this.isWord('FUTURE')) return this.fail();
    if (this.accept('ALL')) {
      const t = this.next();
      const type =
        t.kind === 'word' && t.upper === 'TABLES'
          ? 'TABLE'
          : t.kind === 'word' && t.upper === 'VIEWS'
            ? 'VIEW'
            : this.fail(t);
      this.expect('IN');
      if (this.accept('DATABASE')) return { kind: 'all', type, in: { type: 'DATABASE', path: this.path(1) } };
      this.expect('SCHEMA');
      return { kind: 'all', type, in: { type: 'SCHEMA', path: this.path(2) } };
    }
    const t = this.peek();
    const type = t.kind === 'word' ? OBJECT_TYPES[t.upper] : undefined;
    if (type) {
      this.next();
      return { kind: 'object', type, path: this.path(type === 'DATABASE' ? 1 : type === 'SCHEMA' ? 2 : 3) };
    }
    // Snowflake's default object type for GRANT ... ON <name> is TABLE.
    return { kind: 'object', type: 'TABLE', path: this.path() };
  }

  // Roles and session ---------------------------------------------------------------------------------------

  private createRole(): Statement {
    const orReplace = this.accept('OR', 'REPLACE');
    if (this.accept('USER')) return this.createUser(orReplace);
    this.expect('ROLE');
    const ifNotExists = this.accept('IF', 'NOT', 'EXISTS');
    const name = this.identifier();
    if (this.accept('COMMENT')) {
      this.expectPunct('=');
      const comment = this.value();
      return { kind: 'createRole', name, ifNotExists, orReplace, comment: String(this.resolved(comment) ?? '') };
    }
    return { kind: 'createRole', name, ifNotExists, orReplace };
  }

  /** CREATE [OR REPLACE] USER [IF NOT EXISTS] u [prop = value ...]: a value is a string, a number, a word or a name. */
  private createUser(orReplace: boolean): Statement {
    const ifNotExists = this.accept('IF', 'NOT', 'EXISTS');
    const name = this.identifier();
    const properties: Record<string, string> = {};
    while (this.peek().kind === 'word') {
      const key = (this.next() as { upper: string }).upper;
      this.expectPunct('=');
      const t = this.next();
      if (t.kind === 'string' || t.kind === 'number' || t.kind === 'word' || t.kind === 'quoted')
        properties[key] = t.text;
      else if (t.kind === 'param') properties[key] = String(this.bindings[String(t.index)]?.value ?? '');
      else return this.fail(t);
    }
    return { kind: 'createUser', name, ifNotExists, orReplace, properties };
  }

  private resolved(v: Value): string | number | null {
    return v.kind === 'literal' ? v.value : ((this.bindings[String(v.index)]?.value as string | undefined) ?? null);
  }

  private dropRole(): Statement {
    this.expect('ROLE');
    const ifExists = this.accept('IF', 'EXISTS');
    return { kind: 'dropRole', name: this.identifier(), ifExists };
  }

  private use(): Statement {
    if (this.accept('SECONDARY', 'ROLES')) {
      this.next();
      return { kind: 'use', what: 'SECONDARY ROLES', path: [] };
    }
    for (const what of ['ROLE', 'WAREHOUSE', 'DATABASE', 'SCHEMA'] as const) {
      if (this.accept(what)) return { kind: 'use', what, path: this.path(what === 'SCHEMA' ? 2 : 1) };
    }
    // USE <name> means USE SCHEMA when qualified and USE DATABASE otherwise.
    const path = this.path(2);
    return { kind: 'use', what: path.length === 2 ? 'SCHEMA' : 'DATABASE', path };
  }

  // SELECT --------------------------------------------------------------------------------------------------

  private select(): Statement {
    const items: SelectItem[] = [];
    do items.push(this.selectItem());
    while (this.acceptPunct(','));
    const s: Extract<Statement, { kind: 'select' }> = { kind: 'select', items, orderBy: [] };
    if (this.accept('FROM')) {
      if (this.isWord('TABLE') && this.peek(1).kind === 'punct' && (this.peek(1) as { text: string }).text === '(') {
        s.from = { path: [], tableFunction: this.tableFunction() };
        const t = this.peek();
        if (this.accept('AS') || t.kind === 'quoted' || (t.kind === 'word' && !CLAUSE_WORDS.has(t.upper)))
          this.identifier();
        return this.selectRest(s);
      }
      const path = this.path();
      const t = this.peek();
      let alias: string | undefined;
      if (this.accept('AS') || (t.kind === 'word' && !CLAUSE_WORDS.has(t.upper)) || t.kind === 'quoted')
        alias = this.identifier();
      s.from = alias ? { path, alias } : { path };
    }
    return this.selectRest(s);
  }

  /** TABLE(<name>(ARG => value, ...)): named arguments only, as the INFORMATION_SCHEMA table functions take them. */
  private tableFunction(): TableFunction {
    this.expect('TABLE');
    this.expectPunct('(');
    const name = this.path();
    this.expectPunct('(');
    const args: Record<string, Value> = {};
    if (!this.isPunct(')')) {
      do {
        const arg = this.identifier();
        this.expectPunct('=');
        this.expectPunct('>');
        args[arg] = this.value();
      } while (this.acceptPunct(','));
    }
    this.expectPunct(')');
    this.expectPunct(')');
    return { name, args };
  }

  private selectRest(s: Extract<Statement, { kind: 'select' }>): Statement {
    if (this.accept('WHERE')) s.where = this.or();
    if (this.accept('GROUP', 'BY')) {
      s.groupBy = [];
      do s.groupBy.push(this.expr());
      while (this.acceptPunct(','));
    }
    if (this.accept('UNION', 'ALL')) {
      this.expect('SELECT');
      s.unionAll = this.select() as Extract<Statement, { kind: 'select' }>;
      return s;
    }
    if (this.accept('ORDER', 'BY')) {
      do {
        const t = this.peek();
        const expr: Expr | number = t.kind === 'number' ? this.integer() : this.expr();
        const desc = this.accept('DESC') ? true : (this.accept('ASC'), false);
        if (this.accept('NULLS')) this.accept('FIRST') || this.expect('LAST');
        s.orderBy.push({ expr, desc });
      } while (this.acceptPunct(','));
    }
    if (this.accept('LIMIT')) s.limit = this.integer();
    return s;
  }

  private selectItem(): SelectItem {
    const start = this.peek().start;
    if (this.acceptPunct('*')) return { expr: '*', text: '*' };
    const expr = this.expr();
    const text = this.source.slice(start, this.tokens[this.i - 1]!.end);
    let alias: string | undefined;
    const t = this.peek();
    if (this.accept('AS') || t.kind === 'quoted' || (t.kind === 'word' && !CLAUSE_WORDS.has(t.upper)))
      alias = this.identifier();
    return alias === undefined ? { expr, text } : { expr, alias, text };
  }

  private expr(): Expr {
    const t = this.next();
    if (t.kind === 'string') return { kind: 'literal', value: t.text };
    if (t.kind === 'number') return { kind: 'literal', value: Number(t.text) };
    if (t.kind === 'param') return { kind: 'param', index: t.index };
    if (t.kind === 'punct' && t.text === '-' && this.peek().kind === 'number') {
      return { kind: 'literal', value: -Number((this.next() as { text: string }).text) };
    }
    if (t.kind === 'word' && t.upper === 'NULL') return { kind: 'literal', value: null };
    if (t.kind === 'word' || t.kind === 'quoted') {
      const name = storedName({ quoted: t.kind === 'quoted', text: t.text });
      if (t.kind === 'word' && this.acceptPunct('(')) {
        const args: Expr[] = [];
        // COUNT(*): a call with no arguments, as COUNT counts rows then.
        if (name === 'COUNT' && this.acceptPunct('*')) {
          this.expectPunct(')');
          return { kind: 'call', name, args };
        }
        if (!this.isPunct(')'))
          do args.push(this.expr());
          while (this.acceptPunct(','));
        this.expectPunct(')');
        return { kind: 'call', name, args };
      }
      if (this.acceptPunct('.')) return { kind: 'column', qualifier: name, name: this.identifier() };
      return { kind: 'column', name };
    }
    return this.fail(t);
  }

  private or(): Condition {
    let left = this.and();
    while (this.accept('OR')) left = { kind: 'or', left, right: this.and() };
    return left;
  }
  private and(): Condition {
    let left = this.not();
    while (this.accept('AND')) left = { kind: 'and', left, right: this.not() };
    return left;
  }
  private not(): Condition {
    if (this.accept('NOT')) return { kind: 'not', operand: this.not() };
    if (this.acceptPunct('(')) {
      const c = this.or();
      this.expectPunct(')');
      return c;
    }
    return this.predicate();
  }
  private predicate(): Condition {
    const left = this.expr();
    if (this.accept('IS')) {
      const negate = this.accept('NOT');
      this.expect('NULL');
      return { kind: 'isNull', operand: left, negate };
    }
    const negate = this.accept('NOT');
    if (this.accept('IN')) {
      this.expectPunct('(');
      const values: Expr[] = [];
      do values.push(this.expr());
      while (this.acceptPunct(','));
      this.expectPunct(')');
      return { kind: 'in', left, values, negate };
    }
    if (this.accept('LIKE')) return { kind: 'compare', op: 'LIKE', left, right: this.expr(), negate };
    if (this.accept('ILIKE')) return { kind: 'compare', op: 'ILIKE', left, right: this.expr(), negate };
    if (negate) this.fail();
    const t = this.next();
    const ops = ['=', '<>', '!=', '<', '>', '<=', '>='];
    if (t.kind !== 'punct' || !ops.includes(t.text)) return this.fail(t);
    const op = (t.text === '!=' ? '<>' : t.text) as '=' | '<>' | '<' | '>' | '<=' | '>=';
    return { kind: 'compare', op, left, right: this.expr(), negate: false };
  }
}
