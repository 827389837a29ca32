/** Stable codes: INVALID_POLICIES (a policy document failed validation), POLICY_UNAVAILABLE (no policy set could be loaded at all). */
export type PolicyErrorCode = 'INVALID_POLICIES' | 'POLICY_UNAVAILABLE';

export class PolicyError extends Error {
  override readonly name = 'PolicyError';
  constructor(
    readonly code: PolicyErrorCode,
    message: string,
    readonly detail?: Record<string, unknown>,
  ) {
    super(message);
  }
}
