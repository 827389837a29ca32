import type { IncomingMessage, ServerResponse } from 'node:http';
import { z } from 'zod';
import type { OAuthClient, OAuthTokens } from './oauth-tokens.js';

/** Where a Databricks workspace serves its own OAuth authorization server (the driver appends the rest). */
export const OIDC_PREFIX = '/oidc/';
const TOKEN_PATH = '/oidc/v1/token';
// `all-apis` is what the driver asks for in the M2M flow; `sql` is the narrower scope a workspace also grants.
const SCOPES = ['all-apis', 'sql'];

// The form fields of a client_credentials request; unknown fields are ignored, as an authorization server does.
const tokenForm = z.object({
  grant_type: z.string().optional(),
  scope: z.string().optional(),
  client_id: z.string().optional(),
  client_secret: z.string().optional(),
});
type TokenForm = z.infer<typeof tokenForm>;

interface OAuthAnswer {
  status: number;
  body: unknown;
  headers?: Record<string, string>;
}
const oauthError = (
  status: number,
  error: string,
  description: string,
  headers?: Record<string, string>,
): OAuthAnswer => ({ status, body: { error, error_description: description }, ...(headers && { headers }) });

/** Both names a client library may look under; the driver asks for oauth-authorization-server. */
const DISCOVERY = new Set([
  `${OIDC_PREFIX}.well-known/oauth-authorization-server`,
  `${OIDC_PREFIX}.well-known/openid-configuration`,
]);

/** The workspace's authorization-server metadata, with URLs on the host the client used (proxy or not). */
function discovery(base: string): OAuthAnswer {
  return {
    status: 200,
    body: {
      issuer: `${base}/oidc`,
      token_endpoint: `${base}${TOKEN_PATH}`,
      grant_types_supported: ['client_credentials'],
      token_endpoint_auth_methods_supported: ['client_secret_basic', 'client_secret_post'],
      scopes_supported: SCOPES,
    },
  };
}

/** HTTP Basic credentials, each half form-urlencoded (RFC 6749 section 2.3.1, as openid-client sends them). */
function basicCredentials(header: string | undefined): { id: string; secret: string } | undefined {
  const m = /^Basic\s+(\S+)$/i.exec(header ?? '');
  if (!m) return undefined;
  const decoded = Buffer.from(m[1]!, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 0) return undefined;
  const formDecode = (s: string) => {
    try {
      return decodeURIComponent(s.replace(/\+/g, ' '));
    } catch {
      return s;
    }
  };
  return { id: formDecode(decoded.slice(0, colon)), secret: formDecode(decoded.slice(colon + 1)) };
}

/** The client_credentials grant: the client authenticates, the scopes are checked, a token is issued. */
async function grant(
  tokens: OAuthTokens,
  form: TokenForm,
  client: OAuthClient | undefined,
  basic: boolean,
  base: string,
): Promise<OAuthAnswer & { issued?: string }> {
  // A wrong id or secret is told apart from neither: Databricks answers 401 invalid_client either way.
  if (!client)
    return oauthError(
      401,
      'invalid_client',
      'Client authentication failed',
      basic ? { 'WWW-Authenticate': 'Basic realm="oidc"' } : undefined,
    );
  if (form.grant_type !== 'client_credentials')
    return oauthError(
      400,
      'unsupported_grant_type',
      `grant_type ${form.grant_type ?? '(none)'} is not supported; use client_credentials`,
    );
  const scopes = (form.scope ?? 'all-apis').split(' ').filter(Boolean);
  const unknown = scopes.filter((s) => !SCOPES.includes(s));
  if (unknown.length > 0) return oauthError(400, 'invalid_scope', `unknown scope ${unknown.join(' ')}`);
  const { token, expiresIn } = await tokens.issue(client, `${base}/oidc`, scopes.join(' '));
  return {
    status: 200,
    body: { access_token: token, token_type: 'Bearer', expires_in: expiresIn, scope: scopes.join(' ') },
    issued: token,
  };
}

/** POST /oidc/v1/token: parses the form and the client's credentials, answers the grant, logs the request. */
async function tokenEndpoint(
  tokens: OAuthTokens,
  req: IncomingMessage,
  body: Buffer,
  base: string,
): Promise<OAuthAnswer> {
  if (!/^application\/x-www-form-urlencoded\b/i.test(req.headers['content-type'] ?? '')) {
    return oauthError(400, 'invalid_request', 'the token request must be application/x-www-form-urlencoded');
  }
  const form = tokenForm.parse(Object.fromEntries(new URLSearchParams(body.toString('utf8'))));
  const basic = basicCredentials(req.headers.authorization);
  const id = basic?.id ?? form.client_id;
  const client = id === undefined ? undefined : tokens.authenticate(id, basic?.secret ?? form.client_secret ?? '');
  const answer = await grant(tokens, form, client, basic !== undefined, base);
  tokens.record({
    authMethod: basic ? 'client_secret_basic' : form.client_secret !== undefined ? 'client_secret_post' : 'none',
    ...(id !== undefined && { clientId: id }),
    ...(form.grant_type !== undefined && { grantType: form.grant_type }),
    ...(form.scope !== undefined && { scope: form.scope }),
    ...(answer.issued !== undefined ? { issued: answer.issued } : { error: (answer.body as { error: string }).error }),
  });
  return answer;
}

/** Serves `/oidc/...`: the discovery document and the token endpoint; no-store, as RFC 6749 asks of token answers. */
export async function serveOidc(
  tokens: OAuthTokens,
  req: IncomingMessage,
  body: Buffer,
  res: ServerResponse,
): Promise<void> {
  const pathname = new URL(req.url ?? '/', 'https://emulator').pathname;
  const base = `https://${req.headers.host ?? 'localhost'}`;
  let answer: OAuthAnswer;
  if (DISCOVERY.has(pathname))
    answer = req.method === 'GET' ? discovery(base) : oauthError(405, 'invalid_request', 'GET the discovery document');
  else if (pathname === TOKEN_PATH)
    answer =
      req.method === 'POST'
        ? await tokenEndpoint(tokens, req, body, base)
        : oauthError(405, 'invalid_request', 'POST the token request');
  else answer = oauthError(404, 'invalid_request', `no OAuth endpoint at ${pathname}`);
  res.writeHead(answer.status, { 'Content-Type': 'application/json', 'Cache-Control': 'no-store', ...answer.headers });
  res.end(JSON.stringify(answer.body));
}
