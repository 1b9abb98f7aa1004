// The lab's ITSM system: a small ServiceNow-compatible Table API over HTTP on loopback, for tests
// and the demo. It keeps change requests in memory and, when a change is decided, calls netswim
// back the way netswim expects an ITSM system to.
//
//   POST  /oauth_token.do                         grant_type=client_credentials&client_id=&client_secret= (form)
//                                                 → {access_token, token_type: "Bearer", expires_in, scope}
//   POST  /api/now/table/change_request           body: fields → 201 {result: record}
//   GET   /api/now/table/change_request           ?sysparm_query=field=value^field=value&sysparm_limit=N → {result: [records]}
//   GET   /api/now/table/change_request/<sys_id>  → {result: record}
//   PATCH /api/now/table/change_request/<sys_id>  body: fields (work_notes appended to the journal) → {result: record}
// The Table API takes Basic authentication (a configured user) or a bearer token from
// /oauth_token.do; anything else gets 401 {error: {message, detail}, status: "failure"}.
// Records carry sys_id, number (CHG0030001…), state (ServiceNow's numbers: -3 Authorize,
// -2 Scheduled, 3 Closed, 4 Canceled…), short_description, description, approval, work_notes (the
// journal, newest first, as text), close_code, close_notes, correlation_id, start_date, end_date.
//
// Lab control (no authentication; loopback only):
//   GET  /lab/changes                            every change
//   POST /lab/changes/<number>/decision          {decision: "approved"|"rejected", approver, reason}
//                                                → records it and sends the callback → {status, body} of netswim's answer
// and in-process: `decide`, `sendCallback` (forged / old / custom callbacks for tests), `replayLast`.
//
// The callback: POST <callbackUrl>, JSON body {number, sys_id, decision, approver, reason,
// timestamp (Unix seconds)}, headers X-Netswim-Signature: sha256=<hex HMAC-SHA256 of the raw body
// with the shared secret> and X-Netswim-Timestamp: <the same timestamp>.
//
// Run alone: `tsx lab/itsm-server.ts` (ITSM_LAB_PORT, ITSM_LAB_USER/ITSM_LAB_PASSWORD,
// ITSM_LAB_CLIENT_ID/ITSM_LAB_CLIENT_SECRET, ITSM_LAB_CALLBACK_URL, ITSM_LAB_CALLBACK_SECRET).
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { pathToFileURL } from 'node:url';

export interface ItsmLabOptions {
  host?: string;
  port?: number;
  users?: { username: string; password: string }[];
  oauthClients?: { clientId: string; clientSecret: string }[];
  /** Lifetime of OAuth tokens (default 1800 s). */
  tokenTtlSeconds?: number;
  /** Where decisions are sent, and the HMAC key; settable later with `setCallback`. */
  callbackUrl?: string;
  callbackSecret?: string;
  /** The first change number (default 30001 → CHG0030001). */
  firstNumber?: number;
}

export interface LabJournalEntry {
  at: string;
  by: string;
  text: string;
}

export interface LabChange {
  sys_id: string;
  number: string;
  state: string;
  approval: string;
  short_description: string;
  description: string;
  type: string;
  correlation_id: string;
  start_date: string;
  end_date: string;
  close_code: string;
  close_notes: string;
  sys_created_on: string;
  sys_updated_on: string;
  sys_created_by: string;
  /** Other fields a client set. */
  extra: Record<string, string>;
  journal: LabJournalEntry[];
}

export interface LabCallback {
  number: string;
  sys_id: string;
  decision: 'approved' | 'rejected';
  approver: string;
  reason: string;
  timestamp: number;
}

export interface CallbackAnswer {
  status: number;
  body: unknown;
}

export interface SendCallbackOptions {
  /** Fields of the body (defaults from the change); `timestamp` in Unix seconds (default now). */
  callback: Partial<LabCallback> & { number: string };
  /** Sign with this secret instead of the shared one (a forged callback). */
  secret?: string;
  /** Send this signature header value as is. */
  signature?: string | null;
  /** Send this timestamp header value (null: none). Default: the body's timestamp. */
  timestampHeader?: string | null;
  /** Change the body after signing (a tampered callback). */
  tamper?: (rawBody: string) => string;
}

