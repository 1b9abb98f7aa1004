// netswim's SCP service, real components only: a lab device copies a 20 MB image from it over real
// SSH (SCP source mode) and `verify /md5` agrees; wrong passwords, unsafe paths, uploads, shells,
// SFTP and other commands are refused. Then an upgrade through Temporal + netswim + the lab where
// the device cannot reach the image service over HTTP: the file-transfer check warns, the image
// comes over SCP, and the SCP password is in no workflow history and no API answer.
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { after, before, describe, it } from 'node:test';
import ssh2 from 'ssh2';
import { loadOrCreateHostKey, parseScpRequest, scpServicePassword, scpServiceUrl, SCP_SERVICE_USER, startScpService, type ScpService } from '../distribution/scp-service.ts';
import { ImageStore } from '../images/image-store.ts';
import { startLab } from '../lab/fleet.ts';
import type { Lab, LabEvent } from '../lab/types.ts';
import { loadConfig } from '../runtime/config.ts';
import { createLogger } from '../runtime/logger.ts';
import type { DevServer } from '../scripts/temporal-dev-server.ts';
import { PROMPT, Shell } from './support/lab-shell.ts';
import { startTestNetswim, type TestNetswim } from './support/netswim.ts';
import { startTestTemporal } from './support/temporal.ts';
import { postJson, runUpgrade, uploadImage } from './support/upgrades.ts';

const md5 = (b: Buffer): string => createHash('md5').update(b).digest('hex');
const escape = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** A port nothing listens on: bound, then released. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

function sshConnect(port: number, password: string, onHostKey?: (key: Buffer) => void): Promise<ssh2.Client> {
  return new Promise((resolve, reject) => {
    const client = new ssh2.Client();
    client.once('ready', () => resolve(client));
    client.once('error', reject);
    client.connect({
      host: '127.0.0.1',
      port,
      username: SCP_SERVICE_USER,
      password,
      readyTimeout: 10_000,
      hostVerifier: (key: Buffer) => {
        onHostKey?.(key);
        return true;
      },
    });
  });
}

/** Runs `command`, says "ready" (NUL) like an SCP sink, and returns what came back before the channel closed. */
async function execOnce(client: ssh2.Client, command: string): Promise<{ data: Buffer; code: number | undefined }> {
  return new Promise((resolve, reject) => {
    client.exec(command, (error, stream) => {
      if (error) return reject(error);
      const chunks: Buffer[] = [];
      let code: number | undefined;
      stream.on('data', (d: Buffer) => chunks.push(d));
      stream.stderr.on('data', () => undefined);
      stream.on('exit', (c: number) => (code = c));
      stream.on('close', () => resolve({ data: Buffer.concat(chunks), code }));
      stream.write(Buffer.from([0]));
    });
  });
}

/** An SCP sink: `scp -f <path>`, NUL at each step; resolves with the announced name and the bytes. */
async function scpFetch(client: ssh2.Client, path: string): Promise<{ header: string; body: Buffer }> {
  return new Promise((resolve, reject) => {
    client.exec(`scp -f ${path}`, (error, stream) => {
      if (error) return reject(error);
      let buffer = Buffer.alloc(0);
      let header: string | undefined;
      let size = 0;
      stream.stderr.on('data', () => undefined);
      stream.on('data', (d: Buffer) => {
        buffer = Buffer.concat([buffer, d]);
        if (header === undefined) {
          const newline = buffer.indexOf(0x0a);
          if (newline < 0) return;
          header = buffer.subarray(0, newline).toString('utf8');
          size = Number(/^C0644 (\d+) /.exec(header)?.[1] ?? NaN);
          buffer = buffer.subarray(newline + 1);
          if (!Number.isInteger(size)) return reject(new Error(`unexpected header ${JSON.stringify(header)}`));
          stream.write(Buffer.from([0]));
        }
        if (buffer.length === size + 1) {
          assert.equal(buffer[size], 0, 'the source ends the file with NUL');
          stream.write(Buffer.from([0]));
          resolve({ header, body: buffer.subarray(0, size) });
        }
      });
      stream.on('close', () => reject(new Error('closed before the file came')));
      stream.write(Buffer.from([0]));
    });
  });
}

