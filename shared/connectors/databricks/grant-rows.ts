import type { Grant, Principal, Securable, SecurableKind } from '../securable.js';
import { canonicalPrivilege, principalKindOf } from './dialect.js';
import type { Row } from './session.js';

const text = (v: unknown) => (v === null || v === undefined ? '' : String(v));
const keyOf = (s: Securable) => JSON.stringify([s.kind, ...s.path]);

// SHOW GRANTS names where a grant sits in `ObjectType`; a schema may be called DATABASE (the SQL reference's own
// example prints `USE DATABASE my_schema`), a view is a TABLE securable and a registered model a FUNCTION one.
const KINDS_BY_OBJECT_TYPE: Record<string, readonly SecurableKind[]> = {
  CATALOG: ['catalog'],
  SCHEMA: ['schema'],
  DATABASE: ['schema'],
  TABLE: ['table', 'view'],
  VIEW: ['table', 'view'],
  FUNCTION: ['function', 'model'],
  MODEL: ['model'],
  VOLUME: ['volume'],
};

/** Direct grants, each once; rows inherited from an ancestor are that ancestor's grants, never this object's. */
export class GrantSet {
  private readonly grants = new Map<string, Grant>();

  add(securable: Securable | undefined, grantee: unknown, privilege: unknown): void {
    if (!securable) return;
    const principal: Principal = { kind: principalKindOf(text(grantee)), name: text(grantee) };
    const g: Grant = { securable, principal, privilege: canonicalPrivilege(text(privilege)) };
    this.grants.set(`${keyOf(securable)}|${principal.name}|${g.privilege}`, g);
  }

  /**
   * SHOW GRANTS on an object lists its own grants and, as rows naming the ancestor in ObjectType, those of its
   * schema and catalog. Each row goes to the securable of `among` its ObjectType names (an object and its
   * ancestors, one per level); rows naming a level not in `among` are left out.
   */
  addShowGrants(among: readonly Securable[], rows: Row[]): void {
    for (const r of rows) {
      const kinds = KINDS_BY_OBJECT_TYPE[text(r.objecttype).toUpperCase()] ?? [];
      this.add(
        among.find((s) => kinds.includes(s.kind)),
        r.principal,
        r.actiontype,
      );
    }
  }

  list(): Grant[] {
    return [...this.grants.values()];
  }
}
