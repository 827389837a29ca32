import type { PolicySnapshot } from './model.js';

/** Where policies come from. `current()` returns the newest good snapshot; its `version` travels with results. */
export interface PolicySource {
  current(): Promise<PolicySnapshot>;
}
