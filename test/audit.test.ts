// The operator audit log: every write request through the real API (netswim on a real Temporal
// dev server, PGlite), accepted or refused, recorded with who, when, from where and what, no
// secret anywhere; GET /audit filters and pages it; `netswim audit` (a subprocess) lists it.
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { request as httpRequest } from 'node:http';
import { after, before, describe, it } from 'node:test';
import { createApi } from '../api/app.ts';
import type { AuditList } from '../api/audit-routes.ts';
import { parseApiTokens } from '../api/auth.ts';
import { createLogger } from '../runtime/logger.ts';
import type { DevServer } from '../scripts/temporal-dev-server.ts';
import type { Database } from '../store/database.ts';
import { findDeviceByHostname, getDeviceConnection } from '../store/devices.ts';
import { getImage } from '../store/images.ts';
import type { OperatorActionRecord } from '../store/operator-audit.ts';
import { runCli, type CliRun } from './support/cli.ts';
import { startTestNetswim, type TestNetswim } from './support/netswim.ts';
import { startTestTemporal } from './support/temporal.ts';

const ALICE = 'alice-admin-token-0123456789';
const OPERATOR = 'operator-token-0123456789abc';
const VIEWER = 'viewer-token-0123456789abcd';
const CAROL = 'carol-approver-token-01234567';
const TOKENS = `admin/alice:${ALICE},operator:${OPERATOR},viewer:${VIEWER},approver/carol:${CAROL}`;

const FIRST_PASSWORD = 'first-Passw0rd-zq81';
const NEW_PASSWORD = 'second-Passw0rd-kx27';
const ENABLE_SECRET = 'enable-Secr3t-vv93';
const URL_PASSWORD = 'url-Passw0rd-mm44';
const URL_SIGNATURE = 'sig-Value-qq55';
const SECRETS = [FIRST_PASSWORD, NEW_PASSWORD, ENABLE_SECRET, URL_PASSWORD, URL_SIGNATURE, ALICE, OPERATOR, VIEWER, CAROL];

const tokenId = (token: string) => createHash('sha256').update(token).digest('hex').slice(0, 12);

let temporal: DevServer;
let netswim: TestNetswim;

before(async () => {
  temporal = await startTestTemporal();
  netswim = await startTestNetswim(temporal.address, { runWorker: false, env: { NETSWIM_API_TOKENS: TOKENS }, adminToken: ALICE });
});
after(async () => {
  await netswim?.stopAll();
  await temporal?.stop();
});

interface Sent {
  status: number;
  json: Record<string, unknown>;
  /** The client's own port: what the audit row must name as `from`. */
  localPort: number;
  at: { before: number; after: number };
}

/** One request over its own TCP connection (node:http), so the test knows the port it came from. */
function send(method: string, path: string, options: { token?: string; body?: unknown; raw?: Buffer; headers?: Record<string, string> } = {}): Promise<Sent> {
  const url = new URL(netswim.apiUrl! + path);
  const payload = options.raw ?? (options.body === undefined ? undefined : Buffer.from(JSON.stringify(options.body)));
  const headers: Record<string, string> = {
    ...(options.token ? { authorization: `Bearer ${options.token}` } : {}),
    ...(payload ? { 'content-type': options.raw ? 'application/octet-stream' : 'application/json', 'content-length': String(payload.length) } : {}),
    ...options.headers,
  };
  const beforeMs = Date.now();
  return new Promise((resolve, reject) => {
    const req = httpRequest(url, { method, headers, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        resolve({ status: res.statusCode ?? 0, json: text ? (JSON.parse(text) as Record<string, unknown>) : {}, localPort: req.socket!.localPort!, at: { before: beforeMs, after: Date.now() } });
      });
    });
    req.on('error', reject);
    req.end(payload);
  });
}

async function auditPage(query = '', token = ALICE): Promise<AuditList> {
  const response = await fetch(`${netswim.apiUrl!}/audit${query}`, { headers: { authorization: `Bearer ${token}` } });
  assert.equal(response.status, 200, await response.clone().text());
  return (await response.json()) as AuditList;
}

const allEntries = async (): Promise<OperatorActionRecord[]> => (await auditPage('?limit=1000')).entries;

async function rowCount(db: Database): Promise<number> {
  return Number((await db.query<{ n: string }>('SELECT count(*) AS n FROM operator_audit'))[0]!.n);
}

