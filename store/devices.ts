// Device records. Secrets are sealed before they reach the database and are only opened by
// activities that connect to the device; API responses and workflow inputs never carry them.
import { randomUUID } from 'node:crypto';
import type { Database, Queryable } from './database.ts';
import type { SecretBox } from './secret-box.ts';
import { ensureSitePath } from './sites.ts';

export interface DeviceRecord {
  id: string;
  hostname: string;
  address: string;
  port: number;
  platform: string;
  site: string;
  role: string | null;
  username: string;
  createdAt: string;
  /** Family golden tags use (e.g. cat9300): from the inventory file, then from the chassis model. */
  family: string | null;
  series: string | null;
  /** What inventory last read from the device (null until it has). */
  model: string | null;
  serial: string | null;
  runningVersion: string | null;
  runningImage: string | null;
  installMode: 'INSTALL' | 'BUNDLE' | null;
  configRegister: string | null;
  inventoriedAt: string | null;
  /** Why the last inventory of this device failed; null after a good one. */
  inventoryError: string | null;
}

/** What one inventory read of a device found. */
export interface DeviceInventoryRecord {
  family?: string;
  series?: string;
  model?: string;
  serial?: string;
  runningVersion: string;
  /** Null where `show version` names no boot image. */
  runningImage: string | null;
  installMode?: 'INSTALL' | 'BUNDLE';
  configRegister?: string;
}

export interface DeviceSecrets {
  password: string;
  enableSecret?: string;
}

export interface DeviceConnection extends DeviceRecord, DeviceSecrets {}

export interface NewDevice extends DeviceSecrets {
  hostname: string;
  address: string;
  port: number;
  platform: string;
  site: string;
  role?: string;
  family?: string;
  username: string;
}

type DeviceRow = Pick<DeviceRecord, 'id' | 'hostname' | 'address' | 'port' | 'platform' | 'site' | 'role' | 'username' | 'family' | 'series' | 'model' | 'serial'> & {
  sealed_secrets: string;
  created_at: Date | string;
  current_upgrade: string | null;
  running_version: string | null;
  running_image: string | null;
  install_mode: 'INSTALL' | 'BUNDLE' | null;
  config_register: string | null;
  inventoried_at: Date | string | null;
  inventory_error: string | null;
};

function toRecord(row: DeviceRow): DeviceRecord {
  return {
    id: row.id,
    hostname: row.hostname,
    address: row.address,
    port: row.port,
    platform: row.platform,
    site: row.site,
    role: row.role,
    username: row.username,
    createdAt: new Date(row.created_at).toISOString(),
    family: row.family,
    series: row.series,
    model: row.model,
    serial: row.serial,
    runningVersion: row.running_version,
    runningImage: row.running_image,
    installMode: row.install_mode,
    configRegister: row.config_register,
    inventoriedAt: row.inventoried_at === null ? null : new Date(row.inventoried_at).toISOString(),
    inventoryError: row.inventory_error,
  };
}

export class DuplicateDeviceError extends Error {
  constructor(hostname: string) {
    super(`a device named ${hostname} already exists`);
    this.name = 'DuplicateDeviceError';
  }
}

export async function addDevice(db: Queryable, box: SecretBox, device: NewDevice): Promise<DeviceRecord> {
  const secrets: DeviceSecrets = { password: device.password };
  if (device.enableSecret) secrets.enableSecret = device.enableSecret;
  await ensureSitePath(db, device.site);
  const rows = await db.query<DeviceRow>(
    `INSERT INTO devices (id, hostname, address, port, platform, site, role, username, sealed_secrets, family)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
     ON CONFLICT (hostname) DO NOTHING
     RETURNING *`,
    [randomUUID(), device.hostname, device.address, device.port, device.platform, device.site, device.role ?? null, device.username, box.seal(JSON.stringify(secrets)), device.family ?? null],
  );
  if (!rows[0]) throw new DuplicateDeviceError(device.hostname);
  return toRecord(rows[0]);
}

/**
 * Imports many devices in one transaction: new hostnames are added, known ones get the imported
 * connection details and credentials. All or nothing.
 */
export async function importDevices(db: Database, box: SecretBox, devices: NewDevice[]): Promise<{ created: number; updated: number }> {
  return db.transaction(async (tx) => {
    let created = 0;
    const knownSites = new Set<string>();
    for (const device of devices) {
      const secrets: DeviceSecrets = { password: device.password };
      if (device.enableSecret) secrets.enableSecret = device.enableSecret;
      if (!knownSites.has(device.site)) {
        await ensureSitePath(tx, device.site);
        knownSites.add(device.site);
      }
      // A family read from the device by inventory is kept over the file's.
      const rows = await tx.query<{ inserted: boolean }>(
        `INSERT INTO devices (id, hostname, address, port, platform, site, role, username, sealed_secrets, family)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
         ON CONFLICT (hostname) DO UPDATE SET address = EXCLUDED.address, port = EXCLUDED.port, platform = EXCLUDED.platform,
           site = EXCLUDED.site, role = EXCLUDED.role, username = EXCLUDED.username, sealed_secrets = EXCLUDED.sealed_secrets,
           family = coalesce(devices.family, EXCLUDED.family)
         RETURNING (xmax = 0) AS inserted`,
        [randomUUID(), device.hostname, device.address, device.port, device.platform, device.site, device.role ?? null, device.username, box.seal(JSON.stringify(secrets)), device.family ?? null],
      );
      // xmax is 0 for a row this statement inserted, non-zero for one it updated.
      if (rows[0]?.inserted) created += 1;
    }
    return { created, updated: devices.length - created };
  });
}

