// The audit log of auto flash cleanup: one row per deleted file.
import type { Queryable } from './database.ts';

export interface CleanupAuditEntry {
  workflowId: string;
  hostname: string;
  fileName: string;
  sizeBytes: number;
  reason: string;
  deletedAt: string;
}

export async function recordCleanupDeletion(
  db: Queryable,
  entry: { workflowId: string; deviceId: string; hostname: string; fileName: string; sizeBytes: number; reason: string },
): Promise<void> {
  await db.query(
    'INSERT INTO flash_cleanup_audit (workflow_id, device_id, hostname, file_name, size_bytes, reason) VALUES ($1, $2, $3, $4, $5, $6)',
    [entry.workflowId, entry.deviceId, entry.hostname, entry.fileName, entry.sizeBytes, entry.reason],
  );
}

export async function listCleanupAudit(db: Queryable, filter: { hostname?: string; workflowId?: string } = {}): Promise<CleanupAuditEntry[]> {
  const rows = await db.query<{ workflow_id: string; hostname: string; file_name: string; size_bytes: string | number; reason: string; deleted_at: Date | string }>(
    `SELECT workflow_id, hostname, file_name, size_bytes, reason, deleted_at FROM flash_cleanup_audit
      WHERE ($1::text IS NULL OR hostname = $1) AND ($2::text IS NULL OR workflow_id = $2)
      ORDER BY id DESC LIMIT 1000`,
    [filter.hostname ?? null, filter.workflowId ?? null],
  );
  return rows.map((r) => ({ workflowId: r.workflow_id, hostname: r.hostname, fileName: r.file_name, sizeBytes: Number(r.size_bytes), reason: r.reason, deletedAt: new Date(r.deleted_at).toISOString() }));
}