/** The one entry recorded for this request: newest row with this method, path and client port. */
async function entryFor(method: string, path: string, sent: Sent): Promise<OperatorActionRecord> {
  const matches = (await allEntries()).filter((e) => e.method === method && e.path === path && e.from.port === sent.localPort);
  assert.equal(matches.length, 1, `one audit entry for ${method} ${path} from port ${sent.localPort}`);
  const entry = matches[0]!;
  const at = Date.parse(entry.at);
  assert.ok(at >= sent.at.before && at <= sent.at.after, `recorded at ${entry.at}, between the request and its answer`);
  assert.equal(entry.from.address, '127.0.0.1');
  assert.equal(entry.status, sent.status);
  return entry;
}

const device = { hostname: 'audit-edge-1', address: '127.0.0.1', port: 2222, platform: 'cat9300', username: 'netswim', password: FIRST_PASSWORD, enableSecret: ENABLE_SECRET };

describe('operator audit log', () => {
  it('records a device added: who, when, from where, the body with its secrets masked, the created id', async () => {
    const sent = await send('POST', '/devices', { token: ALICE, body: device });
    assert.equal(sent.status, 201, JSON.stringify(sent.json));
    const entry = await entryFor('POST', '/devices', sent);
    assert.equal(entry.actor, 'alice');
    assert.equal(entry.role, 'admin');
    assert.equal(entry.tokenId, tokenId(ALICE));
    assert.equal(entry.route, '/devices');
    assert.equal(entry.outcome, 'accepted');
    assert.equal(entry.resultId, sent.json.id);
    assert.deepEqual(entry.body, { ...device, password: '***', enableSecret: '***' });
    // The route still read the whole body: the device is stored with its real credentials.
    const stored = await getDeviceConnection(netswim.db, netswim.secretBox, sent.json.id as string);
    assert.equal(stored?.password, FIRST_PASSWORD);
    assert.equal(stored?.enableSecret, ENABLE_SECRET);
  });

  it('records a password change by an unnamed operator token as token:<id>, the device as the resource', async () => {
    const sent = await send('PATCH', `/devices/${device.hostname}`, { token: OPERATOR, body: { password: NEW_PASSWORD } });
    assert.equal(sent.status, 200, JSON.stringify(sent.json));
    const entry = await entryFor('PATCH', `/devices/${device.hostname}`, sent);
    assert.equal(entry.actor, `token:${tokenId(OPERATOR)}`);
    assert.equal(entry.role, 'operator');
    assert.equal(entry.route, '/devices/:hostname');
    assert.equal(entry.resource, device.hostname);
    assert.deepEqual(entry.body, { password: '***' });
    const record = await findDeviceByHostname(netswim.db, device.hostname);
    assert.equal((await getDeviceConnection(netswim.db, netswim.secretBox, record!.id))?.password, NEW_PASSWORD, 'the change took effect');
  });

  it('records an image upload by its query only, never the bytes', async () => {
    const bytes = randomBytes(256 * 1024);
    const fileName = 'cat9k_iosxe.17.09.04a.SPA.bin';
    const sent = await send('POST', `/images?fileName=${fileName}&version=17.9.4a`, { token: ALICE, raw: bytes });
    assert.equal(sent.status, 201, JSON.stringify(sent.json));
    const entry = await entryFor('POST', '/images', sent);
    assert.deepEqual(entry.query, { fileName, version: '17.9.4a' });
    assert.equal(entry.body, null);
    assert.equal(entry.resultId, sent.json.id);
    assert.equal((await getImage(netswim.db, sent.json.id as string))?.sha256, createHash('sha256').update(bytes).digest('hex'), 'every byte reached the image store');
  });

  it('records a site created, and a URL import with the URL credentials and query values masked', async () => {
    const site = await send('POST', '/sites', { token: ALICE, body: { path: 'Global/Audit', kind: 'area' } });
    assert.equal(site.status, 201);
    const siteEntry = await entryFor('POST', '/sites', site);
    assert.deepEqual(siteEntry.body, { path: 'Global/Audit', kind: 'area' });
    assert.equal(siteEntry.resultId, 'Global/Audit');

    const url = `http://netswim:${URL_PASSWORD}@images.example.net/ios/x.bin?signature=${URL_SIGNATURE}&expires=1`;
    const imported = await send('POST', '/images/import', { token: ALICE, body: { url } });
    const entry = await entryFor('POST', '/images/import', imported);
    assert.deepEqual(entry.body, { url: 'http://***@images.example.net/ios/x.bin?signature=***&expires=***' });
  });

  it('records refusals: a viewer writing (403), no token (401), an unknown route (404), a bad body (400)', async () => {
    const before = await rowCount(netswim.db);
    const viewer = await send('POST', '/sites', { token: VIEWER, body: { path: 'Global/Viewer', kind: 'area' } });
    assert.equal(viewer.status, 403);
    const viewerEntry = await entryFor('POST', '/sites', viewer);
    assert.equal(viewerEntry.actor, `token:${tokenId(VIEWER)}`);
    assert.equal(viewerEntry.role, 'viewer');
    assert.equal(viewerEntry.outcome, 'refused');
    assert.match(viewerEntry.error ?? '', /role viewer may not operate/);
    assert.deepEqual(viewerEntry.body, { path: 'Global/Viewer', kind: 'area' }, 'what the viewer tried, read although the route never did');

    const anonymous = await send('DELETE', '/sites/Global%2FAudit', { body: { password: FIRST_PASSWORD } });
    assert.equal(anonymous.status, 401);
    const anonymousEntry = await entryFor('DELETE', '/sites/Global%2FAudit', anonymous);
    assert.deepEqual([anonymousEntry.actor, anonymousEntry.role, anonymousEntry.tokenId, anonymousEntry.resource], ['anonymous', null, null, 'Global/Audit']);

    const unknownToken = 'not-a-real-token-0123456789';
    const unknown = await send('POST', '/nowhere', { token: unknownToken, body: {} });
    assert.equal(unknown.status, 404);
    const unknownEntry = await entryFor('POST', '/nowhere', unknown);
    assert.deepEqual([unknownEntry.actor, unknownEntry.tokenId, unknownEntry.route, unknownEntry.outcome], ['anonymous', tokenId(unknownToken), null, 'refused']);

    const bad = await send('PATCH', `/devices/${device.hostname}`, { token: ALICE, body: { port: 70000, password: FIRST_PASSWORD } });
    assert.equal(bad.status, 400);
    const badEntry = await entryFor('PATCH', `/devices/${device.hostname}`, bad);
    assert.deepEqual(badEntry.body, { port: 70000, password: '***' });
    assert.match(badEntry.error ?? '', /port/);

    const itsm = await send('POST', '/itsm/callback', { body: { number: 'CHG0001', decision: 'approved' } });
    assert.equal(itsm.status, 404, 'the ITSM integration is off');
    const itsmEntry = await entryFor('POST', '/itsm/callback', itsm);
    assert.deepEqual([itsmEntry.actor, itsmEntry.role], ['itsm-callback', 'approver']);
    assert.equal(await rowCount(netswim.db), before + 5);
  });

  it('records a refused request carrying a NUL (which PostgreSQL cannot store) with the NUL written as \\u0000', async () => {
    const nul = await send('DELETE', '/sites/Global%00Audit', { token: ALICE, body: { note: 'a\u0000b' } });
    assert.equal(nul.status, 400);
    const entry = await entryFor('DELETE', '/sites/Global\\u0000Audit', nul);
    assert.deepEqual(entry.body, { note: 'a\\u0000b' });
    assert.equal(entry.outcome, 'refused');
    assert.equal(entry.resource, 'Global\\u0000Audit');

    // Too deep for JSON.stringify: refused by the API, recorded cut at 32 levels.
    const deep = await send('POST', '/sites', { token: ALICE, raw: Buffer.from(`{"path":${'['.repeat(20_000)}${']'.repeat(20_000)}}`), headers: { 'content-type': 'application/json' } });
    assert.equal(deep.status, 400);
    const deepEntry = await entryFor('POST', '/sites', deep);
    assert.match(JSON.stringify(deepEntry.body), /nested deeper than 32 levels/);
  });

  it('keeps no secret: no password, secret or token in the rows or in GET /audit', async () => {
    const rows = JSON.stringify(await netswim.db.query('SELECT * FROM operator_audit'));
    const entries = await allEntries();
    assert.ok(entries.filter((e) => JSON.stringify(e.body).includes('***')).length >= 5, 'the bodies that carried secrets are recorded, masked');
    const answer = JSON.stringify(entries);
    for (const secret of SECRETS) {
      assert.ok(!rows.includes(secret), `${secret} is not in the audit table`);
      assert.ok(!answer.includes(secret), `${secret} is not in GET /audit`);
    }
  });

  it('does not record reads', async () => {
    const before = await rowCount(netswim.db);
    for (const path of ['/devices', '/images', '/sites', '/audit', '/nowhere']) await send('GET', path, { token: ALICE });
    assert.equal(await rowCount(netswim.db), before);
  });

  it('filters by actor, method, path, outcome and time, newest first', async () => {
    const all = await allEntries();
    assert.deepEqual(all.map((e) => Number(e.id)), all.map((e) => Number(e.id)).sort((a, b) => b - a), 'newest first');
    const alice = (await auditPage('?actor=alice')).entries;
    assert.ok(alice.length >= 5 && alice.every((e) => e.actor === 'alice'));
    assert.deepEqual((await auditPage(`?actor=${tokenId(OPERATOR)}`)).entries.map((e) => e.method), ['PATCH']);
    assert.deepEqual((await auditPage(`?actor=token:${tokenId(OPERATOR)}`)).entries.map((e) => e.method), ['PATCH']);
    const patches = (await auditPage('?method=patch')).entries;
    assert.ok(patches.length === 2 && patches.every((e) => e.method === 'PATCH'));
    const devices = (await auditPage('?path=/devices')).entries;
    assert.deepEqual(new Set(devices.map((e) => e.path)), new Set(['/devices', `/devices/${device.hostname}`]));
    const refused = (await auditPage('?outcome=refused')).entries;
    assert.ok(refused.length >= 5 && refused.every((e) => e.status >= 400 && e.status < 500), JSON.stringify(refused.map((e) => e.status)));
    assert.equal(refused.length, all.filter((e) => e.status >= 400 && e.status < 500).length);
    const middle = all[Math.floor(all.length / 2)]!;
    const since = (await auditPage(`?since=${encodeURIComponent(middle.at)}`)).entries;
    assert.ok(since.length > 0 && since.every((e) => e.at >= middle.at));
    const until = (await auditPage(`?until=${encodeURIComponent(middle.at)}`)).entries;
    assert.ok(until.every((e) => e.at < middle.at));
    assert.equal(since.length + until.length, all.length);
  });

  it('pages with nextCursor: every entry once, in order', async () => {
    const all = await allEntries();
    assert.ok(all.length > 6, 'several pages');
    const seen: string[] = [];
    let cursor: string | undefined;
    do {
      const page = await auditPage(`?limit=3${cursor ? `&cursor=${cursor}` : ''}`);
      assert.ok(page.entries.length <= 3);
      seen.push(...page.entries.map((e) => e.id));
      cursor = page.nextCursor;
    } while (cursor);
    assert.deepEqual(seen, all.map((e) => e.id));
  });

  it('refuses a bad query with 400 naming the parameter, and lets only admins and approvers read', async () => {
    for (const [query, parameter] of <[string, string][]>[['?limit=0', 'limit'], ['?since=yesterday', 'since'], ['?cursor=bogus', 'cursor'], ['?method=GET', 'method'], ['?outcome=maybe', 'outcome'], ['?path=devices', 'path'], ['?who=me', 'who']]) {
      const response = await fetch(`${netswim.apiUrl!}/audit${query}`, { headers: { authorization: `Bearer ${ALICE}` } });
      assert.equal(response.status, 400, query);
      assert.match(((await response.json()) as { error: string }).error, new RegExp(parameter), query);
    }
    for (const token of [VIEWER, OPERATOR]) {
      const response = await fetch(`${netswim.apiUrl!}/audit`, { headers: { authorization: `Bearer ${token}` } });
      assert.equal(response.status, 403);
    }
    assert.ok((await auditPage('', CAROL)).entries.length > 0, 'an approver reads the log');
  });
});

