/**
 * Reads the structure of our Bicep without the Bicep compiler (it cannot run here): declarations, object keys and
 * the text of a block. Enough for the plain Bicep in infra/ (no registry modules, one declaration per line start).
 */
import { readFileSync } from 'node:fs';

export interface BicepResource {
  symbol: string;
  type: string;
  apiVersion: string;
  existing: boolean;
  /** The `if (...)` condition, when the resource is conditional. */
  condition?: string;
  body: string;
}

export interface BicepFile {
  text: string;
  resources: BicepResource[];
  modules: { symbol: string; path: string; condition?: string; body: string }[];
  params: { name: string; type: string; secure: boolean; decorators: string }[];
  outputs: string[];
  /** The object literal of `var <name> = { ... }`, as its body text. */
  variable(name: string): string;
}

export function readBicep(path: string): BicepFile {
  const text = readFileSync(path, 'utf8');
  const masked = maskLiterals(text);
  const blockAfter = (index: number) => {
    const open = masked.indexOf('{', index);
    return text.slice(open + 1, matchingBrace(masked, open));
  };
  const resources: BicepResource[] = [];
  for (const m of masked.matchAll(/^resource\s+(\w+)\s+'/gm)) {
    const header = text
      .slice(m.index)
      .match(
        /^resource\s+(\w+)\s+'([^'@]+)@([^']+)'\s*(existing\s*)?=\s*(?:\[\s*for[^:]+:\s*)?(?:if\s*\((.*?)\)\s*)?\{/,
      );
    if (!header) throw new Error(`unreadable resource declaration in ${path}: ${text.slice(m.index, m.index + 80)}`);
    resources.push({
      symbol: header[1]!,
      type: header[2]!,
      apiVersion: header[3]!,
      existing: Boolean(header[4]),
      ...(header[5] ? { condition: header[5] } : {}),
      body: blockAfter(m.index),
    });
  }
  const modules = [...masked.matchAll(/^module\s+(\w+)\s+'/gm)].map((m) => {
    const header = text.slice(m.index).match(/^module\s+(\w+)\s+'([^']+)'\s*=\s*(?:if\s*\((.*?)\)\s*)?\{/);
    if (!header) throw new Error(`unreadable module declaration in ${path}`);
    return {
      symbol: header[1]!,
      path: header[2]!,
      ...(header[3] ? { condition: header[3] } : {}),
      body: blockAfter(m.index),
    };
  });
  const params = [...masked.matchAll(/^param\s+(\w+)\s+(\w+)/gm)].map((m) => {
    const before = text.slice(0, m.index).split('\n');
    const decorators: string[] = [];
    for (let i = before.length - 2; i >= 0 && before[i]!.trimStart().startsWith('@'); i--)
      decorators.unshift(before[i]!.trim());
    return {
      name: m[1]!,
      type: m[2]!,
      secure: decorators.some((d) => d.startsWith('@secure()')),
      decorators: decorators.join('\n'),
    };
  });
  const outputs = [...masked.matchAll(/^output\s+(\w+)\s/gm)].map((m) => m[1]!);
  return {
    text,
    resources,
    modules,
    params,
    outputs,
    variable(name) {
      const m = new RegExp(`^var\\s+${name}\\s*=\\s*\\{`, 'm').exec(masked);
      if (!m) throw new Error(`no object variable ${name} in ${path}`);
      return blockAfter(m.index);
    },
  };
}

/** The keys of an object literal's body (its top level only), with the text of each value. */
export function objectEntries(body: string): Map<string, string> {
  const masked = maskLiterals(body);
  const entries = new Map<string, string>();
  let depth = 0;
  let lineStart = 0;
  const lines: { start: number; depth: number }[] = [];
  for (let i = 0; i <= masked.length; i++) {
    const c = masked[i];
    if (i === masked.length || c === '\n') {
      lines.push({ start: lineStart, depth });
      lineStart = i + 1;
      continue;
    }
    if (c === '{' || c === '[' || c === '(') depth++;
    else if (c === '}' || c === ']' || c === ')') depth--;
  }
  // A line's depth above is the depth at its end; a key sits on a line that starts at depth 0.
  let startDepth = 0;
  for (const line of lines) {
    const end = body.indexOf('\n', line.start);
    const raw = body.slice(line.start, end === -1 ? undefined : end);
    const key = startDepth === 0 ? /^\s*('([^']+)'|[A-Za-z_]\w*)\s*:\s*(.*)$/.exec(raw) : null;
    if (key) entries.set(key[2] ?? key[1]!, key[3]!.trim());
    startDepth = line.depth;
  }
  return entries;
}

/** The text with comments blanked and string contents replaced by `x`, same length: braces in them don't count. */
export function maskLiterals(text: string): string {
  let out = '';
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (c === '/' && text[i + 1] === '/') {
      while (i < text.length && text[i] !== '\n') {
        out += ' ';
        i++;
      }
      if (i < text.length) out += '\n';
    } else if (c === "'") {
      out += "'";
      i++;
      while (i < text.length && text[i] !== "'") {
        if (text[i] === '\\') {
          out += 'xx';
          i += 2;
          continue;
        }
        out += text[i] === '\n' ? '\n' : 'x';
        i++;
      }
      if (i < text.length) out += "'";
    } else {
      out += c;
    }
  }
  return out;
}

function matchingBrace(masked: string, open: number): number {
  let depth = 0;
  for (let i = open; i < masked.length; i++) {
    if (masked[i] === '{') depth++;
    else if (masked[i] === '}' && --depth === 0) return i;
  }
  throw new Error('unbalanced braces');
}