describe('the SCP service with a lab device', () => {
  let dir: string;
  let store: ImageStore;
  let service: ScpService;
  let lab: Lab;
  let password: string;
  const image = randomBytes(20 * 1024 * 1024 + 17);
  let sha256: string;
  const FILE = 'cat9k_iosxe.17.12.01.SPA.bin';

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'netswim-scp-'));
    store = new ImageStore(join(dir, 'images'));
    ({ sha256 } = await store.ingest(Readable.from([image]), 64 * 1024 * 1024));
    password = scpServicePassword(randomBytes(32));
    const hostKey = await loadOrCreateHostKey(join(dir, 'scp-host-key'));
    service = await startScpService(store, createLogger({ level: 'error' }), { host: '127.0.0.1', port: 0, hostKey, password });
    lab = await startLab({
      stateDir: join(dir, 'lab'),
      devices: [{ hostname: 'scp-sw', address: '127.0.0.1', port: 0, platform: 'cat9300', username: 'netswim', password: 'lab-password', reloadDurationMs: 1000 }],
    });
  });

  after(async () => {
    await lab?.stop();
    await service?.close();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('keeps one host key, readable only by its owner', async () => {
    const file = join(dir, 'scp-host-key');
    assert.equal((await stat(file)).mode & 0o777, 0o600);
    assert.equal(await loadOrCreateHostKey(file), await loadOrCreateHostKey(file));
    // The service presents that key on every connection.
    const keys: string[] = [];
    for (let i = 0; i < 2; i++) (await sshConnect(service.access.port, password, (k) => keys.push(k.toString('base64')))).end();
    assert.equal(keys.length, 2);
    assert.equal(keys[0], keys[1]);
  });

  it('serves a 20 MB image to a device (`copy scp://… flash:`), verify /md5 matches', async () => {
    const { url, display } = scpServiceUrl(service.access, `/images/${sha256}/${FILE}`);
    assert.equal(display, `scp://netswim-images:***@127.0.0.1:${service.access.port}/images/${sha256}/${FILE}`);
    const s = await Shell.open(lab.device('scp-sw'));
    try {
      await s.run('terminal length 0');
      s.send(`copy ${url} flash:\r`);
      await s.expect(new RegExp(`Destination filename \\[${escape(FILE)}\\]\\? $`));
      s.send('\r');
      const copied = await s.expect(PROMPT, 120_000);
      assert.match(copied, new RegExp(`${image.length} bytes copied`), copied);
      assert.match(copied, /Accessing scp:\/\/netswim-images:\*+@/, 'the device shows the URL with the password masked');
      const verify = await s.run(`verify /md5 flash:${FILE}`, 60_000);
      assert.match(verify, new RegExp(`^verify /md5 \\(flash:${escape(FILE)}\\) = ${md5(image)}$`, 'm'), verify);
    } finally {
      s.close();
    }
    assert.deepEqual(
      lab.device('scp-sw').state().flash.find((f) => f.name === FILE),
      { name: FILE, size: image.length, md5: md5(image) },
    );
  });

  it('serves the precheck probe file', async () => {
    const client = await sshConnect(service.access.port, password);
    try {
      const { header, body } = await scpFetch(client, '/probe/netswim-probe.txt');
      assert.equal(header, `C0644 ${body.length} netswim-probe.txt`);
      assert.equal(body.toString(), 'netswim image service probe\n');
    } finally {
      client.end();
    }
  });

  it('behind NAT: devices are told the public host and port, the service answers where it listens', async () => {
    const natted = await startScpService(store, createLogger({ level: 'error' }), {
      host: '127.0.0.1',
      port: 0,
      publicHost: 'images.example.net',
      publicPort: 2222,
      hostKey: await loadOrCreateHostKey(join(dir, 'scp-host-key')),
      password,
    });
    try {
      assert.deepEqual({ host: natted.access.host, port: natted.access.port }, { host: 'images.example.net', port: 2222 });
      assert.equal(natted.display, 'scp://netswim-images:***@images.example.net:2222');
      assert.notEqual(natted.listening.port, 2222);
      const client = await sshConnect(natted.listening.port, password);
      try {
        assert.equal((await scpFetch(client, '/probe/netswim-probe.txt')).body.toString(), 'netswim image service probe\n');
      } finally {
        client.end();
      }
    } finally {
      await natted.close();
    }
    // The setting, read and checked like every other.
    const env = { NETSWIM_SECRET_KEY: 'k'.repeat(64), NETSWIM_SCP_SERVICE_PUBLIC_HOST: 'images.example.net' };
    assert.equal(loadConfig({ ...env, NETSWIM_SCP_SERVICE_PUBLIC_PORT: '2222' }).scpService?.publicPort, 2222);
    assert.equal(loadConfig(env).scpService?.publicPort, undefined);
    assert.throws(() => loadConfig({ ...env, NETSWIM_SCP_SERVICE_PUBLIC_PORT: '70000' }), /NETSWIM_SCP_SERVICE_PUBLIC_PORT: a port from 1 to 65535/);
  });

  it('refuses a wrong password and a wrong user', async () => {
    await assert.rejects(sshConnect(service.access.port, `${password}x`), /authentication/i);
    await assert.rejects(
      new Promise((resolve, reject) => {
        const client = new ssh2.Client();
        client.once('ready', () => resolve(client));
        client.once('error', reject);
        client.connect({ host: '127.0.0.1', port: service.access.port, username: 'root', password, readyTimeout: 10_000 });
      }),
      /authentication/i,
    );
    // And a device given the wrong password reports the copy as failed.
    const { url } = scpServiceUrl({ ...service.access, password: 'not-the-password' }, `/images/${sha256}/${FILE}`);
    const s = await Shell.open(lab.device('scp-sw'));
    try {
      s.send(`copy ${url} flash:wrong-pw.bin\r`);
      await s.expect(/Destination filename \[wrong-pw\.bin\]\? $/);
      s.send('\r');
      assert.match(await s.expect(PROMPT, 30_000), /%Error opening/);
    } finally {
      s.close();
    }
  });

  it('refuses unsafe and unknown paths, uploads, other commands, shells and SFTP', async () => {
    const client = await sshConnect(service.access.port, password);
    try {
      const refused = async (command: string, reason: RegExp): Promise<void> => {
        const { data, code } = await execOnce(client, command);
        const text = data.toString('utf8');
        assert.equal(text[0], '\x01', `${command} → ${JSON.stringify(text)}`);
        assert.match(text, reason, command);
        assert.ok(!text.includes('C0644'), `${command} served a file`);
        assert.equal(code, 1);
      };
      await refused('scp -f /etc/passwd', /No such file/);
      await refused(`scp -f /images/${sha256}/../../../etc/passwd`, /No such file/);
      await refused(`scp -f '/images/${sha256}/..'`, /No such file/);
      await refused(`scp -f /images/${'0'.repeat(64)}/${FILE}`, /No such file/);
      await refused(`scp -f ${dir}/images/sha256/${sha256.slice(0, 2)}/${sha256}`, /No such file/);
      await refused(`scp -t /images/${sha256}/${FILE}`, /read-only/);
      await refused(`scp -r -f /images`, /only scp -f/);
      await refused('cat /etc/passwd', /only scp downloads/);
      await refused(`scp -f /probe/netswim-probe.txt; cat /etc/passwd`, /No such file|exactly one/);
      await assert.rejects(new Promise((resolve, reject) => client.shell((error, stream) => (error ? reject(error) : resolve(stream)))), /denied|failure|unable/i);
      await assert.rejects(new Promise((resolve, reject) => client.sftp((error, sftp) => (error ? reject(error) : resolve(sftp)))), /denied|failure|unable/i);
    } finally {
      client.end();
    }
  });

  it('parses exec commands strictly', () => {
    const path = `/images/${'a'.repeat(64)}/${FILE}`;
    assert.deepEqual(parseScpRequest(`scp -f ${path}`), { kind: 'image', sha256: 'a'.repeat(64), fileName: FILE });
    assert.deepEqual(parseScpRequest(`scp -f '${path}'`), { kind: 'image', sha256: 'a'.repeat(64), fileName: FILE });
    // IOS sends the path relative to the login directory.
    assert.deepEqual(parseScpRequest(`scp -f ${path.slice(1)}`), { kind: 'image', sha256: 'a'.repeat(64), fileName: FILE });
    assert.equal(parseScpRequest(`scp -pf ${path}`).kind, 'image');
    assert.equal(parseScpRequest('scp -f probe/netswim-probe.txt').kind, 'probe');
    for (const bad of [`scp ${path}`, `scp -f ${path} ${path}`, `scp -f "${path}`, `scp -tf ${path}`, `sh -c 'scp -f ${path}'`, 'scp -f /images/x/y', `scp -f /images/${'a'.repeat(64)}/.hidden`]) {
      assert.equal(parseScpRequest(bad).kind, 'refused', bad);
    }
  });
});

