// Site distribution servers end to end: servers and assignments through the API, then upgrades
// through the real workflow on a real Temporal dev server, lab devices over SSH, a real SFTP server
// (asyncssh) and a real writable FTP server (pyftpdlib) on 127.0.0.1. The image is staged once per
// server (skipped the next time), devices copy from their site's primary, fall back to the
// secondary when it is down, and to netswim's image service without servers; the servers'
// password shows up in no workflow history and no API answer.
// NETSWIM_SKIP_PYTHON_SERVERS=1 skips the cases that need the Python servers.
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { UpgradeView } from '../api/upgrade-status.ts';
import { startLab } from '../lab/fleet.ts';
import type { Lab, LabEvent } from '../lab/types.ts';
import type { DevServer } from '../scripts/temporal-dev-server.ts';
import { startTestNetswim, type TestNetswim } from './support/netswim.ts';
import { startTestTemporal } from './support/temporal.ts';
import { serversPython, startFtpServer, startSftpServer } from './support/transfer-servers.ts';
import { runUpgrade, uploadImage } from './support/upgrades.ts';

const skipPython = process.env.NETSWIM_SKIP_PYTHON_SERVERS === '1' ? 'NETSWIM_SKIP_PYTHON_SERVERS=1' : false;

const DEVICE_PASSWORD = `pw-${randomBytes(6).toString('hex')}`;
const SERVER_USER = 'netswim-dist';
const SERVER_PASSWORD = `dist:${randomBytes(8).toString('hex')}@pw`;
const ROOT = '/images/c9k';
const NEW_IMAGE = 'cat9k_iosxe.17.09.04a.SPA.bin';
const PARIS = 'Global/Lab/Paris';
const FLOOR = 'Global/Lab/Paris/Floor-1';
const PARIS_DEVICES = ['sw-paris-1', 'sw-paris-2', 'sw-paris-3'];
const OTHER_DEVICES = ['sw-plain', 'sw-wlc'];

interface Answer {
  status: number;
  body: unknown;
}

