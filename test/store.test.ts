// The records and the image bytes: PGlite with migrations, sealed credentials, streamed ingest.
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { after, before, describe, it } from 'node:test';
import { EmptyImageError, ImageStore, ImageTooLargeError } from '../images/image-store.ts';
import { importImage, InvalidImageNameError } from '../images/import-image.ts';
import { openDatabase, type Database } from '../store/database.ts';
import { addDevice, DuplicateDeviceError, getDeviceConnection, listDevices } from '../store/devices.ts';
import { listImages } from '../store/images.ts';
import { applyMigrations } from '../store/migrations.ts';
import { createSecretBox, loadSecretKey } from '../store/secret-box.ts';

let dir: string;
let db: Database;

before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'netswim-store-'));
  db = await openDatabase({ pgliteDataDir: join(dir, 'pglite') });
});
after(async () => {
  await db.close();
  await rm(dir, { recursive: true, force: true });
});

describe('database', () => {
  it('applies migrations once and records them', async () => {
    assert.deepEqual(await applyMigrations(db), [], 'a second run applies nothing');
    const rows = await db.query<{ name: string }>('SELECT name FROM schema_migrations');
    assert.deepEqual(rows.map((r) => r.name), ['001_images_devices_upgrades.sql', '002_device_current_upgrade.sql', '003_url_imports.sql', '004_golden_kgv.sql', '005_sites_inventory.sql', '006_flash_cleanup_audit.sql', '007_custom_checks.sql', '008_distribution_servers.sql', '009_image_vendor.sql', '010_maintenance_windows.sql', '011_itsm_changes.sql', '012_campaigns.sql', '013_device_host_keys.sql', '014_operator_audit.sql', '015_kickstart_images.sql']);
  });

  it('keeps data across a reopen of the same PGlite folder', async () => {
    const path = join(dir, 'reopen');
    const first = await openDatabase({ pgliteDataDir: path });
    await first.query("INSERT INTO images (id, file_name, size_bytes, md5, sha256, sha512, source) VALUES (gen_random_uuid(), 'x.bin', 1, 'm', 's', 's5', 'test')");
    await first.close();
    const second = await openDatabase({ pgliteDataDir: path });
    assert.equal((await listImages(second)).length, 1);
    await second.close();
  });

  it('runs PGlite with 32 MB of shared buffers, not the 128 MB that would sit in the worker\'s memory', async () => {
    const [row] = await db.query<{ shared_buffers: string }>('SHOW shared_buffers');
    assert.equal(row?.shared_buffers, '32MB');
  });
});

describe('device credentials', () => {
  it('are sealed at rest and opened only for the connection', async () => {
    const box = createSecretBox(await loadSecretKey(undefined, join(dir, 'secret.key')));
    const password = `pw-${randomBytes(8).toString('hex')}`;
    const device = await addDevice(db, box, { hostname: 'sw1', address: '127.0.0.1', port: 22, platform: 'cat9300', site: 'Global', username: 'netswim', password, enableSecret: 'en-secret' });
    assert.ok(!('password' in device), 'a device record never carries the password');

    const raw = await db.query<{ sealed_secrets: string }>('SELECT sealed_secrets FROM devices WHERE id = $1', [device.id]);
    assert.ok(!raw[0]!.sealed_secrets.includes(password), 'the password is not stored in clear');

    const connection = await getDeviceConnection(db, box, device.id);
    assert.equal(connection?.password, password);
    assert.equal(connection?.enableSecret, 'en-secret');

    const otherKey = createSecretBox(randomBytes(32));
    await assert.rejects(getDeviceConnection(db, otherKey, device.id), 'another key cannot open it');
    await assert.rejects(addDevice(db, box, { hostname: 'sw1', address: '127.0.0.2', port: 22, platform: 'cat9300', site: 'Global', username: 'u', password: 'p' }), DuplicateDeviceError);
    assert.equal((await listDevices(db)).length, 1);
  });

  it('reuses the key file and refuses a malformed key', async () => {
    const keyFile = join(dir, 'k2');
    const first = await loadSecretKey(undefined, keyFile);
    assert.deepEqual(await loadSecretKey(undefined, keyFile), first);
    await assert.rejects(loadSecretKey('too-short', keyFile), /32 bytes/);
  });
});

describe('image import', () => {
  const store = () => new ImageStore(join(dir, 'images'));

  it('streams bytes in, hashes them, and stores the same content once', async () => {
    const bytes = randomBytes(3 * 1024 * 1024 + 17);
    const chunks = () => Readable.from([bytes.subarray(0, 1000), bytes.subarray(1000)]);
    const first = await importImage(db, store(), chunks(), { fileName: 'cat9k_iosxe.17.09.04a.SPA.bin', source: 'upload' }, 1 << 30);
    assert.equal(first.created, true);
    assert.equal(first.image.sizeBytes, bytes.length);
    assert.equal(first.image.md5, createHash('md5').update(bytes).digest('hex'));
    assert.equal(first.image.sha256, createHash('sha256').update(bytes).digest('hex'));
    assert.equal(first.image.version, '17.09.04a');
    assert.equal(first.image.platform, 'cat9k');
    assert.deepEqual(await readFile(store().pathOf(first.image.sha256)), bytes);

    const again = await importImage(db, store(), chunks(), { fileName: 'copy.bin', source: 'upload' }, 1 << 30);
    assert.equal(again.created, false);
    assert.equal(again.image.id, first.image.id);
  });

  it('refuses an oversized, empty or badly named image and leaves nothing behind', async () => {
    const before = (await listImages(db)).length;
    await assert.rejects(importImage(db, store(), Readable.from([randomBytes(2048)]), { fileName: 'big.bin', source: 'upload' }, 1024), ImageTooLargeError);
    await assert.rejects(importImage(db, store(), Readable.from([]), { fileName: 'empty.bin', source: 'upload' }, 1024), EmptyImageError);
    await assert.rejects(importImage(db, store(), Readable.from([Buffer.from('x')]), { fileName: '../x.bin', source: 'upload' }, 1024), InvalidImageNameError);
    assert.equal((await listImages(db)).length, before);
    assert.deepEqual(await readdir(join(dir, 'images', 'tmp')), [], 'no partial file remains');
  });
});
