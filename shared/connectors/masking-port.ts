import { type Marker, type PolicyTarget, parseMarker } from '../plan/masking/marker.js';
import type { DataMaskInfo } from '../policy/model.js';
import type { LoadedResource } from './loaded-resource.js';
import type { PrincipalNaming } from './principal-names.js';
import type { Securable } from './securable.js';

export type { Marker, PolicyTarget };

/**
 * Native masking and row filters as plain data: what the policies want on each column and table, what the
 * warehouse holds, and the steps between them. The planner knows no SQL: it decides each body as data
 * (`MaskBody`, `FilterBody`), the warehouse's `MaskSqlDialect` writes it, and its `MaskingPort` applies the steps.
 */

/** A column's data type reduced to what decides its mask expression and its policy's signature. */
export type TypeFamily = 'string' | 'integer' | 'decimal' | 'float' | 'date' | 'timestamp' | 'boolean' | 'other';

export interface ColumnInfo {
  name: string;
  dataType: string;
}

/** A masking policy / mask function (kind 'mask') or row access policy / row filter function (kind 'filter'). */
export type PolicyKind = PolicyTarget['kind'];

export interface DesiredPolicy {
  kind: PolicyKind;
  table: Securable;
  /** The masked column; absent for a row filter. */
  column?: string;
  /** The policy object's fully qualified name, as stored. */
  name: string[];
  /** Arguments in order (a mask: the one column value; a filter: the columns it reads), with data types. */
  args: { name: string; dataType: string }[];
  returns: string;
  body: string;
  /** Always names the target: what every later sync tells ours-for-this-target by. */
  marker: Required<Marker>;
  reason: string;
}

/**
 * Our marker from an object's comment, counted only when an identity of ours owns the object. A comment is written
 * by whoever creates the object: anyone else able to create in the governance schema could copy our marker (target
 * and hash included) onto an object with a body of their own, which the plan would then take for ours — up to date,
 * so attached as it is. The warehouses make the creator the owner, and only an owner (or the container's owner, or an
 * admin) hands ownership on, so ownership is the part of the object nobody else can forge.
 */
export function ownedMarker(
  comment: unknown,
  owner: string,
  ours: readonly string[],
  same: (a: string, b: string) => boolean,
): Marker | null {
  return ours.some((name) => same(name, owner)) ? parseMarker(comment) : null;
}

/** A policy object that exists; `marker` is null unless it carries ours on an object we own. */
export interface ExistingPolicy {
  kind: PolicyKind;
  name: string[];
  marker: Marker | null;
}

/** What is attached: a mask on a column, or a row filter on a table. */
export interface Attachment {
  kind: PolicyKind;
  table: Securable;
  column?: string;
  policy: string[];
}

export interface MaskingState {
  /** Columns with data types per table or view, keyed by its `securableKey`. */
  columns: Record<string, ColumnInfo[]>;
  attachments: Attachment[];
  /**
   * Policy objects attached to the loaded tables, and those of the governance schema: at least every one whose
   * marker says it was made for one of them (orphans included) and every one holding a name a desired policy
   * takes. A port may pre-filter by name for efficiency; which objects are ours is the marker's to say.
   */
  policies: ExistingPolicy[];
}

export type MaskStep =
  | { op: 'CREATE'; policy: DesiredPolicy; reason: string }
  | { op: 'ALTER_BODY'; policy: DesiredPolicy; reason: string }
  | { op: 'ATTACH'; policy: DesiredPolicy; reason: string }
  /** Replace the attached `from` with `policy` in one statement: the target is never unprotected. */
  | { op: 'SWAP'; policy: DesiredPolicy; from: string[]; reason: string }
  | { op: 'DETACH'; kind: PolicyKind; table: Securable; column?: string; policyName: string[]; reason: string }
  | { op: 'DROP'; kind: PolicyKind; policyName: string[]; reason: string };

export interface MaskStepOutcome {
  step: MaskStep;
  sql: string;
  ok: boolean;
  error?: string;
  code?: string;
}

/** Who a branch of a body is for: every reader, or the Ranger roles, groups and users an item names. */
export type Readers = 'everyone' | { roles: string[]; groups: string[]; users: string[] };

/** What a mask branch returns: the value as it is, NULL (fail closed), or the value as a Ranger data-mask item masks it. */
export type MaskedValue = { kind: 'clear' } | { kind: 'null' } | { kind: 'masked'; info: DataMaskInfo };

/** One column's mask, decided but not yet written: the first branch whose readers match wins, else the clear value. */
export interface MaskBody {
  /** The policy's argument, by name. */
  argument: string;
  family: TypeFamily;
  dataType: string;
  branches: { readers: Readers; value: MaskedValue }[];
}

/** What a row-filter branch lets through: every row, none (fail closed), or the rows an admin expression keeps. */
export type FilteredRows = { kind: 'all' } | { kind: 'none' } | { kind: 'where'; expression: string };

/** One table's row filter, decided but not yet written: the first branch whose readers match wins, else every row. */
export interface FilterBody {
  branches: { readers: Readers; rows: FilteredRows }[];
}

/**
 * What the masking planner asks of a warehouse: how it types, names and refers to a policy's arguments, whether
 * admin text is one expression of its SQL, and the body text for what the planner decided.
 */
export interface MaskSqlDialect {
  familyOf(dataType: string): TypeFamily;
  /** The data type a policy of this family takes and returns (a signature change means a new policy). */
  signatureType(family: TypeFamily, dataType: string): string;
  /** How a policy's argument is referred to in its body. */
  argument(name: string): string;
  /**
   * Null when admin text (a row-filter or custom mask expression) is one well-formed expression of this
   * warehouse's SQL, else why it is not (see expression-check.ts).
   */
  checkExpression(text: string): string | null;
  /**
   * Null when a column's data type, as the warehouse reports it, can be written into a policy's signature and casts
   * as it is, else why not: a type's text can carry names the table's creator chose (struct fields).
   */
  typeProblem(dataType: string): string | null;
  /**
   * The fully qualified name of the object for a column mask or a table filter with this signature (and, for a
   * mask, type family): deterministic, within identifier limits, and different for every distinct target.
   */
  policyName(target: PolicyTarget, signature: string, family?: string): string[];
  /** Whether a view can carry masks and row filters (Snowflake: yes; Unity Catalog: no). */
  readonly viewsTakePolicies: boolean;
  /** The body text of a column mask. */
  maskBody(body: MaskBody): string;
  /** The BOOLEAN body text of a row filter. */
  filterBody(body: FilterBody): string;
}

/** What a connector's masking side is configured with. */
export interface MaskingOptions {
  /** Schema (in each table's database or catalog) holding our policies; created when missing. */
  governanceSchema: string;
  /** CONNECTOR_<KIND>_MASKING_TAKEOVER (Databricks: CONNECTOR_DATABRICKS_UNITY_CATALOG_MASKING_TAKEOVER). */
  takeover: boolean;
  naming: PrincipalNaming;
}

/** A connector's masking side: read the state of loaded tables, and apply steps. */
export interface MaskingPort {
  readonly dialect: MaskSqlDialect;
  /** Take over a foreign masking policy or filter attached to a target (CONNECTOR_<KIND>_MASKING_TAKEOVER). */
  readonly takeover: boolean;
  /** The setting that allows takeover, named in conflict messages. */
  readonly takeoverSetting: string;
  read(loaded: LoadedResource): Promise<MaskingState>;
  apply(steps: MaskStep[]): Promise<MaskStepOutcome[]>;
  /** The statements a step becomes, for dry runs and the stored plan. */
  statements(step: MaskStep): string[];
}
