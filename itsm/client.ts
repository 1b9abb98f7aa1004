// A client of a ServiceNow-compatible Table API (change_request), with basic authentication or
// OAuth client credentials (POST /oauth_token.do; the token is cached and fetched again before it
// expires or when the API answers 401). Credentials stay in this process: errors name the URL
// and the status, never a password, secret or token.

export type ItsmAuth = { kind: 'basic'; username: string; password: string } | { kind: 'oauth'; clientId: string; clientSecret: string };

export interface ItsmClientOptions {
  /** Base URL of the instance, e.g. https://example.service-now.com */
  url: string;
  auth: ItsmAuth;
  /** Per request (default 15 s). */
  timeoutMs?: number;
}

/** A change_request record as the Table API returns it (string fields). */
export interface ChangeRecord {
  sys_id: string;
  number: string;
  state: string;
  short_description?: string;
  description?: string;
  approval?: string;
  correlation_id?: string;
  work_notes?: string;
  close_code?: string;
  close_notes?: string;
  start_date?: string;
  end_date?: string;
  [field: string]: unknown;
}

export class ItsmError extends Error {
  constructor(
    message: string,
    readonly status: number | undefined,
  ) {
    super(message);
    this.name = 'ItsmError';
  }

  /** Retrying cannot help: the request or the credentials are wrong. */
  get final(): boolean {
    return this.status !== undefined && this.status >= 400 && this.status < 500 && this.status !== 408 && this.status !== 429;
  }
}

export interface ItsmClient {
  readonly url: string;
  createChange(fields: Record<string, string>): Promise<ChangeRecord>;
  getChange(sysId: string): Promise<ChangeRecord>;
  /** The change with this correlation_id (netswim's request key), if one was opened already. */
  findChangeByCorrelationId(correlationId: string): Promise<ChangeRecord | undefined>;
  findChangeByNumber(number: string): Promise<ChangeRecord | undefined>;
  /** PATCH; `work_notes` is appended to the journal, as ServiceNow does. */
  updateChange(sysId: string, fields: Record<string, string>): Promise<ChangeRecord>;
}

const TABLE = '/api/now/table/change_request';

export function createItsmClient(options: ItsmClientOptions): ItsmClient {
  const base = options.url.replace(/\/+$/, '');
  const timeoutMs = options.timeoutMs ?? 15_000;
  let token: { value: string; expiresAtMs: number } | undefined;
  let pendingToken: Promise<string> | undefined;

  async function send(method: string, path: string, init: { body?: string; headers?: Record<string, string> } = {}): Promise<Response> {
    try {
      return await fetch(base + path, { method, ...init, signal: AbortSignal.timeout(timeoutMs) });
    } catch (error) {
      throw new ItsmError(`ITSM ${method} ${base}${path.split('?')[0]} failed: ${(error as Error).message}`, undefined);
    }
  }

  async function fetchToken(): Promise<string> {
    if (options.auth.kind !== 'oauth') throw new Error('not an OAuth client');
    const form = new URLSearchParams({ grant_type: 'client_credentials', client_id: options.auth.clientId, client_secret: options.auth.clientSecret });
    const response = await send('POST', '/oauth_token.do', { body: form.toString(), headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' } });
    if (!response.ok) throw new ItsmError(`ITSM refused the OAuth client credentials (HTTP ${response.status} from ${base}/oauth_token.do)`, response.status);
    const body = (await response.json().catch(() => ({}))) as { access_token?: unknown; expires_in?: unknown };
    if (typeof body.access_token !== 'string' || body.access_token === '') throw new ItsmError(`ITSM ${base}/oauth_token.do answered without an access_token`, response.status);
    const expiresIn = typeof body.expires_in === 'number' ? body.expires_in : Number(body.expires_in ?? 1800);
    // Refresh a little early (a tenth of its life, at most a minute) so a request never carries an expired token.
    const lifeMs = (Number.isFinite(expiresIn) && expiresIn > 0 ? expiresIn : 1800) * 1000;
    token = { value: body.access_token, expiresAtMs: Date.now() + lifeMs - Math.min(60_000, lifeMs / 10) };
    return body.access_token;
  }

  async function authorization(forceNewToken: boolean): Promise<string> {
    const auth = options.auth;
    if (auth.kind === 'basic') return `Basic ${Buffer.from(`${auth.username}:${auth.password}`).toString('base64')}`;
    if (forceNewToken) token = undefined;
    if (token && Date.now() < token.expiresAtMs) return `Bearer ${token.value}`;
    pendingToken ??= fetchToken().finally(() => (pendingToken = undefined));
    return `Bearer ${await pendingToken}`;
  }

  async function call(method: string, path: string, body?: unknown): Promise<unknown> {
    const request = async (forceNewToken: boolean) =>
      send(method, path, {
        headers: { authorization: await authorization(forceNewToken), accept: 'application/json', ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
        ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
      });
    let response = await request(false);
    // An OAuth token may be revoked or expire early: fetch a new one once.
    if (response.status === 401 && options.auth.kind === 'oauth') response = await request(true);
    const text = await response.text();
    if (!response.ok) {
      let detail = '';
      try {
        const parsed = JSON.parse(text) as { error?: { message?: unknown } };
        if (typeof parsed.error?.message === 'string') detail = `: ${parsed.error.message.slice(0, 300)}`;
      } catch {
        // not JSON: the status says enough
      }
      throw new ItsmError(`ITSM ${method} ${base}${path.split('?')[0]} answered HTTP ${response.status}${detail}`, response.status);
    }
    try {
      return (JSON.parse(text) as { result?: unknown }).result;
    } catch {
      throw new ItsmError(`ITSM ${method} ${base}${path.split('?')[0]} answered something that is not JSON`, response.status);
    }
  }

  function record(result: unknown, what: string): ChangeRecord {
    const r = result as Partial<ChangeRecord> | undefined;
    if (!r || typeof r.sys_id !== 'string' || typeof r.number !== 'string') throw new ItsmError(`ITSM answered ${what} without sys_id and number`, undefined);
    return r as ChangeRecord;
  }

  const sysIdPath = (sysId: string) => {
    if (!/^[0-9a-f]{32}$/.test(sysId)) throw new ItsmError(`${sysId} is not a sys_id`, 400);
    return `${TABLE}/${sysId}`;
  };

  async function findOne(field: string, value: string): Promise<ChangeRecord | undefined> {
    if (/[\^=]/.test(value)) throw new ItsmError(`a ${field} cannot contain ^ or =`, 400);
    const query = new URLSearchParams({ sysparm_query: `${field}=${value}`, sysparm_limit: '1' });
    const result = await call('GET', `${TABLE}?${query.toString()}`);
    const first = Array.isArray(result) ? (result[0] as unknown) : undefined;
    return first === undefined ? undefined : record(first, 'the change');
  }

  return {
    url: base,
    async createChange(fields) {
      return record(await call('POST', TABLE, fields), 'the new change');
    },
    async getChange(sysId) {
      return record(await call('GET', sysIdPath(sysId)), 'the change');
    },
    findChangeByCorrelationId: (correlationId) => findOne('correlation_id', correlationId),
    findChangeByNumber: (number) => findOne('number', number),
    async updateChange(sysId, fields) {
      return record(await call('PATCH', sysIdPath(sysId), fields), 'the change');
    },
  };
}
