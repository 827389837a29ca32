import type { ResourceResult } from './records.js';

// Table Storage caps a string property at 32K characters; a result must always be written, so long lists
// are cut from the end and the cut is marked instead of failing the write.
export const MAX_PROPERTY_CHARS = 32_000;

export function fitResult(result: ResourceResult, limit = MAX_PROPERTY_CHARS): string {
  let json = JSON.stringify(result);
  if (json.length <= limit) return json;
  const cut: ResourceResult = { ...result, truncated: true };
  const lists = ['statements', 'plan', 'granted', 'revoked', 'masking', 'warnings'] as const;
  for (const key of lists) {
    while (json.length > limit && ((cut[key] ?? []) as unknown[]).length > 0) {
      const list = cut[key] as unknown[];
      cut[key] = list.slice(0, Math.floor(list.length / 2)) as never;
      json = JSON.stringify(cut);
    }
  }
  return json.length <= limit
    ? json
    : JSON.stringify({
        ...cut,
        warnings: ['result too large to store'],
        statements: [],
        plan: [],
        granted: [],
        revoked: [],
        ...(cut.masking ? { masking: [] } : {}),
      });
}

export const fitText = (text: string, limit = 8_000) => (text.length <= limit ? text : `${text.slice(0, limit - 1)}…`);