export async function getDevice(db: Queryable, id: string): Promise<DeviceRecord | undefined> {
  const rows = await db.query<DeviceRow>('SELECT * FROM devices WHERE id = $1', [id]);
  return rows[0] && toRecord(rows[0]);
}

export async function findDeviceByHostname(db: Queryable, hostname: string): Promise<DeviceRecord | undefined> {
  const rows = await db.query<DeviceRow>('SELECT * FROM devices WHERE hostname = $1', [hostname]);
  return rows[0] && toRecord(rows[0]);
}

export async function listDevices(db: Queryable): Promise<DeviceRecord[]> {
  return (await db.query<DeviceRow>('SELECT * FROM devices ORDER BY hostname')).map(toRecord);
}

/** The device with its opened secrets, for the activity that logs in to it. */
export async function getDeviceConnection(db: Queryable, box: SecretBox, id: string): Promise<DeviceConnection | undefined> {
  const rows = await db.query<DeviceRow>('SELECT * FROM devices WHERE id = $1', [id]);
  const row = rows[0];
  if (!row) return undefined;
  const secrets = JSON.parse(box.open(row.sealed_secrets)) as DeviceSecrets;
  return { ...toRecord(row), ...secrets };
}

export type DeviceChanges = Partial<Omit<NewDevice, 'hostname'>>;

/**
 * Changes a device's connection details or credentials (rotation). Secrets not named in
 * `changes` keep their current value; the record is rewritten in one transaction.
 */
export async function updateDevice(db: Database, box: SecretBox, hostname: string, changes: DeviceChanges): Promise<DeviceRecord | undefined> {
  return db.transaction(async (tx) => {
    const rows = await tx.query<DeviceRow>('SELECT * FROM devices WHERE hostname = $1 FOR UPDATE', [hostname]);
    const row = rows[0];
    if (!row) return undefined;
    const secrets = JSON.parse(box.open(row.sealed_secrets)) as DeviceSecrets;
    if (changes.site !== undefined) await ensureSitePath(tx, changes.site);
    if (changes.password !== undefined) secrets.password = changes.password;
    if (changes.enableSecret !== undefined) secrets.enableSecret = changes.enableSecret;
    const updated = await tx.query<DeviceRow>(
      `UPDATE devices SET address = $2, port = $3, platform = $4, site = $5, role = $6, username = $7, sealed_secrets = $8, family = $9
       WHERE hostname = $1 RETURNING *`,
      [
        hostname,
        changes.address ?? row.address,
        changes.port ?? row.port,
        changes.platform ?? row.platform,
        changes.site ?? row.site,
        changes.role ?? row.role,
        changes.username ?? row.username,
        box.seal(JSON.stringify(secrets)),
        changes.family ?? row.family,
      ],
    );
    return toRecord(updated[0]!);
  });
}

/**
 * Locks the device row until the transaction ends and returns the workflow id of its last
 * upgrade, so that concurrent requests (even on several API instances) decide one at a time.
 */
export async function lockDeviceForUpgrade(tx: Queryable, deviceId: string): Promise<{ currentUpgrade: string | null } | undefined> {
  const rows = await tx.query<Pick<DeviceRow, 'current_upgrade'>>('SELECT current_upgrade FROM devices WHERE id = $1 FOR UPDATE', [deviceId]);
  return rows[0] && { currentUpgrade: rows[0].current_upgrade };
}

export async function setCurrentUpgrade(tx: Queryable, deviceId: string, workflowId: string): Promise<void> {
  await tx.query('UPDATE devices SET current_upgrade = $2 WHERE id = $1', [deviceId, workflowId]);
}

/** Stores what inventory read; family and series only when the model told them. */
export async function recordInventory(db: Queryable, deviceId: string, found: DeviceInventoryRecord): Promise<DeviceRecord | undefined> {
  if (found.family) {
    await db.query(
      `INSERT INTO device_families (name, series) VALUES ($1, $2) ON CONFLICT (name) DO UPDATE SET series = coalesce(EXCLUDED.series, device_families.series)`,
      [found.family, found.series ?? null],
    );
  }
  const rows = await db.query<DeviceRow>(
    `UPDATE devices SET family = coalesce($2, family), series = coalesce($3, series), model = coalesce($4, model),
       serial = coalesce($5, serial), running_version = $6, running_image = $7, install_mode = $8, config_register = $9,
       inventoried_at = now(), inventory_error = NULL
     WHERE id = $1 RETURNING *`,
    [deviceId, found.family ?? null, found.series ?? null, found.model ?? null, found.serial ?? null, found.runningVersion, found.runningImage, found.installMode ?? null, found.configRegister ?? null],
  );
  return rows[0] && toRecord(rows[0]);
}

/** Keeps what was last read and says why this read failed. */
export async function recordInventoryFailure(db: Queryable, deviceId: string, reason: string): Promise<void> {
  await db.query('UPDATE devices SET inventory_error = $2, inventoried_at = now() WHERE id = $1', [deviceId, reason.slice(0, 2000)]);
}

/** Ids and hostnames of the devices to inventory: all, or those named. */
export async function listInventoryTargets(db: Queryable, hostnames?: readonly string[]): Promise<{ id: string; hostname: string }[]> {
  if (hostnames) {
    return db.query<{ id: string; hostname: string }>('SELECT id, hostname FROM devices WHERE hostname = ANY($1) ORDER BY hostname', [hostnames]);
  }
  return db.query<{ id: string; hostname: string }>('SELECT id, hostname FROM devices ORDER BY hostname');
}