describe('audit recording around failures and proxies', () => {
  const lines: string[] = [];
  const logger = createLogger({ level: 'error', write: (line) => lines.push(line) });
  const auth = { authorization: `Bearer ${ALICE}`, 'content-type': 'application/json', 'x-forwarded-for': '203.0.113.7' };
  const apiWith = (db: Database, trustForwardedFor: boolean) =>
    createApi({ db, secretBox: netswim.secretBox, imageStore: netswim.imageStore, temporal: netswim.temporal, taskQueue: 'unused', tokens: parseApiTokens(TOKENS), maxImageBytes: 1024, importGuard: { allow: [], ownListeners: () => [] }, logger, trustForwardedFor });

  it('answers the request when the audit row cannot be written, and logs the whole masked row instead', async () => {
    // The real database, except that audit inserts fail (a full disk, a revoked grant).
    const failing: Database = { ...netswim.db, query: (sql, params) => (sql.startsWith('INSERT INTO operator_audit') ? Promise.reject(new Error('disk full')) : netswim.db.query(sql, params)) };
    const before = await rowCount(netswim.db);
    const response = await apiWith(failing, false).request('/sites', { method: 'POST', headers: auth, body: JSON.stringify({ path: 'Global/Failing', kind: 'area', token: ALICE }) });
    assert.equal(response.status, 400, 'the route answered (token is an unknown field)');
    await apiWith(failing, false).request('/sites', { method: 'POST', headers: auth, body: JSON.stringify({ path: 'Global/Failing', kind: 'area' }) });
    assert.ok((await netswim.db.query('SELECT 1 FROM sites WHERE path = $1', ['Global/Failing'])).length === 1, 'the change stands');
    assert.equal(await rowCount(netswim.db), before);
    const logged = lines.map((l) => JSON.parse(l) as { message: string; error: string; action?: OperatorActionRecord }).filter((l) => l.message === 'audit record not written');
    assert.equal(logged.length, 2);
    assert.equal(logged[0]!.error, 'disk full');
    assert.deepEqual([logged[0]!.action?.actor, logged[0]!.action?.status, logged[1]!.action?.status], ['alice', 400, 201]);
    assert.ok(!lines.join('\n').includes(ALICE), 'the token is masked in the log too');
  });

  it('records X-Forwarded-For only when configured to trust it', async () => {
    await apiWith(netswim.db, false).request('/sites', { method: 'POST', headers: auth, body: JSON.stringify({ path: 'Global/Proxy1', kind: 'area' }) });
    await apiWith(netswim.db, true).request('/sites', { method: 'POST', headers: auth, body: JSON.stringify({ path: 'Global/Proxy2', kind: 'area' }) });
    const [trusted, untrusted] = (await auditPage('?path=/sites&limit=2')).entries;
    assert.equal(trusted?.from.forwardedFor, '203.0.113.7');
    assert.equal(untrusted?.from.forwardedFor, undefined);
  });
});

