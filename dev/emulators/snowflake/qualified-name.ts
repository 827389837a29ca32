import { storedName } from './identifiers.js';
import { splitStatements } from './sql-lexer.js';

/**
 * Parses a fully qualified name written in SQL (`SALES.PUBLIC."Mixed ""Case"""`) into stored parts with the
 * identifier rules: the form used by catalog grants, the control API and IDENTIFIER('...').
 */
export function parseQualifiedName(name: string): string[] {
  const statements = splitStatements(name);
  const tokens = statements[0]?.tokens ?? [];
  const parts: string[] = [];
  for (let k = 0; k < tokens.length - 1; k++) {
    const t = tokens[k]!;
    if (k % 2 === 0 && (t.kind === 'word' || t.kind === 'quoted'))
      parts.push(storedName({ quoted: t.kind === 'quoted', text: t.text }));
    else if (k % 2 === 1 && t.kind === 'punct' && t.text === '.') continue;
    else throw new Error(`not a qualified name: ${name}`);
  }
  if (statements.length !== 1 || parts.length === 0 || parts.length > 3 || tokens.length % 2 !== 0) {
    throw new Error(`not a qualified name: ${name}`);
  }
  return parts;
}
