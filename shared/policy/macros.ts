/*
 * Ranger resolves macros in resource values at request time: `{USER}` is the requesting user, `${{USER.dept}}` a user
 * attribute. We can resolve `{USER}` when a request names a user; user attributes we never know. For the ACL view
 * (no requesting user) Ranger replaces every macro by `*` and reports a match as CONDITIONAL, and so do we.
 */
const MACRO = /\$\{\{.*?\}\}|\{[^{}]*\}/g;

export type MacroMode = { kind: 'request'; user?: string } | { kind: 'wildcard' } | { kind: 'literal' };

export function hasMacro(value: string): boolean {
  MACRO.lastIndex = 0;
  return MACRO.test(value);
}

/** The value with its macros resolved, or null when one cannot be resolved (the value then matches nothing). */
export function resolveMacros(value: string, mode: MacroMode): string | null {
  if (mode.kind === 'literal' || !hasMacro(value)) return value;
  let unresolved = false;
  const out = value.replace(MACRO, (token) => {
    if (mode.kind === 'wildcard') return '*';
    if (token === '{USER}' && mode.user !== undefined) return mode.user;
    unresolved = true;
    return token;
  });
  return unresolved ? null : out;
}
