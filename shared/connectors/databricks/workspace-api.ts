import { request } from 'node:https';
import { rootCertificates } from 'node:tls';
import { ConnectorError } from '../errors.js';
import { transientOnly, withStatementRetry } from '../retry-policy.js';
import { type DatabricksSettings, hostOf } from './session.js';

const MODELS = '/api/2.1/unity-catalog/models';
const TRANSIENT_HTTP = new Set([408, 429, 500, 502, 503, 504]);
// Renew an OAuth token this long before it expires.
const EARLY_MS = 60_000;

interface Answer {
  status: number;
  body: string;
}

/**
 * The workspace REST API, with the credentials the SQL connection uses (a personal access token, or OAuth
 * machine-to-machine against the workspace's own `/oidc/v1/token`), for what SQL cannot do: Unity Catalog lists
 * registered models in no information_schema view, only at `GET /api/2.1/unity-catalog/models`.
 */
export class WorkspaceApi {
  private readonly host: string;
  private readonly port: number;
  private readonly ca: string[] | undefined;
  private oauth: { token: string; until: number } | undefined;

  constructor(private readonly settings: DatabricksSettings) {
    ({ host: this.host, port: this.port } = hostOf(settings.host, settings.port));
    this.ca = settings.caCert ? [...rootCertificates, settings.caCert] : undefined;
  }

  /**
   * A schema's registered models, every page. `include_browse` lists those policysync may only see the metadata
   * of too (BROWSE), as well as those it owns or may EXECUTE
   * (docs.databricks.com/api/uc-registered-models/v1/list-registered-models).
   */
  async models(catalog: string, schema: string): Promise<string[]> {
    const names: string[] = [];
    let pageToken: string | undefined;
    do {
      const query = new URLSearchParams({ catalog_name: catalog, schema_name: schema, include_browse: 'true' });
      if (pageToken) query.set('page_token', pageToken);
      const page = JSON.parse(await this.get(`${MODELS}?${query}`)) as {
        registered_models?: { name?: string }[];
        next_page_token?: string;
      };
      for (const m of page.registered_models ?? []) if (m.name) names.push(m.name);
      pageToken = page.next_page_token || undefined;
    } while (pageToken);
    return names;
  }

  private get(path: string): Promise<string> {
    return withStatementRetry(
      async () => {
        const answer = await this.send('GET', path, { Authorization: `Bearer ${await this.token()}` });
        if (answer.status === 200) return answer.body;
        throw this.failure(answer, `GET ${path}`);
      },
      (err) => transientOnly(err as ConnectorError),
    );
  }

  private async token(): Promise<string> {
    if (this.settings.token) return this.settings.token;
    if (this.oauth && Date.now() < this.oauth.until) return this.oauth.token;
    const { clientId = '', clientSecret = '' } = this.settings;
    const basic = Buffer.from(`${encodeURIComponent(clientId)}:${encodeURIComponent(clientSecret)}`).toString('base64');
    const answer = await this.send(
      'POST',
      '/oidc/v1/token',
      { Authorization: `Basic ${basic}`, 'Content-Type': 'application/x-www-form-urlencoded' },
      'grant_type=client_credentials&scope=all-apis',
    );
    if (answer.status !== 200) throw this.failure(answer, 'POST /oidc/v1/token');
    const { access_token, expires_in } = JSON.parse(answer.body) as { access_token: string; expires_in: number };
    this.oauth = { token: access_token, until: Date.now() + expires_in * 1000 - EARLY_MS };
    return access_token;
  }

  /** A refused or failed call as the pipeline needs it; the answer's own message, never the credentials. */
  private failure({ status, body }: Answer, what: string): ConnectorError {
    let message = body.slice(0, 500);
    try {
      const parsed = JSON.parse(body) as { error_code?: string; message?: string; error?: string };
      message = [parsed.error_code ?? parsed.error, parsed.message].filter(Boolean).join(': ') || message;
    } catch {}
    const detail = { sql: what, warehouseCode: String(status) };
    if (status === 401 || status === 403)
      return new ConnectorError('AUTH', `Databricks refused ${what} (HTTP ${status}): ${message}`, detail);
    if (status === 404) return new ConnectorError('NOT_FOUND', `${what}: ${message}`, detail);
    if (TRANSIENT_HTTP.has(status))
      return new ConnectorError('TRANSIENT', `Databricks is unreachable or slow: ${what} (HTTP ${status})`, detail);
    return new ConnectorError('STATEMENT_FAILED', `${what} failed (HTTP ${status}): ${message}`, detail);
  }

  private send(method: string, path: string, headers: Record<string, string>, body?: string): Promise<Answer> {
    return new Promise((resolve, reject) => {
      const req = request(
        {
          host: this.host,
          port: this.port,
          path,
          method,
          headers,
          ...(this.ca ? { ca: this.ca } : {}),
          timeout: 60_000,
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
          res.on('error', reject);
        },
      );
      req.on('timeout', () => req.destroy(Object.assign(new Error('request timed out'), { code: 'ETIMEDOUT' })));
      req.on('error', (err: NodeJS.ErrnoException) =>
        reject(
          new ConnectorError(
            'TRANSIENT',
            `Databricks is unreachable or slow: ${method} ${path.split('?')[0]}: ${err.message}`,
            {
              warehouseCode: err.code ?? 'NETWORK',
            },
          ),
        ),
      );
      req.end(body);
    });
  }
}
