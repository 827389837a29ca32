import type { Principal, Securable } from './securable.js';

/** One statement's worth of change: every privilege of one securable and one principal, with why. */
export interface PlanStep {
  op: 'GRANT' | 'REVOKE';
  securable: Securable;
  principal: Principal;
  privileges: string[];
  reason: string;
}
