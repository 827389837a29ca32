import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import type { HttpFunctionOptions, HttpRequest, HttpResponseInit } from '@azure/functions';

/** The console's files, the only ones the route serves (no path from a request reaches the file system). */
const FILES: Record<string, string> = {
  '': 'index.html',
  'index.html': 'index.html',
  'console.js': 'console.js',
  'console.css': 'console.css',
};
const TYPES: Record<string, string> = {
  html: 'text/html; charset=utf-8',
  js: 'text/javascript; charset=utf-8',
  css: 'text/css; charset=utf-8',
};

/**
 * Served with a policy that allows this origin's own script, style and API calls and nothing else: no inline script,
 * no other origin, no framing. Whatever a task's text holds, the page puts it in as text.
 */
const SECURITY_HEADERS = {
  'Content-Security-Policy':
    "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
  'Cache-Control': 'no-cache',
};

/** `console/` beside `functions/` in the repository, or beside `dist/` in the deployed package. */
const root = [new URL('../console/', import.meta.url), new URL('../../console/', import.meta.url)].find((u) =>
  existsSync(new URL('index.html', u)),
);

/** `GET /policysync/api/console/`: a read-only page over the task API; the token is pasted into it, never served. */
export const consoleFunction: HttpFunctionOptions = {
  route: 'console/{*file}',
  methods: ['GET'],
  authLevel: 'anonymous',
  handler: async (request: HttpRequest): Promise<HttpResponseInit> => {
    const asked = request.params.file ?? '';
    // Relative URLs in the page resolve against the folder: /console must become /console/.
    if (asked === '' && !new URL(request.url).pathname.endsWith('/'))
      return { status: 301, headers: { Location: `${new URL(request.url).pathname}/` } };
    const file = FILES[asked];
    if (!file || !root) return { status: 404, headers: SECURITY_HEADERS, body: 'not found' };
    return {
      status: 200,
      headers: { ...SECURITY_HEADERS, 'Content-Type': TYPES[file.split('.').pop()!]! },
      body: await readFile(new URL(file, root), 'utf8'),
    };
  },
};
