import type { PolicyExpr } from './policy-expression.js';

/** Masking policies and row access policies of the emulated account, and where they are attached. */

export type PolicyObjectKind = 'MASKING' | 'ROW_ACCESS';

export interface PolicyObject {
  kind: PolicyObjectKind;
  path: [string, string, string];
  args: { name: string; type: string }[];
  returns: string;
  bodyText: string;
  body: PolicyExpr;
  comment: string | null;
  owner: string;
  createdOn: Date;
}

export interface RowPolicyRef {
  policy: string;
  columns: string[];
}

const key = (path: readonly string[]) => path.join('\u0000');

export class PolicyStore {
  readonly objects = new Map<string, PolicyObject>();
  /** table key + '\u0001' + column -> policy key */
  readonly masks = new Map<string, string>();
  /** table key -> row access policy */
  readonly rows = new Map<string, RowPolicyRef>();

  get(path: readonly string[]): PolicyObject | undefined {
    return this.objects.get(key(path));
  }
  put(p: PolicyObject): void {
    this.objects.set(key(p.path), p);
  }
  remove(path: readonly string[]): void {
    this.objects.delete(key(path));
  }

  maskOn(table: readonly string[], column: string): PolicyObject | undefined {
    const k = this.masks.get(`${key(table)}\u0001${column}`);
    return k === undefined ? undefined : this.objects.get(k);
  }
  setMask(table: readonly string[], column: string, policy: readonly string[]): void {
    this.masks.set(`${key(table)}\u0001${column}`, key(policy));
  }
  unsetMask(table: readonly string[], column: string): void {
    this.masks.delete(`${key(table)}\u0001${column}`);
  }

  rowPolicyOn(table: readonly string[]): { policy: PolicyObject; columns: string[] } | undefined {
    const ref = this.rows.get(key(table));
    const policy = ref ? this.objects.get(ref.policy) : undefined;
    return ref && policy ? { policy, columns: ref.columns } : undefined;
  }
  setRowPolicy(table: readonly string[], policy: readonly string[], columns: string[]): void {
    this.rows.set(key(table), { policy: key(policy), columns });
  }
  dropRowPolicy(table: readonly string[]): void {
    this.rows.delete(key(table));
  }

  /** Every attachment of a policy: masked columns and filtered tables. */
  referencesTo(path: readonly string[]): { table: string[]; column?: string }[] {
    const k = key(path);
    const out: { table: string[]; column?: string }[] = [];
    for (const [target, p] of this.masks) {
      if (p !== k) continue;
      const [table, column] = target.split('\u0001');
      out.push({ table: table!.split('\u0000'), column: column! });
    }
    for (const [table, ref] of this.rows) if (ref.policy === k) out.push({ table: table.split('\u0000') });
    return out;
  }

  /** Attachments on one table: its masked columns and its row access policy. */
  referencesOn(table: readonly string[]): { policy: PolicyObject; column?: string; columns?: string[] }[] {
    const out: { policy: PolicyObject; column?: string; columns?: string[] }[] = [];
    const prefix = `${key(table)}\u0001`;
    for (const [target, p] of this.masks) {
      const policy = this.objects.get(p);
      if (target.startsWith(prefix) && policy) out.push({ policy, column: target.slice(prefix.length) });
    }
    const row = this.rowPolicyOn(table);
    if (row) out.push({ policy: row.policy, columns: row.columns });
    return out;
  }
}
