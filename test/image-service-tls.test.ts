// The image service over HTTPS: with a certificate configured, devices copy images (and the
// transfer precheck's probe) over HTTPS.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { startLab } from '../lab/fleet.ts';
import type { Lab, LabEvent } from '../lab/types.ts';
import type { DevServer } from '../scripts/temporal-dev-server.ts';
import { startTestNetswim, type TestNetswim } from './support/netswim.ts';
import { startTestTemporal } from './support/temporal.ts';
import { selfSignedCertificate } from './support/transfer-servers.ts';
import { postJson, runUpgrade, uploadImage } from './support/upgrades.ts';

const PASSWORD = `pw-${randomBytes(6).toString('hex')}`;
let temporal: DevServer;
let netswim: TestNetswim;
let lab: Lab;
let dir: string;
const copies: string[] = [];

before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'netswim-tls-'));
  const { cert, key } = await selfSignedCertificate();
  await writeFile(join(dir, 'cert.pem'), cert);
  await writeFile(join(dir, 'key.pem'), key);
  temporal = await startTestTemporal();
  netswim = await startTestNetswim(temporal.address, { env: { NETSWIM_IMAGE_SERVICE_TLS_CERT: join(dir, 'cert.pem'), NETSWIM_IMAGE_SERVICE_TLS_KEY: join(dir, 'key.pem') } });
  lab = await startLab({
    stateDir: join(dir, 'lab'),
    devices: [{ hostname: 'tls-sw', address: '127.0.0.1', port: 0, platform: 'cat9300', username: 'netswim', password: PASSWORD, enableSecret: PASSWORD, reloadDurationMs: 1000 }],
    onEvent: (event: LabEvent) => {
      if (event.event === 'copy' && event.phase === 'done') copies.push(event.url);
    },
  });
  const d = lab.device('tls-sw');
  await postJson(netswim, '/devices', { hostname: d.hostname, address: d.address, port: d.port, platform: 'cat9300', site: 'Global', username: 'netswim', password: PASSWORD, enableSecret: PASSWORD });
});

after(async () => {
  await lab?.stop();
  await netswim?.stopAll();
  await temporal?.stop();
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('image service over HTTPS', () => {
  it('serves the probe and the image over HTTPS; the transfer precheck says so', async () => {
    assert.match(netswim.imageServiceUrl, /^https:\/\//);
    const imageId = await uploadImage(netswim, 'cat9k_iosxe.17.09.04a.SPA.bin', randomBytes(512 * 1024));
    const { view } = await runUpgrade(netswim, 'tls-sw', imageId);
    assert.equal(view.execution, 'COMPLETED', view.error);
    assert.match(view.status?.checks.find((c) => c.name === 'file-transfer')?.reason ?? '', /over HTTPS/);
    assert.ok(copies.some((u) => /^https:\/\/.*netswim-probe\.txt$/.test(u)), copies.join(' '));
    assert.ok(copies.some((u) => /^https:\/\/.*cat9k_iosxe\.17\.09\.04a\.SPA\.bin$/.test(u)), copies.join(' '));
  });
});
