// Upgrade requests: which workflow upgrades which device to which image, and who asked.
import type { Queryable } from './database.ts';

export interface UpgradeRecord {
  workflowId: string;
  deviceId: string;
  imageId: string;
  /** NX-OS with separate images: the kickstart image installed with the system image `imageId`. */
  kickstartImageId?: string;
  requestedBy: string;
  requestedAt: string;
}

interface UpgradeRow {
  workflow_id: string;
  device_id: string;
  image_id: string;
  kickstart_image_id: string | null;
  requested_by: string;
  requested_at: Date | string;
}

export async function recordUpgrade(db: Queryable, upgrade: Omit<UpgradeRecord, 'requestedAt'>): Promise<void> {
  await db.query('INSERT INTO upgrades (workflow_id, device_id, image_id, kickstart_image_id, requested_by) VALUES ($1, $2, $3, $4, $5)', [
    upgrade.workflowId,
    upgrade.deviceId,
    upgrade.imageId,
    upgrade.kickstartImageId ?? null,
    upgrade.requestedBy,
  ]);
}

export async function getUpgrade(db: Queryable, workflowId: string): Promise<UpgradeRecord | undefined> {
  const rows = await db.query<UpgradeRow>('SELECT * FROM upgrades WHERE workflow_id = $1', [workflowId]);
  const row = rows[0];
  return (
    row && {
      workflowId: row.workflow_id,
      deviceId: row.device_id,
      imageId: row.image_id,
      ...(row.kickstart_image_id ? { kickstartImageId: row.kickstart_image_id } : {}),
      requestedBy: row.requested_by,
      requestedAt: new Date(row.requested_at).toISOString(),
    }
  );
}

export async function countUpgrades(db: Queryable): Promise<number> {
  const rows = await db.query<{ n: string | number }>('SELECT count(*) AS n FROM upgrades');
  return Number(rows[0]?.n ?? 0);
}

/** Where a page of upgrades ends: requested_at to the microsecond (UTC), then the workflow id. */
export interface UpgradeListKey {
  requestedAt: string;
  workflowId: string;
}

export interface UpgradeListFilter {
  /** Device hostname. */
  device?: string;
  /** Site path: this site and every site below it. */
  site?: string;
  imageId?: string;
  /** Only upgrades older than this key (keyset paging, newest first). */
  after?: UpgradeListKey;
  limit: number;
}

/** One recorded upgrade with the device and image it names, as they are now. */
export interface UpgradeListRow {
  workflowId: string;
  device: string;
  site: string;
  imageId: string;
  fileName: string;
  version: string | null;
  requestedBy: string;
  requestedAt: string;
  key: UpgradeListKey;
}

interface UpgradeListDbRow {
  workflow_id: string;
  hostname: string;
  site: string;
  image_id: string;
  file_name: string;
  version: string | null;
  requested_by: string;
  requested_at: Date | string;
  requested_at_key: string;
}

/**
 * Recorded upgrades, newest first (requested_at, then workflow id, both descending), filtered by
 * device, site subtree and image. Keyset paging: stable while new upgrades are being recorded.
 */
export async function listUpgradeRows(db: Queryable, filter: UpgradeListFilter): Promise<UpgradeListRow[]> {
  const where: string[] = [];
  const params: unknown[] = [];
  const param = (value: unknown): string => {
    params.push(value);
    return `$${params.length}`;
  };
  if (filter.device !== undefined) where.push(`d.hostname = ${param(filter.device)}`);
  if (filter.site !== undefined) {
    const site = param(filter.site);
    // The site itself or a path below it; a plain prefix would let Global/Lab/A match Global/Lab/AB.
    where.push(`(d.site = ${site} OR left(d.site, length(${site}) + 1) = ${site} || '/')`);
  }
  if (filter.imageId !== undefined) where.push(`u.image_id = ${param(filter.imageId)}`);
  if (filter.after) where.push(`(u.requested_at, u.workflow_id) < (${param(filter.after.requestedAt)}::timestamptz, ${param(filter.after.workflowId)})`);
  const rows = await db.query<UpgradeListDbRow>(
    `SELECT u.workflow_id, d.hostname, d.site, u.image_id, i.file_name, i.version, u.requested_by, u.requested_at,
            to_char(u.requested_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') AS requested_at_key
       FROM upgrades u
       JOIN devices d ON d.id = u.device_id
       JOIN images i ON i.id = u.image_id
      ${where.length > 0 ? `WHERE ${where.join(' AND ')}` : ''}
      ORDER BY u.requested_at DESC, u.workflow_id DESC
      LIMIT ${param(filter.limit)}`,
    params,
  );
  return rows.map((row) => ({
    workflowId: row.workflow_id,
    device: row.hostname,
    site: row.site,
    imageId: row.image_id,
    fileName: row.file_name,
    version: row.version,
    requestedBy: row.requested_by,
    requestedAt: new Date(row.requested_at).toISOString(),
    key: { requestedAt: row.requested_at_key, workflowId: row.workflow_id },
  }));
}
