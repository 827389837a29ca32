/** JSON as Event Hub and Azure hand it over: parsed already, a string, or bytes; nested fields may be strings too. */
export type Decoded = { ok: true; value: unknown } | { ok: false; reason: string };

const MAX_REASON_DETAIL = 200;
const utf8 = new TextDecoder('utf-8', { fatal: true });

/** Parses JSON text without throwing; a leading byte-order mark is ignored, as Azure producers sometimes add one. */
export function parseJsonText(text: string): Decoded {
  try {
    return { ok: true, value: JSON.parse(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text) };
  } catch (error) {
    return { ok: false, reason: `not valid JSON: ${clip(error instanceof Error ? error.message : String(error))}` };
  }
}

/** A message body as delivered: a string or bytes are JSON-parsed, anything else is already a JSON value. */
export function decodeBody(body: unknown): Decoded {
  if (typeof body === 'string') return parseJsonText(body);
  const bytes = asBytes(body);
  if (bytes === undefined) return { ok: true, value: body };
  let text: string;
  try {
    text = utf8.decode(bytes);
  } catch {
    return { ok: false, reason: 'not valid JSON: the body is not UTF-8 text' };
  }
  return parseJsonText(text);
}

/** Decodes base64 (CloudEvents `data_base64`) to UTF-8 JSON. */
export function decodeBase64Json(text: string): Decoded {
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(text) || text.length % 4 !== 0) {
    return { ok: false, reason: 'data_base64 is not base64' };
  }
  return decodeBody(Buffer.from(text, 'base64'));
}

function asBytes(body: unknown): Uint8Array | undefined {
  if (body instanceof Uint8Array) return body; // Buffer is a Uint8Array
  if (body instanceof ArrayBuffer) return new Uint8Array(body);
  return undefined;
}

/** Parser messages quote the input; keep them short so a hostile body cannot bloat a task row. */
export function clip(text: string, max = MAX_REASON_DETAIL): string {
  return text.length <= max ? text : `${text.slice(0, max)}…`;
}
