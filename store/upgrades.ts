// Upgrade requests: which workflow upgrades which device to which image, and who asked.
import type { Queryable } from './database.ts';

export interface UpgradeRecord {
  workflowId: string;
  deviceId: string;
  imageId: string;
  requestedBy: string;
  requestedAt: string;
}

interface UpgradeRow {
  workflow_id: string;
  device_id: string;
  image_id: string;
  requested_by: string;
  requested_at: Date | string;
}

export async function recordUpgrade(db: Queryable, upgrade: Omit<UpgradeRecord, 'requestedAt'>): Promise<void> {
  await db.query('INSERT INTO upgrades (workflow_id, device_id, image_id, requested_by) VALUES ($1, $2, $3, $4)', [
    upgrade.workflowId,
    upgrade.deviceId,
    upgrade.imageId,
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
      requestedBy: row.requested_by,
      requestedAt: new Date(row.requested_at).toISOString(),
    }
  );
}

export async function countUpgrades(db: Queryable): Promise<number> {
  const rows = await db.query<{ n: string | number }>('SELECT count(*) AS n FROM upgrades');
  return Number(rows[0]?.n ?? 0);
}
