import { createHash } from 'node:crypto';
import type { PolicyTarget } from './marker.js';

/** How a warehouse stores the names we generate. */
export interface GeneratedNameStyle {
  case: 'upper' | 'lower';
  maxLength: number;
}

const DIGEST_HEX = 64;

/**
 * The last part of the name of a policy object we create for `target` with `signature` (the argument types it
 * takes: a new signature is a new object). A readable head — schema, table, column and type family, cut to fit
 * and with every character outside [A-Za-z0-9] made `_` — is for people only: it is ambiguous. The name always
 * ends in the SHA-256 of the exact (database or catalog, schema, table, column, kind, family, signature), so
 * two names are equal only when their last 64 characters are, that is when those tuples are, short of a
 * SHA-256 collision. Hex survives any case folding (Unity Catalog stores names lower-case), and a name made of
 * [A-Za-z0-9_] is valid unquoted in both warehouses (we quote it anyway).
 */
export function generatedPolicyName(
  target: PolicyTarget,
  signature: string,
  family: string | undefined,
  style: GeneratedNameStyle,
): string {
  const digest = createHash('sha256')
    .update(JSON.stringify([target.kind, target.table, target.column ?? null, family ?? null, signature]))
    .digest('hex');
  const [, schema = '', table = ''] = target.table;
  const words =
    target.kind === 'mask' ? [schema, table, target.column ?? '', family ?? '', 'mask'] : [schema, table, 'rows'];
  const head = words
    .map((w) => w.replace(/[^A-Za-z0-9]+/g, '_'))
    .join('_')
    .slice(0, style.maxLength - DIGEST_HEX - 1);
  const name = `${head}_${digest}`;
  return style.case === 'upper' ? name.toUpperCase() : name.toLowerCase();
}
