import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import functions, { type HttpFunctionOptions } from '@azure/functions';
import { problem } from '../../shared/http/problem.js';
import { type HostLog, invocationContext } from './invocation.js';

interface Route {
  name: string;
  methods: string[];
  pattern: RegExp;
  keys: string[];
  options: HttpFunctionOptions;
}

const MAX_BODY = 4 * 1024 * 1024; // the Functions front end's own cap is far larger; the API applies its own

/** Serves HTTP functions on node:http with the Functions route template syntax (`v1/tasks/{taskId}`). */
export function httpServer(
  routePrefix: string,
  functions: { name: string; options: HttpFunctionOptions }[],
  log: HostLog,
): Server {
  const routes: Route[] = functions.map(({ name, options }) => {
    const keys: string[] = [];
    const template = `/${routePrefix}/${options.route ?? name}`.replace(/\/+/g, '/');
    const source = template
      .split('/')
      .map((part, i) => {
        // `{*rest}`: the Functions host's catch-all, the rest of the path (empty too, with or without its slash).
        const all = /^\{\*(\w+)\}$/.exec(part);
        if (all) {
          keys.push(all[1]!);
          return `${i > 0 ? '(?:/' : '(?:'}(.*))?`;
        }
        const m = /^\{(\w+)\??\}$/.exec(part);
        if (!m) return `${i > 0 ? '/' : ''}${part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`;
        keys.push(m[1]!);
        return `${i > 0 ? '/' : ''}([^/]+)`;
      })
      .join('');
    return {
      name,
      methods: (options.methods ?? ['GET', 'POST']).map(String),
      pattern: new RegExp(`^${source}/?$`, 'i'),
      keys,
      options,
    };
  });

  return createServer((req, res) => {
    handle(req, res, routes, log).catch((err: unknown) => {
      log({ level: 'error', message: 'local host failed a request', error: (err as Error).message });
      if (!res.headersSent) res.writeHead(500).end();
    });
  });
}

async function handle(req: IncomingMessage, res: ServerResponse, routes: Route[], log: HostLog): Promise<void> {
  const url = new URL(req.url ?? '/', `http://${req.headers.host ?? '127.0.0.1'}`);
  const matches = routes.map((r) => ({ r, m: r.pattern.exec(url.pathname) })).filter((x) => x.m);
  if (matches.length === 0) return void res.writeHead(404).end();
  const hit = matches.find((x) => x.r.methods.includes(req.method ?? 'GET'));
  if (!hit) return void res.writeHead(405, { Allow: matches.flatMap((x) => x.r.methods).join(', ') }).end();
  const body = await readBody(req);
  if (body === undefined) return void res.writeHead(413).end();
  const params = decodedParams(hit.r.keys, hit.m!);
  if (!params) {
    // `%E0%A4%A` and the like: decodeURIComponent throws on them, and a malformed path is the caller's error (400), not ours.
    const p = problem(400, 'invalid-path', 'Bad Request', 'the request path is not valid percent-encoded UTF-8');
    return void res.writeHead(p.status, p.headers).end(JSON.stringify(p.jsonBody));
  }
  const headers = Object.fromEntries(
    Object.entries(req.headers).map(([k, v]) => [k, Array.isArray(v) ? v.join(', ') : (v ?? '')]),
  );
  const request = new functions.HttpRequest({
    method: req.method ?? 'GET',
    url: url.toString(),
    headers,
    params,
    ...(body.length ? { body: { string: body } } : {}),
  });
  const init = await hit.r.options.handler(request, invocationContext(hit.r.name, log));
  const response = init instanceof functions.HttpResponse ? init : new functions.HttpResponse(init);
  const text = Buffer.from(await response.arrayBuffer());
  res.writeHead(response.status, Object.fromEntries(response.headers.entries()));
  res.end(text);
}

function decodedParams(keys: string[], match: RegExpExecArray): Record<string, string> | undefined {
  try {
    return Object.fromEntries(keys.map((k, i) => [k, decodeURIComponent(match[i + 1] ?? '')]));
  } catch {
    return undefined;
  }
}

function readBody(req: IncomingMessage): Promise<string | undefined> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > MAX_BODY) {
        resolve(undefined);
        req.destroy();
        return;
      }
      chunks.push(c);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}