void describe('site distribution servers', { skip: skipPython }, () => {
  let temporal: DevServer;
  let netswim: TestNetswim;
  let lab: Lab;
  let work = '';
  let imageId = '';
  let sftp: Awaited<ReturnType<typeof startSftpServer>> | undefined;
  let ftp: Awaited<ReturnType<typeof startFtpServer>> | undefined;
  const imageBytes = randomBytes(2 * 1024 * 1024 + 321);
  const sha256 = createHash('sha256').update(imageBytes).digest('hex');
  const copies: Extract<LabEvent, { event: 'copy' }>[] = [];
  /** Every API answer's text, searched for the server password at the end. */
  const answers: string[] = [];

  async function call(method: string, path: string, body?: unknown): Promise<Answer> {
    const response = await netswim.api(path, {
      method,
      ...(body === undefined ? {} : { headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }),
    });
    const text = await response.text();
    answers.push(text);
    return { status: response.status, body: text ? (JSON.parse(text) as unknown) : undefined };
  }

  async function ok(method: string, path: string, body?: unknown): Promise<unknown> {
    const answer = await call(method, path, body);
    assert.ok(answer.status < 300, `${method} ${path} answered ${answer.status}: ${JSON.stringify(answer.body)}`);
    return answer.body;
  }

  async function upgrade(hostname: string): Promise<UpgradeView> {
    const { view } = await runUpgrade(netswim, hostname, imageId);
    answers.push(JSON.stringify(view));
    assert.equal(view.execution, 'COMPLETED', `${hostname}: ${view.error}`);
    assert.equal(view.result?.outcome, 'upgraded');
    return view;
  }

  const events = (view: UpgradeView): string[] => (view.status?.events ?? []).filter((e) => e.stage === 'distribute').map((e) => e.message);
  const copyDone = (hostname: string) => copies.filter((e) => e.hostname === hostname && e.file === NEW_IMAGE && e.phase === 'done');
  const staged = (root: string) => join(root, ...ROOT.split('/').filter(Boolean), NEW_IMAGE);
  const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

  before(async () => {
    work = await mkdtemp(join(tmpdir(), 'netswim-site-dist-'));
    const python = await serversPython((m) => process.stderr.write(`[python-env] ${m}\n`));
    for (const name of ['sftp', 'ftp']) await mkdir(join(work, name));
    sftp = await startSftpServer({ python, root: join(work, 'sftp'), username: SERVER_USER, password: SERVER_PASSWORD });
    ftp = await startFtpServer({ python, root: join(work, 'ftp'), writable: true, user: SERVER_USER, password: SERVER_PASSWORD });
    temporal = await startTestTemporal();
    netswim = await startTestNetswim(temporal.address);
    lab = await startLab({
      stateDir: join(work, 'lab'),
      devices: [...PARIS_DEVICES, ...OTHER_DEVICES].map((hostname) => ({
        hostname,
        address: '127.0.0.1',
        port: 0,
        platform: 'cat9300' as const,
        username: 'netswim',
        password: DEVICE_PASSWORD,
        enableSecret: DEVICE_PASSWORD,
        reloadDurationMs: 1000,
      })),
      onEvent: (event) => {
        if (event.event === 'copy') copies.push(event);
      },
    });
    await ok('POST', '/sites', { path: 'Global/Lab', kind: 'area' });
    await ok('POST', '/sites', { path: PARIS, kind: 'building' });
    await ok('POST', '/sites', { path: FLOOR, kind: 'floor' });
    const register = (hostname: string, site: string, extra: Record<string, unknown> = {}) => {
      const d = lab.device(hostname);
      return ok('POST', '/devices', { hostname, address: d.address, port: d.port, platform: 'cat9300', site, username: 'netswim', password: DEVICE_PASSWORD, enableSecret: DEVICE_PASSWORD, ...extra });
    };
    for (const hostname of PARIS_DEVICES) await register(hostname, FLOOR);
    await register('sw-plain', 'Global/Lab/Other');
    imageId = await uploadImage(netswim, NEW_IMAGE, imageBytes);
  });

  after(async () => {
    await lab?.stop();
    await netswim?.stopAll();
    await temporal?.stop();
    await sftp?.close();
    await ftp?.close();
    if (work) await rm(work, { recursive: true, force: true });
  });

  void it('manages servers through the API: validation, no password in answers, assignment rules', async () => {
    if (!sftp || !ftp) throw new Error('servers not started');
    const created = (await ok('POST', '/distribution-servers', {
      name: 'paris-sftp', protocol: 'sftp', host: '127.0.0.1', port: sftp.port, rootLocation: ROOT, username: SERVER_USER, password: SERVER_PASSWORD,
    })) as Record<string, unknown>;
    assert.equal(created.name, 'paris-sftp');
    assert.equal(created.hasPassword, true);
    assert.ok(!('password' in created) && !('sealedPassword' in created), JSON.stringify(created));
    await ok('POST', '/distribution-servers', { name: 'paris-ftp', protocol: 'ftp', host: '127.0.0.1', port: ftp.port, rootLocation: ROOT, username: SERVER_USER, password: SERVER_PASSWORD });
    await ok('POST', '/distribution-servers', { name: 'spare-http', protocol: 'http', host: '127.0.0.1', rootLocation: '/' });

    // Bad input: 400 with the reason, nothing stored.
    const bad = async (body: Record<string, unknown>, reason: RegExp) => {
      const answer = await call('POST', '/distribution-servers', { name: 'bad', protocol: 'ftp', host: '127.0.0.1', rootLocation: ROOT, username: 'u', ...body });
      assert.equal(answer.status, 400, JSON.stringify(answer.body));
      assert.match((answer.body as { error: string }).error, reason);
    };
    await bad({ protocol: 'gopher' }, /protocol/);
    await bad({ port: 70000 }, /port/);
    await bad({ port: '21' }, /port/);
    await bad({ rootLocation: '/images/../etc' }, /bad root location/);
    await bad({ host: 'a b' }, /bad host/);
    await bad({ protocol: 'sftp', username: undefined }, /sftp needs a username/);
    assert.equal((await call('POST', '/distribution-servers', { name: 'paris-ftp', protocol: 'ftp', host: '127.0.0.1', rootLocation: '/', username: 'u' })).status, 409);
    const listed = (await ok('GET', '/distribution-servers')) as { name: string }[];
    assert.deepEqual(listed.map((s) => s.name), ['paris-ftp', 'paris-sftp', 'spare-http']);

    // Assignments: unknown server or site → 404; the floor inherits the building's servers.
    assert.equal((await call('PUT', `/sites/${PARIS}/distribution`, { primary: 'nope' })).status, 404);
    assert.equal((await call('PUT', `/sites/${PARIS}/distribution`, { primary: 'paris-sftp', secondary: 'nope' })).status, 404);
    assert.equal((await call('PUT', '/sites/Global/Nowhere/distribution', { primary: 'paris-sftp' })).status, 404);
    assert.equal((await call('PUT', `/sites/${PARIS}/distribution`, { primary: 'paris-sftp', secondary: 'paris-sftp' })).status, 400);
    await ok('PUT', `/sites/${PARIS}/distribution`, { primary: 'paris-sftp', secondary: 'paris-ftp' });
    const floor = (await ok('GET', `/sites/${FLOOR}/distribution`)) as { assigned: unknown; effective: { primary: { name: string; site: string }; secondary: { name: string; site: string } } };
    assert.equal(floor.assigned, null);
    assert.deepEqual([floor.effective.primary.name, floor.effective.primary.site], ['paris-sftp', PARIS]);
    assert.deepEqual([floor.effective.secondary.name, floor.effective.secondary.site], ['paris-ftp', PARIS]);
    const other = (await ok('GET', '/sites/Global/Lab/Other/distribution')) as { effective: unknown };
    assert.deepEqual(other.effective, { primary: null, secondary: null });

    // A server in use cannot be deleted; an unused one can.
    const inUse = await call('DELETE', '/distribution-servers/paris-ftp');
    assert.equal(inUse.status, 409);
    assert.match((inUse.body as { error: string }).error, /assigned to Global\/Lab\/Paris/);
    await ok('DELETE', '/distribution-servers/spare-http');
    assert.equal((await call('DELETE', '/distribution-servers/spare-http')).status, 404);
  });

  void it('refuses a root location over 16 characters for a site holding wireless controllers (422)', async () => {
    if (!ftp) throw new Error('servers not started');
    await ok('POST', '/distribution-servers', { name: 'wlc-long', protocol: 'ftp', host: '127.0.0.1', port: ftp.port, rootLocation: '/images/wireless/9800', username: SERVER_USER, password: SERVER_PASSWORD });
    await ok('POST', '/devices', { hostname: 'wlc-real', address: '192.0.2.10', platform: 'c9800', family: 'c9800', site: 'Global/Lab/Wireless/Bldg', username: 'u', password: 'p' });
    const refused = await call('PUT', '/sites/Global/Lab/Wireless/distribution', { primary: 'wlc-long' });
    assert.equal(refused.status, 422, JSON.stringify(refused.body));
    assert.match((refused.body as { error: string }).error, /wlc-real is a wireless controller; root location "\/images\/wireless\/9800" is 21 characters: wireless controllers \(family c9800\) accept at most 16/);
    // No wireless device below yet: allowed (the activity applies the rule to devices added later).
    await ok('POST', '/sites', { path: 'Global/Lab/Wifi', kind: 'area' });
    await ok('PUT', '/sites/Global/Lab/Wifi/distribution', { primary: 'wlc-long' });
  });

  void it('stages the image on the site servers once and the device copies from the primary (SFTP)', async () => {
    if (!sftp || !ftp) throw new Error('servers not started');
    const view = await upgrade('sw-paris-1');
    const notes = events(view);
    assert.ok(notes.some((n) => /primary paris-sftp \(from Global\/Lab\/Paris\): staged 2\.0 MiB/.test(n) && /secondary paris-ftp \(from Global\/Lab\/Paris\): staged/.test(n)), notes.join('\n'));
    const source = `sftp://${SERVER_USER}:***@127.0.0.1:${sftp.port}${ROOT}/${NEW_IMAGE}`;
    assert.ok(notes.some((n) => n.includes(`copied and verified MD5`) && n.endsWith(`from ${source}`)), notes.join('\n'));
    // Landed on both servers with its checksum sidecar; the device's copy came from the SFTP server.
    for (const root of [sftp.root, ftp.root]) {
      assert.deepEqual(await readFile(staged(root)), imageBytes);
      assert.equal(await readFile(`${staged(root)}.sha256`, 'utf8'), `${sha256}  ${NEW_IMAGE}\n`);
    }
    const done = copyDone('sw-paris-1');
    assert.equal(done.length, 1);
    assert.match(done[0]!.url, new RegExp(`^sftp://${SERVER_USER}:\\*+@127\\.0\\.0\\.1:${sftp.port}${escape(ROOT)}/${escape(NEW_IMAGE)}$`));
    assert.equal(done[0]!.bytes, imageBytes.length);
  });

  void it('a second device at the site skips the staging (same checksum) and copies from the primary', async () => {
    if (!sftp || !ftp) throw new Error('servers not started');
    const before = await Promise.all([sftp.root, ftp.root].map(async (root) => (await stat(staged(root))).mtimeMs));
    const view = await upgrade('sw-paris-2');
    const notes = events(view);
    assert.ok(notes.some((n) => /primary paris-sftp .*already there \(same SHA-256\), skipped; secondary paris-ftp .*already there/.test(n)), notes.join('\n'));
    const after = await Promise.all([sftp.root, ftp.root].map(async (root) => (await stat(staged(root))).mtimeMs));
    assert.deepEqual(after, before, 'the staged files were not written again');
    assert.match(copyDone('sw-paris-2')[0]?.url ?? '', /^sftp:\/\//);
  });

  void it('with the primary down, the next device falls back to the secondary (FTP), the reason recorded', async () => {
    if (!sftp || !ftp) throw new Error('servers not started');
    await sftp.close();
    const view = await upgrade('sw-paris-3');
    const notes = events(view);
    assert.ok(notes.some((n) => /primary paris-sftp .*: not staged \(/.test(n) && /secondary paris-ftp .*already there/.test(n)), notes.join('\n'));
    const copied = notes.find((n) => n.includes('copied and verified')) ?? '';
    assert.ok(copied.includes(`from ftp://${SERVER_USER}:***@127.0.0.1:${ftp.port}${ROOT}/${NEW_IMAGE}`), copied);
    assert.match(copied, /\(copy from sftp:\/\/.* failed: %Error opening/);
    const done = copyDone('sw-paris-3');
    assert.equal(done.length, 1);
    assert.match(done[0]!.url, new RegExp(`^ftp://${SERVER_USER}:\\*+@127\\.0\\.0\\.1:${ftp.port}/`));
    assert.equal(copies.filter((e) => e.hostname === 'sw-paris-3' && e.file === NEW_IMAGE && e.phase === 'start').length, 2, 'tried the SFTP server first');
  });

  void it("a device at a site without servers copies from netswim's image service", async () => {
    const view = await upgrade('sw-plain');
    const notes = events(view);
    assert.ok(notes.includes("no distribution server for Global/Lab/Other: the device copies from netswim's image service"), notes.join('\n'));
    const service = `${netswim.imageServiceUrl}/images/${sha256}/${NEW_IMAGE}`;
    assert.ok(notes.some((n) => n.endsWith(`from ${service}`)), notes.join('\n'));
    assert.equal(copyDone('sw-plain')[0]?.url, service);
  });

  void it('a wireless controller does not use a server whose root location is too long: next source, reason recorded', async () => {
    const d = lab.device('sw-wlc');
    // Registered as a 9800 after the site got its server (the API rule could not see it then).
    await ok('POST', '/devices', { hostname: 'sw-wlc', address: d.address, port: d.port, platform: 'cat9300', family: 'c9800', site: 'Global/Lab/Wifi', username: 'netswim', password: DEVICE_PASSWORD, enableSecret: DEVICE_PASSWORD });
    // The lab has no Catalyst 9800 yet: a Catalyst 9300 plays one, so the image must be assigned to
    // the c9800 family too (netswim refuses an image for another family).
    await ok('PATCH', `/images/${imageId}`, { families: ['cat9300', 'c9800'] });
    const view = await upgrade('sw-wlc');
    const notes = events(view);
    assert.ok(notes.some((n) => /primary wlc-long \(from Global\/Lab\/Wifi\): not staged \(root location "\/images\/wireless\/9800" is 21 characters/.test(n)), notes.join('\n'));
    const copied = notes.find((n) => n.includes('copied and verified')) ?? '';
    assert.ok(copied.includes(`from ${netswim.imageServiceUrl}/images/`), copied);
    assert.match(copied, /not used: root location .* accept at most 16/);
    assert.equal(copies.filter((e) => e.hostname === 'sw-wlc' && e.file === NEW_IMAGE && e.phase === 'start').length, 1, 'never tried the refused server');
  });

  void it('the server password appears in no workflow history and no API answer', async () => {
    const secrets = [SERVER_PASSWORD, encodeURIComponent(SERVER_PASSWORD), DEVICE_PASSWORD];
    let histories = 0;
    for await (const execution of netswim.temporal.workflow.list({ query: `WorkflowType = 'deviceUpgrade'` })) {
      const history = await netswim.temporal.workflow.getHandle(execution.workflowId, execution.runId).fetchHistory();
      const text = JSON.stringify(history, decodeBytes);
      for (const secret of secrets) assert.ok(!text.includes(secret), `${execution.workflowId} history contains a password`);
      assert.ok(text.includes('stageOnSiteServers') && text.includes('deviceId'), 'the history was decoded and holds the staging step');
      histories += 1;
    }
    assert.ok(histories >= 5, `checked ${histories} histories`);
    answers.push(JSON.stringify(await ok('GET', '/distribution-servers')));
    for (const text of answers) for (const secret of secrets.slice(0, 2)) assert.ok(!text.includes(secret), `an API answer contains the server password: ${text.slice(0, 300)}`);
  });
});

/** Payload bytes as text: fetched histories carry them base64-encoded in `data` fields. */
function decodeBytes(key: string, value: unknown): unknown {
  if (key === 'data' && typeof value === 'string') return Buffer.from(value, 'base64').toString('utf8');
  return value;
}