describe('token holder names', () => {
  it('reads role/name:token, and keeps role:token meaning the whole rest, colons included', () => {
    const table = parseApiTokens('viewer/bob:0123456789abcdef01,admin:abc:0123456789abcdef');
    assert.deepEqual([...table.values()], [{ role: 'viewer', name: 'bob' }, { role: 'admin' }]);
    assert.ok(table.has(createHash('sha256').update('abc:0123456789abcdef').digest('hex')));
    assert.throws(() => parseApiTokens('viewer/b ob:0123456789abcdef01'), /<role>\/<name>:<token>/);
  });
});

const cli = (args: string[], token = ALICE): Promise<CliRun> => runCli(args, { NETSWIM_API_URL: netswim.apiUrl, NETSWIM_API_TOKEN: token });

describe('netswim audit', () => {
  it('prints the log as a table, filtered, paged and as JSON; a viewer is refused with exit 1', async () => {
    const all = await cli(['audit']);
    assert.equal(all.code, 0, all.stderr);
    const [header, ...rows] = all.stdout.trim().split('\n');
    assert.match(header ?? '', /^TIME\s+ACTOR\s+FROM\s+REQUEST\s+STATUS\s+SUMMARY$/);
    assert.equal(rows.length, (await allEntries()).length);
    assert.ok(rows.some((r) => /alice \(admin\)\s+127\.0\.0\.1:\d+\s+POST \/devices\s+201 accepted\s+[0-9a-f-]{36}$/.test(r)), all.stdout);
    assert.ok(rows.some((r) => /token:[0-9a-f]{12} \(viewer\)\s+127\.0\.0\.1:\d+\s+POST \/sites\s+403 refused\s+role viewer may not operate$/.test(r)), all.stdout);

    const patches = await cli(['audit', '--method', 'PATCH', '--path', '/devices', '--actor', 'alice']);
    assert.equal(patches.code, 0, patches.stderr);
    const patchRows = patches.stdout.trim().split('\n').slice(1);
    assert.equal(patchRows.length, 1);
    assert.match(patchRows[0]!, /PATCH \/devices\/audit-edge-1\s+400 refused/);

    const first = await cli(['audit', '--limit', '1', '--since', '2000-01-01T00:00:00Z']);
    assert.equal(first.stdout.trim().split('\n').length, 2);
    const cursor = /--cursor (\S+)/.exec(first.stderr)?.[1];
    assert.ok(cursor, first.stderr);
    const json = await cli(['audit', '--limit', '1', '--cursor', cursor, '--json']);
    const page = JSON.parse(json.stdout) as AuditList;
    assert.equal(page.entries[0]?.id, String(Number((await allEntries())[0]!.id) - 1));

    const viewer = await cli(['audit'], VIEWER);
    assert.equal(viewer.code, 1);
    assert.match(viewer.stderr, /role viewer may not audit/);
    const bad = await cli(['audit', '--since', 'yesterday']);
    assert.equal(bad.code, 1);
    assert.match(bad.stderr, /since/);
  });
});