describe('an upgrade over SCP when the device cannot use HTTP', () => {
  let temporal: DevServer;
  let netswim: TestNetswim;
  let lab: Lab;
  let labDir: string;
  const copies: string[] = [];
  const PASSWORD = `pw-${randomBytes(6).toString('hex')}`;

  before(async () => {
    temporal = await startTestTemporal();
    // The image service runs, but devices are told a URL where nothing answers: HTTP copies fail.
    netswim = await startTestNetswim(temporal.address, { env: { NETSWIM_IMAGE_SERVICE_URL: `http://127.0.0.1:${await closedPort()}` } });
    labDir = await mkdtemp(join(tmpdir(), 'netswim-scp-upgrade-'));
    lab = await startLab({
      stateDir: labDir,
      devices: [{ hostname: 'scp-edge', address: '127.0.0.1', port: 0, platform: 'cat9300', username: 'netswim', password: PASSWORD, enableSecret: PASSWORD, reloadDurationMs: 1000 }],
      onEvent: (event: LabEvent) => {
        if (event.event === 'copy' && event.phase === 'done') copies.push(event.url);
      },
    });
    const d = lab.device('scp-edge');
    await postJson(netswim, '/devices', { hostname: d.hostname, address: d.address, port: d.port, platform: 'cat9300', site: 'Global', username: 'netswim', password: PASSWORD, enableSecret: PASSWORD });
  });

  after(async () => {
    await lab?.stop();
    await netswim?.stopAll();
    await temporal?.stop();
    if (labDir) await rm(labDir, { recursive: true, force: true });
  });

  it('warns in the precheck, copies over SCP, and keeps the SCP password out of history and answers', async () => {
    const access = netswim.scpServiceAccess;
    assert.ok(netswim.scpService && access, 'the SCP service runs with the API');
    const secret = access.password;
    const display = `scp://netswim-images:***@127.0.0.1:${access.port}`;
    const bytes = randomBytes(2 * 1024 * 1024 + 3);
    const sha256 = createHash('sha256').update(bytes).digest('hex');
    const imageId = await uploadImage(netswim, 'cat9k_iosxe.17.09.04a.SPA.bin', bytes);
    const { view } = await runUpgrade(netswim, 'scp-edge', imageId);
    assert.equal(view.execution, 'COMPLETED', view.error);

    const check = view.status?.checks.find((c) => c.name === 'file-transfer');
    assert.equal(check?.status, 'warn', JSON.stringify(check));
    assert.match(check.reason, /HTTP to netswim's image service failed .*; SCP works, so images will be copied over SCP/);
    const probe = JSON.stringify(check);
    assert.ok(probe.includes(`copy ${display}/probe/netswim-probe.txt flash:netswim-probe.txt`), probe);

    const text = JSON.stringify(view);
    assert.ok(text.includes(`from ${display}/images/${sha256}/cat9k_iosxe.17.09.04a.SPA.bin`), 'the copy source is the SCP service');
    assert.ok(!copies.some((u) => u.startsWith('http')), `no HTTP copy completed: ${copies.join(' ')}`);
    assert.ok(copies.some((u) => /^scp:\/\/netswim-images:\*+@.*\/images\/[0-9a-f]{64}\/cat9k_iosxe\.17\.09\.04a\.SPA\.bin$/.test(u)), copies.join(' '));
    assert.equal(lab.device('scp-edge').state().flash.find((f) => f.name === 'cat9k_iosxe.17.09.04a.SPA.bin')?.md5, md5(bytes));

    let histories = 0;
    for await (const execution of netswim.temporal.workflow.list({ query: `WorkflowType = 'deviceUpgrade'` })) {
      const history = await netswim.temporal.workflow.getHandle(execution.workflowId, execution.runId).fetchHistory();
      const json = JSON.stringify(history, decodeBytes);
      assert.ok(json.includes('netswim-images:***@'), 'the history was decoded and holds the SCP display URL');
      assert.ok(!json.includes(secret), `${execution.workflowId} history contains the SCP password`);
      assert.ok(!json.includes(encodeURIComponent(secret)), `${execution.workflowId} history contains the SCP password (URL-encoded)`);
      histories += 1;
    }
    assert.equal(histories, 1);
    const answers = [text];
    for (const path of ['/upgrades', `/upgrades/${view.workflowId}`, '/devices', '/images', '/health']) answers.push(await (await netswim.api(path)).text());
    for (const answer of answers) assert.ok(!answer.includes(secret), `an API answer contains the SCP password: ${answer.slice(0, 300)}`);
  });
});

/** Payload bytes as text: fetched histories carry them base64-encoded in `data` fields. */
function decodeBytes(key: string, value: unknown): unknown {
  if (key === 'data' && typeof value === 'string') return Buffer.from(value, 'base64').toString('utf8');
  return value;
}