export interface ItsmLab {
  url: string;
  /** Control endpoint base: `${url}/lab`. */
  controlUrl: string;
  setCallback(url: string, secret: string): void;
  changes(): LabChange[];
  change(number: string): LabChange | undefined;
  /** The record as the Table API shows it. */
  record(number: string): Record<string, string> | undefined;
  /** Records the decision on the change (approval, state, a work note) and sends the callback. */
  decide(number: string, decision: { decision: 'approved' | 'rejected'; approver: string; reason: string; timestamp?: number }): Promise<CallbackAnswer>;
  /** Sends a callback without changing the change: for forged, old or tampered ones. */
  sendCallback(options: SendCallbackOptions): Promise<CallbackAnswer>;
  /** Sends the last callback again, byte for byte, headers included. */
  replayLast(): Promise<CallbackAnswer>;
  /** Forgets every OAuth token (clients must fetch a new one). */
  revokeTokens(): void;
  /** How each Table API request authenticated, in order. */
  requests: { method: string; path: string; auth: 'basic' | 'bearer' | 'refused' }[];
  tokensIssued: number;
  close(): Promise<void>;
}

const TABLE = '/api/now/table/change_request';
const STATE = { authorize: '-3', scheduled: '-2', canceled: '4' };
const CORE_FIELDS = ['short_description', 'description', 'type', 'correlation_id', 'start_date', 'end_date', 'close_code', 'close_notes', 'state', 'approval'] as const;

/** ServiceNow's date-time format, UTC: 2026-01-31 22:00:00 */
function snDate(ms = Date.now()): string {
  return new Date(ms).toISOString().replace('T', ' ').slice(0, 19);
}

