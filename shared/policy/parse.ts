import type { z } from 'zod';
import { PolicyError } from './errors.js';
import { type PolicySnapshot, RangerPolicySchema, ServicePoliciesSchema } from './model.js';

/**
 * Reads every shape a user keeps Ranger policies in: a ServicePolicies download (`serviceName, policyVersion,
 * policies, serviceDef, ...`), an export `{policies: [...]}`, or a bare array of policies.
 * Throws PolicyError INVALID_POLICIES naming the JSON path of every problem.
 */
export function parsePolicies(json: unknown): PolicySnapshot {
  if (Array.isArray(json)) {
    const parsed = RangerPolicySchema.array().safeParse(json);
    if (!parsed.success) throw invalid(parsed.error, '');
    return { version: null, policies: parsed.data };
  }
  if (json !== null && typeof json === 'object' && 'policies' in json) {
    const parsed = ServicePoliciesSchema.safeParse(json);
    if (!parsed.success) throw invalid(parsed.error, '');
    const { policyVersion, serviceName, policies } = parsed.data;
    return { version: policyVersion, ...(serviceName ? { serviceName } : {}), policies };
  }
  throw new PolicyError(
    'INVALID_POLICIES',
    'policies must be a Ranger ServicePolicies download, an object with a "policies" array, or an array of policies',
  );
}

function invalid(error: z.ZodError, prefix: string): PolicyError {
  const problems = error.issues.slice(0, 20).map((issue) => {
    const path = [prefix, ...issue.path.map(String)].filter(Boolean).join('.') || '(root)';
    return { path, message: issue.message };
  });
  const more = error.issues.length > problems.length ? ` (and ${error.issues.length - problems.length} more)` : '';
  return new PolicyError(
    'INVALID_POLICIES',
    `invalid Ranger policies: ${problems.map((p) => `${p.path}: ${p.message}`).join('; ')}${more}`,
    { problems },
  );
}
