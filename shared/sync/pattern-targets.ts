import type { Connector } from '../connectors/connector.js';
import { ConnectorError } from '../connectors/errors.js';
import { type LevelRule, type PatternScope, patternScope } from '../plan/pattern-scope.js';
import type { WarehouseProfile } from '../plan/profile.js';
import type { ResourcePattern } from '../policy/policy-diff.js';
import type { ResourceRef } from '../task/request.js';

/**
 * The objects policy patterns reach, as resources to sync: names a pattern spells out are taken as written, with no
 * query; a wildcard, an exclusion or a macro lists only the containers the pattern can match, each once (one listing
 * query per container, never one per object, and never the whole account when the pattern names its database or
 * catalog). A pattern that covers a whole database, catalog or schema gives that container, not its tables; an
 * object inside a container that is itself a target is left to the container's sync.
 */
export async function patternTargets(
  patterns: ResourcePattern[],
  connector: Connector,
  profile: WarehouseProfile,
): Promise<ResourceRef[]> {
  return (await attributedTargets([{ cause: 0, patterns }], connector, profile)).map((t) => t.ref);
}

/** A target and the causes (policies) whose patterns reach it, or reach an object inside it. */
export interface AttributedTarget<C> {
  ref: ResourceRef;
  causes: C[];
}

/** patternTargets for several causes at once, listing each container once for all of them. */
export async function attributedTargets<C>(
  groups: { cause: C; patterns: ResourcePattern[] }[],
  connector: Connector,
  profile: WarehouseProfile,
): Promise<AttributedTarget<C>[]> {
  const lister = new Lister(connector, profile);
  const found: AttributedTarget<C>[] = [];
  for (const { cause, patterns } of groups)
    for (const pattern of patterns) {
      const scope = patternScope(pattern, profile.serviceDef);
      if (scope) found.push(...(await targetsOf(scope, lister, profile)).map((ref) => ({ ref, causes: [cause] })));
    }
  return withoutCovered(found, profile);
}

async function targetsOf(scope: PatternScope, lister: Lister, profile: WarehouseProfile): Promise<ResourceRef[]> {
  const [top, schemas, tables] = scope.levels as [LevelRule, LevelRule?, LevelRule?];
  const containers = await lister.containers(top);
  if (!schemas) return containers;
  const out: ResourceRef[] = [];
  for (const container of containers) {
    // A table pattern under a schema wildcard reads the container's tables once, rather than its schemas and
    // then each schema's tables.
    if (tables && schemas.kind === 'match') {
      const listed = await lister.tables(container);
      out.push(...listed.filter((t) => matchesLevels(profile.resourcePath(t), [top, schemas, tables])));
      continue;
    }
    const inContainer =
      schemas.kind === 'exact'
        ? schemas.names.map((schema) => child(container, 'schema', { schema }))
        : (await lister.schemas(container)).filter((s) => matchesLevels(profile.resourcePath(s), [top, schemas]));
    if (!tables) {
      out.push(...inContainer);
      continue;
    }
    for (const schema of inContainer) {
      if (tables.kind === 'exact') out.push(...tables.names.map((table) => child(schema, 'table', { table })));
      else
        out.push(
          ...(await lister.tables(schema)).filter((t) =>
            matchesLevels(profile.resourcePath(t), [top, schemas, tables]),
          ),
        );
    }
  }
  return out;
}

/** The listings of one expansion: every container is listed at most once, whatever number of patterns need it. */
class Lister {
  private all?: Promise<ResourceRef[]>;
  private readonly below = new Map<string, Promise<ResourceRef[]>>();

  constructor(
    private readonly connector: Connector,
    private readonly profile: WarehouseProfile,
  ) {}

  async containers(rule: LevelRule): Promise<ResourceRef[]> {
    const kind = this.profile.containerKind;
    if (rule.kind === 'exact') return rule.names.map((name) => ({ type: kind, values: { [kind]: name } }));
    const list = this.connector.capabilities.containers;
    if (!list)
      throw new ConnectorError(
        'CONFIG',
        `the ${this.connector.kind} connector cannot list its containers, which a policy with a wildcard at the top needs`,
      );
    this.all ??= list();
    return (await this.all).filter((c) => matchesLevels(this.profile.resourcePath(c), [rule]));
  }

  schemas(container: ResourceRef): Promise<ResourceRef[]> {
    const { children } = this.connector.capabilities;
    return this.once(`s${key(this.profile, container)}`, () => (children ? children(container) : []));
  }

  tables(container: ResourceRef): Promise<ResourceRef[]> {
    const { tables } = this.connector.capabilities;
    // Without a table listing the pattern's container is synced whole: more work, never less coverage.
    return this.once(`t${key(this.profile, container)}`, () => (tables ? tables(container) : [container]));
  }

  private once(k: string, list: () => Promise<ResourceRef[]> | ResourceRef[]): Promise<ResourceRef[]> {
    let listed = this.below.get(k);
    if (!listed) {
      listed = Promise.resolve()
        .then(list)
        .catch((err: unknown) => {
          // A container a pattern names but the warehouse does not have holds nothing to sync.
          if (err instanceof ConnectorError && err.code === 'NOT_FOUND') return [];
          throw err;
        });
      this.below.set(k, listed);
    }
    return listed;
  }
}

/** A listed object against every level of the pattern, names spelled out included (Ranger's case rules apply). */
function matchesLevels(path: string[], rules: LevelRule[]): boolean {
  if (path.length < rules.length) return true; // a container handed back whole (no table listing)
  return rules.every((rule, i) => rule.matches(path[i]!));
}

function child(parent: ResourceRef, kind: 'schema' | 'table', values: Record<string, string>): ResourceRef {
  return { type: kind, values: { ...parent.values, ...values } };
}

const key = (profile: WarehouseProfile, ref: ResourceRef) => JSON.stringify(profile.resourcePath(ref));

/**
 * Each target once, and none inside another target: the container's sync already covers it, and takes on the
 * causes of what it covers.
 */
function withoutCovered<C>(targets: AttributedTarget<C>[], profile: WarehouseProfile): AttributedTarget<C>[] {
  const byPath = new Map<string, { ref: ResourceRef; path: string[]; causes: Set<C> }>();
  for (const { ref, causes } of targets) {
    const key = JSON.stringify(profile.resourcePath(ref));
    const entry = byPath.get(key) ?? { ref, path: profile.resourcePath(ref), causes: new Set<C>() };
    for (const c of causes) entry.causes.add(c);
    byPath.set(key, entry);
  }
  const enclosing = (path: string[]) =>
    path
      .slice(0, -1)
      .map((_, i) => byPath.get(JSON.stringify(path.slice(0, i + 1))))
      .find((e) => e !== undefined);
  const kept = [...byPath.values()].filter((entry) => {
    const container = enclosing(entry.path);
    if (container) for (const c of entry.causes) container.causes.add(c);
    return !container;
  });
  return kept.map(({ ref, causes }) => ({ ref, causes: [...causes] }));
}