function safeEqual(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

export async function startItsmLab(options: ItsmLabOptions = {}): Promise<ItsmLab> {
  const users = options.users ?? [];
  const clients = options.oauthClients ?? [];
  const ttl = options.tokenTtlSeconds ?? 1800;
  const tokens = new Map<string, { clientId: string; expiresAtMs: number }>();
  const changes = new Map<string, LabChange>();
  let nextNumber = options.firstNumber ?? 30001;
  let callbackUrl = options.callbackUrl;
  let callbackSecret = options.callbackSecret;
  let last: { body: string; headers: Record<string, string> } | undefined;
  const requests: ItsmLab['requests'] = [];

  const bySysId = (sysId: string) => [...changes.values()].find((c) => c.sys_id === sysId);

  function view(c: LabChange): Record<string, string> {
    const journal = [...c.journal].reverse().map((j) => `${j.at} - ${j.by} (Work notes)\n${j.text}\n`).join('\n');
    return {
      ...c.extra,
      sys_id: c.sys_id,
      number: c.number,
      state: c.state,
      approval: c.approval,
      short_description: c.short_description,
      description: c.description,
      type: c.type,
      correlation_id: c.correlation_id,
      start_date: c.start_date,
      end_date: c.end_date,
      close_code: c.close_code,
      close_notes: c.close_notes,
      work_notes: journal,
      sys_created_on: c.sys_created_on,
      sys_updated_on: c.sys_updated_on,
      sys_created_by: c.sys_created_by,
    };
  }

  function apply(c: LabChange, fields: Record<string, unknown>, by: string): void {
    for (const [key, raw] of Object.entries(fields)) {
      if (raw === null || raw === undefined) continue;
      const value = typeof raw === 'string' ? raw : JSON.stringify(raw);
      if (key === 'work_notes' || key === 'comments') {
        if (value.trim()) c.journal.push({ at: snDate(), by, text: value });
      } else if ((CORE_FIELDS as readonly string[]).includes(key)) {
        (c as unknown as Record<string, string>)[key] = value;
      } else if (!key.startsWith('sys_') && key !== 'number') {
        c.extra[key] = value;
      }
    }
    c.sys_updated_on = snDate();
  }

  /** Who is calling: a user name or an OAuth client id; undefined = refused. */
  function authenticate(req: http.IncomingMessage): { who: string; kind: 'basic' | 'bearer' } | undefined {
    const header = req.headers.authorization ?? '';
    const basic = /^Basic\s+(\S+)$/i.exec(header);
    if (basic?.[1]) {
      const decoded = Buffer.from(basic[1], 'base64').toString('utf8');
      const colon = decoded.indexOf(':');
      const username = decoded.slice(0, colon);
      const password = decoded.slice(colon + 1);
      const user = colon > 0 ? users.find((u) => u.username === username) : undefined;
      return user && safeEqual(user.password, password) ? { who: user.username, kind: 'basic' } : undefined;
    }
    const bearer = /^Bearer\s+(\S+)$/i.exec(header);
    if (bearer?.[1]) {
      const token = tokens.get(bearer[1]);
      return token && token.expiresAtMs > Date.now() ? { who: token.clientId, kind: 'bearer' } : undefined;
    }
    return undefined;
  }

  async function readBody(req: http.IncomingMessage): Promise<string> {
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of req) {
      size += (chunk as Buffer).length;
      if (size > 1024 * 1024) throw new Error('body too large');
      chunks.push(chunk as Buffer);
    }
    return Buffer.concat(chunks).toString('utf8');
  }

  function send(res: http.ServerResponse, status: number, body: unknown): void {
    const text = JSON.stringify(body);
    res.writeHead(status, { 'content-type': 'application/json;charset=UTF-8', 'content-length': Buffer.byteLength(text) });
    res.end(text);
  }
  const failure = (res: http.ServerResponse, status: number, message: string, detail: string) => send(res, status, { error: { message, detail }, status: 'failure' });

  async function postCallback(body: string, headers: Record<string, string>): Promise<CallbackAnswer> {
    if (!callbackUrl) throw new Error('the lab ITSM has no callback URL: setCallback(url, secret) first');
    last = { body, headers };
    const response = await fetch(callbackUrl, { method: 'POST', body, headers: { 'content-type': 'application/json', ...headers } });
    const text = await response.text();
    let parsed: unknown = text;
    try {
      parsed = JSON.parse(text);
    } catch {
      // keep the text
    }
    return { status: response.status, body: parsed };
  }

  async function sendCallback(o: SendCallbackOptions): Promise<CallbackAnswer> {
    const change = changes.get(o.callback.number);
    const callback: LabCallback = {
      number: o.callback.number,
      sys_id: o.callback.sys_id ?? change?.sys_id ?? randomBytes(16).toString('hex'),
      decision: o.callback.decision ?? 'approved',
      approver: o.callback.approver ?? 'lab.approver',
      reason: o.callback.reason ?? '',
      timestamp: o.callback.timestamp ?? Math.floor(Date.now() / 1000),
    };
    const signed = JSON.stringify(callback);
    const secret = o.secret ?? callbackSecret;
    if (secret === undefined && o.signature === undefined) throw new Error('the lab ITSM has no callback secret: setCallback(url, secret) first');
    const signature = o.signature !== undefined ? o.signature : `sha256=${createHmac('sha256', secret ?? '').update(signed).digest('hex')}`;
    const timestamp = o.timestampHeader !== undefined ? o.timestampHeader : String(callback.timestamp);
    const headers: Record<string, string> = {};
    if (signature !== null) headers['x-netswim-signature'] = signature;
    if (timestamp !== null) headers['x-netswim-timestamp'] = timestamp;
    return postCallback(o.tamper ? o.tamper(signed) : signed, headers);
  }

  async function decide(number: string, d: { decision: 'approved' | 'rejected'; approver: string; reason: string; timestamp?: number }): Promise<CallbackAnswer> {
    const change = changes.get(number);
    if (!change) throw new Error(`the lab ITSM has no change ${number}`);
    change.approval = d.decision;
    change.state = d.decision === 'approved' ? STATE.scheduled : STATE.canceled;
    change.journal.push({ at: snDate(), by: d.approver, text: `${d.decision === 'approved' ? 'Approved' : 'Rejected'} by ${d.approver}${d.reason ? `: ${d.reason}` : ''}` });
    change.sys_updated_on = snDate();
    return sendCallback({ callback: { number, decision: d.decision, approver: d.approver, reason: d.reason, ...(d.timestamp !== undefined ? { timestamp: d.timestamp } : {}) } });
  }

  async function handleTable(req: http.IncomingMessage, res: http.ServerResponse, url: URL): Promise<void> {
    const auth = authenticate(req);
    requests.push({ method: req.method ?? '', path: url.pathname, auth: auth?.kind ?? 'refused' });
    if (!auth) return failure(res, 401, 'User Not Authenticated', 'Required to provide Auth information');
    const rest = url.pathname.slice(TABLE.length).replace(/^\//, '');
    const readFields = async (): Promise<Record<string, unknown> | undefined> => {
      try {
        const parsed = JSON.parse(await readBody(req)) as unknown;
        return typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed) ? (parsed as Record<string, unknown>) : undefined;
      } catch {
        return undefined;
      }
    };
    if (rest === '') {
      if (req.method === 'POST') {
        const fields = await readFields();
        if (!fields) return failure(res, 400, 'Exception while reading request', 'The payload is not valid JSON.');
        const now = snDate();
        const change: LabChange = {
          sys_id: randomBytes(16).toString('hex'),
          number: `CHG${String(nextNumber++).padStart(7, '0')}`,
          // The lab's change model: a new change goes to approval at once.
          state: STATE.authorize,
          approval: 'requested',
          short_description: '',
          description: '',
          type: 'normal',
          correlation_id: '',
          start_date: '',
          end_date: '',
          close_code: '',
          close_notes: '',
          sys_created_on: now,
          sys_updated_on: now,
          sys_created_by: auth.who,
          extra: {},
          journal: [],
        };
        apply(change, fields, auth.who);
        changes.set(change.number, change);
        res.setHeader('location', `${url.origin}${TABLE}/${change.sys_id}`);
        return send(res, 201, { result: view(change) });
      }
      if (req.method === 'GET') {
        const conditions = (url.searchParams.get('sysparm_query') ?? '')
          .split('^')
          .filter(Boolean)
          .map((term) => {
            const eq = term.indexOf('=');
            return eq > 0 ? [term.slice(0, eq), term.slice(eq + 1)] : [term, ''];
          });
        const limit = Number(url.searchParams.get('sysparm_limit') ?? 10000);
        const found = [...changes.values()].map(view).filter((r) => conditions.every(([k, v]) => r[k ?? ''] === v));
        return send(res, 200, { result: found.slice(0, Number.isFinite(limit) && limit > 0 ? limit : 10000) });
      }
      return failure(res, 405, 'Method not Supported', `${req.method ?? ''} is not supported on ${TABLE}`);
    }
    const change = bySysId(rest);
    if (!change) return failure(res, 404, 'No Record found', "Record doesn't exist or ACL restricts the record retrieval");
    if (req.method === 'GET') return send(res, 200, { result: view(change) });
    if (req.method === 'PATCH' || req.method === 'PUT') {
      const fields = await readFields();
      if (!fields) return failure(res, 400, 'Exception while reading request', 'The payload is not valid JSON.');
      apply(change, fields, auth.who);
      return send(res, 200, { result: view(change) });
    }
    return failure(res, 405, 'Method not Supported', `${req.method ?? ''} is not supported on a record`);
  }

  async function handleToken(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const form = new URLSearchParams(await readBody(req));
    const client = clients.find((c) => c.clientId === form.get('client_id'));
    if (form.get('grant_type') !== 'client_credentials') return send(res, 400, { error: 'unsupported_grant_type', error_description: 'only client_credentials' });
    if (!client || !safeEqual(client.clientSecret, form.get('client_secret') ?? '')) return send(res, 401, { error: 'access_denied', error_description: 'access_denied' });
    const accessToken = randomBytes(24).toString('base64url');
    tokens.set(accessToken, { clientId: client.clientId, expiresAtMs: Date.now() + ttl * 1000 });
    lab.tokensIssued++;
    return send(res, 200, { access_token: accessToken, scope: 'useraccount', token_type: 'Bearer', expires_in: ttl });
  }

  async function handleControl(req: http.IncomingMessage, res: http.ServerResponse, url: URL): Promise<void> {
    if (req.method === 'GET' && url.pathname === '/lab/changes') return send(res, 200, [...changes.values()].map(view));
    const match = /^\/lab\/changes\/(CHG\d+)\/decision$/.exec(url.pathname);
    if (req.method === 'POST' && match?.[1]) {
      let body: { decision?: unknown; approver?: unknown; reason?: unknown };
      try {
        body = JSON.parse(await readBody(req)) as typeof body;
      } catch {
        return send(res, 400, { error: 'the body is not JSON' });
      }
      if ((body.decision !== 'approved' && body.decision !== 'rejected') || typeof body.approver !== 'string' || !body.approver) {
        return send(res, 400, { error: 'send {decision: "approved"|"rejected", approver, reason}' });
      }
      if (!changes.has(match[1])) return send(res, 404, { error: `no change ${match[1]}` });
      const answer = await decide(match[1], { decision: body.decision, approver: body.approver, reason: typeof body.reason === 'string' ? body.reason : '' });
      return send(res, 200, answer);
    }
    return send(res, 404, { error: `no lab route ${req.method ?? ''} ${url.pathname}` });
  }

  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', `http://${req.headers.host ?? 'localhost'}`);
    const handle = url.pathname === '/oauth_token.do' && req.method === 'POST'
      ? handleToken(req, res)
      : url.pathname === TABLE || url.pathname.startsWith(`${TABLE}/`)
        ? handleTable(req, res, url)
        : url.pathname.startsWith('/lab/')
          ? handleControl(req, res, url)
          : Promise.resolve(failure(res, 400, 'Requested URI does not represent any resource', url.pathname));
    handle.catch((error: Error) => {
      if (!res.headersSent) failure(res, 500, 'Internal error', error.message);
      else res.destroy();
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => resolve());
  });
  const { address, port } = server.address() as AddressInfo;
  const url = `http://${address.includes(':') ? `[${address}]` : address}:${port}`;

  const lab: ItsmLab = {
    url,
    controlUrl: `${url}/lab`,
    setCallback(u, secret) {
      callbackUrl = u;
      callbackSecret = secret;
    },
    changes: () => [...changes.values()],
    change: (number) => changes.get(number),
    record: (number) => {
      const c = changes.get(number);
      return c && view(c);
    },
    decide,
    sendCallback,
    async replayLast() {
      if (!last) throw new Error('no callback was sent yet');
      return postCallback(last.body, last.headers);
    },
    revokeTokens: () => tokens.clear(),
    requests,
    tokensIssued: 0,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
  return lab;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const env = process.env;
  const lab = await startItsmLab({
    port: Number(env.ITSM_LAB_PORT ?? 8090),
    users: [{ username: env.ITSM_LAB_USER ?? 'netswim', password: env.ITSM_LAB_PASSWORD ?? 'netswim-lab' }],
    ...(env.ITSM_LAB_CLIENT_ID && env.ITSM_LAB_CLIENT_SECRET ? { oauthClients: [{ clientId: env.ITSM_LAB_CLIENT_ID, clientSecret: env.ITSM_LAB_CLIENT_SECRET }] } : {}),
    ...(env.ITSM_LAB_CALLBACK_URL ? { callbackUrl: env.ITSM_LAB_CALLBACK_URL } : {}),
    ...(env.ITSM_LAB_CALLBACK_SECRET ? { callbackSecret: env.ITSM_LAB_CALLBACK_SECRET } : {}),
  });
  console.log(`lab ITSM (ServiceNow Table API) on ${lab.url}; decide with POST ${lab.controlUrl}/changes/<number>/decision`);
  const stop = () => void lab.close().then(() => process.exit(0));
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}
