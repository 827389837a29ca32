import { type DesiredGrant, grantKey } from '../plan/desired.js';
import type { ResourceResult } from '../store/records.js';
import type { ResourceOutcome } from './resource-sync.js';

/**
 * Enough entries of each list to fill a stored result (Table Storage keeps 32K characters of it; fitResult
 * cuts the rest): a sync of a whole database never holds every statement of every table to store a few.
 */
const KEPT_PER_LIST = 1_000;

type Lists = Required<Pick<ResourceResult, 'granted' | 'revoked' | 'warnings' | 'statements' | 'plan' | 'masking'>>;
const LISTS = ['granted', 'revoked', 'warnings', 'statements', 'plan', 'masking'] as const;

/**
 * The outcomes of a database's or catalog's parts, folded one at a time as they finish into the requested
 * resource's one result: totals stay exact, each list keeps its first `kept` entries (the result says when it
 * cut), and each grant the parts need on the top object is kept once.
 */
export class ResultFold {
  private readonly lists: Lists = { granted: [], revoked: [], warnings: [], statements: [], plan: [], masking: [] };
  private readonly totals = { granted: 0, revoked: 0, unchanged: 0 };
  private readonly needed = new Map<string, DesiredGrant>();
  /** What the first part's result says of the whole sync (its lists are in `lists`, not kept twice). */
  private first: Pick<ResourceResult, 'policyVersion' | 'dryRun'> | undefined;
  private truncated = false;
  private masked = false;
  private failed = 0;
  private firstFailure = '';

  constructor(
    private readonly topKind: DesiredGrant['securable']['kind'],
    private readonly kept = KEPT_PER_LIST,
  ) {}

  add(outcome: ResourceOutcome): void {
    this.need(outcome.neededAbove ?? []);
    this.count(outcome);
    for (const key of LISTS) this.append(key, outcome.result?.[key] ?? []);
  }

  /** Keeps, of what a part needs above it, what it needs on the top object. */
  need(grants: readonly DesiredGrant[]): void {
    for (const g of grants) if (g.securable.kind === this.topKind) this.needed.set(grantKey(g), g);
  }

  /** What the top object's own sync must grant so its parts keep working (USAGE on the database). */
  neededOnTop(): DesiredGrant[] {
    return [...this.needed.values()];
  }

  /**
   * The one outcome: the top object's own sync first, as for a request naming it alone, then its parts;
   * `parts` is how many containers were synced below it.
   */
  outcome(parts: number, top: ResourceOutcome): ResourceOutcome {
    const t = top.result;
    const failed = (top.status === 'FAILED' ? 1 : 0) + this.failed;
    const firstFailure = top.status === 'FAILED' ? top.message : this.firstFailure;
    const first = t ?? this.first;
    let truncated = this.truncated || t?.truncated === true;
    const lists = Object.fromEntries(
      LISTS.map((key) => {
        const all = [...(t?.[key] ?? []), ...this.lists[key]];
        if (all.length > this.kept) truncated = true;
        return [key, all.slice(0, this.kept)];
      }),
    ) as Lists;
    const { masking, ...rest } = lists;
    const granted = this.totals.granted + (t?.granted.length ?? 0);
    const revoked = this.totals.revoked + (t?.revoked.length ?? 0);
    const unchanged = this.totals.unchanged + (t?.unchanged ?? 0);
    const result: ResourceResult = {
      ...rest,
      unchanged,
      ...(this.masked || t?.masking !== undefined ? { masking } : {}),
      ...(first?.policyVersion !== undefined ? { policyVersion: first.policyVersion } : {}),
      ...(first?.dryRun ? { dryRun: true } : {}),
      ...(truncated ? { truncated: true } : {}),
    };
    const summary = `${parts} schema(s): ${granted} grant(s), ${revoked} revoke(s), ${unchanged} unchanged`;
    return failed > 0
      ? { status: 'FAILED', message: `${failed} part(s) failed; first: ${firstFailure} (${summary})`, result }
      : { status: 'SUCCESS', message: summary, result };
  }

  private count(outcome: ResourceOutcome): void {
    if (outcome.status === 'FAILED' && this.failed++ === 0) this.firstFailure = outcome.message;
    const r = outcome.result;
    if (!r) return;
    this.first ??= { policyVersion: r.policyVersion, dryRun: r.dryRun };
    this.masked ||= r.masking !== undefined;
    this.truncated ||= r.truncated === true;
    this.totals.granted += r.granted.length;
    this.totals.revoked += r.revoked.length;
    this.totals.unchanged += r.unchanged;
  }

  private append<K extends keyof Lists>(key: K, from: readonly Lists[K][number][]): void {
    const into = this.lists[key] as Lists[K][number][];
    const room = this.kept - into.length;
    if (from.length > room) this.truncated = true;
    into.push(...from.slice(0, Math.max(0, room)));
  }
}
