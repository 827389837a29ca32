import { randomBytes, timingSafeEqual } from 'node:crypto';
import { jwtVerify, SignJWT } from 'jose';

/** A service principal with a Databricks-managed OAuth secret: what OAuth machine-to-machine logs in with. */
export interface OAuthClient {
  clientId: string;
  clientSecret: string;
  /** current_user() of its sessions; default the client id, as a service principal's application id is. */
  user?: string;
}

/** One call of the token endpoint, as the emulator saw it: tests check the request shape and the outcome. */
export interface TokenRequestEntry {
  at: string;
  clientId?: string;
  /** How the client authenticated: HTTP Basic, form fields, or not at all. */
  authMethod: 'client_secret_basic' | 'client_secret_post' | 'none';
  grantType?: string;
  scope?: string;
  /** The access token handed out, or the OAuth error code answered. */
  issued?: string;
  error?: string;
}

/** The documented demo client `npm run emulator:databricks` accepts (README). */
export const DEFAULT_OAUTH_CLIENT: OAuthClient = {
  clientId: '5e1f0c2a-7d3b-4a6e-9c8f-0b1d2e3f4a5b',
  clientSecret: 'dose-emulator-demo-secret',
};
export const DEFAULT_TOKEN_SECONDS = 3600;

const sameText = (a: string, b: string) => {
  const x = Buffer.from(a),
    y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
};

/**
 * Access tokens for OAuth clients. They are JWTs because the driver reads `exp` from the token's payload to
 * know when to fetch a new one (Databricks' own are JWTs too); to a client they are opaque. Signed with a key
 * that lives as long as the emulator, so a token from another run is refused.
 */
export class OAuthTokens {
  private readonly key = randomBytes(32);
  private readonly requests: TokenRequestEntry[] = [];
  private readonly calls = new Map<string, number>();
  private skewMs = 0;

  constructor(
    readonly clients: readonly OAuthClient[],
    readonly lifetimeSeconds = DEFAULT_TOKEN_SECONDS,
  ) {
    if (!Number.isInteger(lifetimeSeconds) || lifetimeSeconds < 1)
      throw new RangeError(`token lifetime must be a positive whole number of seconds, got ${lifetimeSeconds}`);
  }

  /** The client these credentials belong to; a wrong secret is no client. */
  authenticate(clientId: string, clientSecret: string): OAuthClient | undefined {
    const client = this.clients.find((c) => c.clientId === clientId);
    return client && sameText(client.clientSecret, clientSecret) ? client : undefined;
  }

  async issue(client: OAuthClient, issuer: string, scope: string): Promise<{ token: string; expiresIn: number }> {
    const token = await new SignJWT({ scope, client_id: client.clientId })
      .setProtectedHeader({ alg: 'HS256', typ: 'at+jwt' })
      .setIssuer(issuer)
      .setSubject(client.clientId)
      .setIssuedAt(this.nowSeconds())
      .setExpirationTime(this.nowSeconds() + this.lifetimeSeconds)
      .setJti(randomBytes(12).toString('hex'))
      .sign(this.key);
    return { token, expiresIn: this.lifetimeSeconds };
  }

  /** Moves the token clock forward, so that a test sees tokens expire without waiting (and without racing) for it. */
  advanceClock(seconds: number): void {
    this.skewMs += seconds * 1000;
  }

  private nowSeconds(): number {
    return Math.floor((Date.now() + this.skewMs) / 1000);
  }

  /** Whose sessions a Bearer token opens: undefined when it is not ours, forged, or expired. */
  async userOf(token: string): Promise<string | undefined> {
    let subject: string | undefined;
    try {
      subject = (
        await jwtVerify(token, this.key, { algorithms: ['HS256'], currentDate: new Date(Date.now() + this.skewMs) })
      ).payload.sub;
    } catch {
      return undefined;
    }
    const client = this.clients.find((c) => c.clientId === subject);
    if (!client) return undefined; // issued to a client since removed
    this.calls.set(token, (this.calls.get(token) ?? 0) + 1);
    return client.user ?? client.clientId;
  }

  record(entry: Omit<TokenRequestEntry, 'at'>): void {
    this.requests.push({ at: new Date().toISOString(), ...entry });
  }

  /** Every token request, in order. */
  tokenRequests(): TokenRequestEntry[] {
    return this.requests.map((e) => ({ ...e }));
  }

  /** How many HTTP requests came with `token` as their Bearer token and were let in. */
  callsWith(token: string): number {
    return this.calls.get(token) ?? 0;
  }
}
