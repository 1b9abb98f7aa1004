// The production database path (DATABASE_URL) on a real PostgreSQL server: migrations raced by
// two processes, the records, and an upgrade with the API and the worker as separate instances.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { startLab } from '../lab/fleet.ts';
import type { Lab } from '../lab/types.ts';
import type { DevServer } from '../scripts/temporal-dev-server.ts';
import { freePort } from '../scripts/temporal-dev-server.ts';
import { openDatabase } from '../store/database.ts';
import { addDevice, getDeviceConnection, updateDevice } from '../store/devices.ts';
import { saveImage } from '../store/images.ts';
import { createSecretBox } from '../store/secret-box.ts';
import { startTestNetswim, type TestNetswim } from './support/netswim.ts';
import { findPostgresBinDir, startTestPostgres, type TestPostgres } from './support/postgres.ts';
import { startTestTemporal } from './support/temporal.ts';
import { postJson, runUpgrade, uploadImage } from './support/upgrades.ts';
import type { AuditList } from '../api/audit-routes.ts';

const binDir = await findPostgresBinDir();
// Debian's postgresql package provides the server; without it these tests cannot run here.
const skip = binDir ? false : 'no PostgreSQL server binaries (initdb, postgres) on this machine';

let postgres: TestPostgres | undefined;
before(async () => {
  if (binDir) postgres = await startTestPostgres(binDir);
});
after(async () => {
  await postgres?.stop();
});

describe('PostgreSQL via DATABASE_URL', { skip }, () => {
  it('applies the migrations once when two processes start together', async () => {
    const [a, b] = await Promise.all([openDatabase({ databaseUrl: postgres!.url }), openDatabase({ databaseUrl: postgres!.url })]);
    const rows = await a.query<{ name: string }>('SELECT name FROM schema_migrations');
    assert.deepEqual(rows.map((r) => r.name), ['001_images_devices_upgrades.sql', '002_device_current_upgrade.sql', '003_url_imports.sql', '004_golden_kgv.sql', '005_sites_inventory.sql', '006_flash_cleanup_audit.sql', '007_custom_checks.sql', '008_distribution_servers.sql', '009_image_vendor.sql', '010_maintenance_windows.sql', '011_itsm_changes.sql', '012_campaigns.sql', '013_device_host_keys.sql', '014_operator_audit.sql', '015_kickstart_images.sql']);
    assert.equal(a.kind, 'postgres');
    await Promise.all([a.close(), b.close()]);
  });

  it('stores devices with sealed secrets, rotates them, and de-duplicates images', async () => {
    const db = await openDatabase({ databaseUrl: postgres!.url });
    const box = createSecretBox(randomBytes(32));
    const device = await addDevice(db, box, { hostname: 'pg-sw1', address: '127.0.0.1', port: 22, platform: 'cat9300', site: 'Global', username: 'u', password: 'first-password' });
    await updateDevice(db, box, 'pg-sw1', { password: 'second-password' });
    assert.equal((await getDeviceConnection(db, box, device.id))?.password, 'second-password');

    const image = { fileName: 'a.bin', platform: null, version: null, sizeBytes: 5_000_000_000, md5: 'm', sha256: 'f'.repeat(64), sha512: 's', source: 'test' };
    const first = await saveImage(db, image);
    const again = await saveImage(db, { ...image, fileName: 'b.bin' });
    assert.equal(first.created, true);
    assert.equal(again.created, false);
    assert.equal(again.image.sizeBytes, 5_000_000_000, 'bigint sizes come back as numbers');
    await db.close();
  });

  describe('an upgrade with the API and the worker as separate instances', () => {
    let temporal: DevServer;
    let apiSide: TestNetswim;
    let workerSide: TestNetswim;
    let lab: Lab;
    let labDir: string;

    before(async () => {
      temporal = await startTestTemporal();
      const token = randomBytes(18).toString('base64url');
      const env = {
        DATABASE_URL: postgres!.url,
        NETSWIM_SECRET_KEY: randomBytes(32).toString('hex'),
        NETSWIM_API_TOKENS: `admin:${token}`,
        NETSWIM_TASK_QUEUE: 'pg-split',
        // The worker tells devices where the API's image service is.
        NETSWIM_IMAGE_SERVICE_PORT: String(await freePort()),
      };
      apiSide = await startTestNetswim(temporal.address, { runWorker: false, env, adminToken: token });
      workerSide = await startTestNetswim(temporal.address, { runApi: false, env });
      labDir = await mkdtemp(join(tmpdir(), 'netswim-pg-lab-'));
      lab = await startLab({
        stateDir: labDir,
        devices: [{ hostname: 'pg-edge', address: '127.0.0.1', port: 0, platform: 'cat9300', username: 'netswim', password: 'lab-password', reloadDurationMs: 1000 }],
      });
    });
    after(async () => {
      await lab?.stop();
      await workerSide?.stopAll();
      await apiSide?.stopAll();
      await temporal?.stop();
      if (labDir) await rm(labDir, { recursive: true, force: true });
    });

    it('upgrades the device', async () => {
      assert.equal(apiSide.worker, undefined);
      assert.equal(workerSide.apiUrl, undefined);
      const d = lab.device('pg-edge');
      await postJson(apiSide, '/devices', { hostname: 'pg-edge', address: d.address, port: d.port, platform: 'cat9300', username: 'netswim', password: 'lab-password' });
      const imageId = await uploadImage(apiSide, 'cat9k_iosxe.17.09.04a.SPA.bin', randomBytes(300_000));
      const { view } = await runUpgrade(apiSide, 'pg-edge', imageId);
      assert.equal(view.execution, 'COMPLETED', view.error);
      assert.equal(view.result?.outcome, 'upgraded');
      assert.equal(d.state().version, '17.09.04a');
    });

    it('records the changes in the audit log on PostgreSQL, newest first, paged', async () => {
      const page = (await (await apiSide.api('/audit?limit=2')).json()) as AuditList;
      assert.deepEqual(page.entries.map((e) => `${e.method} ${e.path} ${e.status}`), ['POST /upgrades 201', 'POST /images 201']);
      assert.match(page.entries[0]?.resultId ?? '', /^upgrade\/pg-edge\//);
      assert.ok(page.nextCursor);
      const rest = (await (await apiSide.api(`/audit?cursor=${page.nextCursor}&method=POST&path=/devices`)).json()) as AuditList;
      assert.deepEqual(rest.entries.map((e) => [e.path, e.body && (e.body as { password?: string }).password]), [['/devices', '***']]);
    });
  });
});
