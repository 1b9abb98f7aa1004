// Campaign records: the campaign (who asked, for which devices) and its devices in campaign order
// with how each ended. The workflow reads the devices a page at a time (activities/campaign.ts).
import type { CampaignSelector, DeviceOutcome } from '../domain/campaign.ts';
import type { ImageRef } from '../domain/upgrade.ts';
import type { Queryable } from './database.ts';

export interface CampaignRecord {
  id: string;
  name: string;
  selector: CampaignSelector;
  createdBy: string;
  createdAt: string;
  workflowId: string;
}

interface CampaignRow {
  id: string;
  name: string;
  selector: CampaignSelector | string;
  created_by: string;
  created_at: Date | string;
  workflow_id: string;
}

const json = <T>(value: T | string): T => (typeof value === 'string' ? (JSON.parse(value) as T) : value);

function toRecord(row: CampaignRow): CampaignRecord {
  return { id: row.id, name: row.name, selector: json(row.selector), createdBy: row.created_by, createdAt: new Date(row.created_at).toISOString(), workflowId: row.workflow_id };
}

export async function createCampaign(db: Queryable, c: Omit<CampaignRecord, 'createdAt'>): Promise<void> {
  await db.query('INSERT INTO campaigns (id, name, selector, created_by, workflow_id) VALUES ($1, $2, $3, $4, $5)', [c.id, c.name, JSON.stringify(c.selector), c.createdBy, c.workflowId]);
}

export async function getCampaign(db: Queryable, id: string): Promise<CampaignRecord | undefined> {
  const rows = await db.query<CampaignRow>('SELECT * FROM campaigns WHERE id = $1', [id]);
  return rows[0] && toRecord(rows[0]);
}

export async function listCampaigns(db: Queryable, limit = 100): Promise<CampaignRecord[]> {
  return (await db.query<CampaignRow>('SELECT * FROM campaigns ORDER BY created_at DESC, id DESC LIMIT $1', [limit])).map(toRecord);
}

/** One device of a campaign, in campaign order. */
export interface CampaignTarget {
  seq: number;
  deviceId: string;
  hostname: string;
  site: string;
  image: ImageRef;
  addOns: ImageRef[];
  /** NX-OS kickstart + system: the kickstart installed with `image`. */
  kickstart?: ImageRef;
}

interface TargetRow {
  seq: number;
  device_id: string;
  hostname: string;
  site: string;
  image: ImageRef | string;
  add_ons: ImageRef[] | string;
  kickstart: ImageRef | string | null;
}

/** Replaces the campaign's device list (a retried resolution writes the same list again). */
export async function replaceCampaignTargets(db: Queryable, campaignId: string, targets: Omit<CampaignTarget, 'seq'>[]): Promise<void> {
  await db.query('DELETE FROM campaign_devices WHERE campaign_id = $1', [campaignId]);
  const PAGE = 500;
  for (let i = 0; i < targets.length; i += PAGE) {
    const page = targets.slice(i, i + PAGE);
    const params: unknown[] = [];
    const values = page.map((t, j) => {
      params.push(campaignId, i + j, t.deviceId, t.hostname, t.site, JSON.stringify(t.image), JSON.stringify(t.addOns), t.kickstart ? JSON.stringify(t.kickstart) : null);
      const b = params.length - 8;
      return `($${b + 1}, $${b + 2}, $${b + 3}, $${b + 4}, $${b + 5}, $${b + 6}, $${b + 7}, $${b + 8})`;
    });
    await db.query(`INSERT INTO campaign_devices (campaign_id, seq, device_id, hostname, site, image, add_ons, kickstart) VALUES ${values.join(', ')}`, params);
  }
}

export async function loadCampaignTargets(db: Queryable, campaignId: string, fromSeq: number, limit: number): Promise<CampaignTarget[]> {
  const rows = await db.query<TargetRow>(
    'SELECT seq, device_id, hostname, site, image, add_ons, kickstart FROM campaign_devices WHERE campaign_id = $1 AND seq >= $2 ORDER BY seq LIMIT $3',
    [campaignId, fromSeq, limit],
  );
  return rows.map((r) => ({
    seq: r.seq,
    deviceId: r.device_id,
    hostname: r.hostname,
    site: r.site,
    image: json(r.image),
    addOns: json(r.add_ons),
    ...(r.kickstart !== null ? { kickstart: json(r.kickstart) } : {}),
  }));
}

export interface CampaignDeviceOutcome {
  seq: number;
  outcome: DeviceOutcome;
  reason?: string;
  workflowId?: string;
}

export async function recordCampaignOutcomes(db: Queryable, campaignId: string, outcomes: CampaignDeviceOutcome[]): Promise<void> {
  for (const o of outcomes) {
    await db.query('UPDATE campaign_devices SET outcome = $3, reason = $4, workflow_id = coalesce($5, workflow_id) WHERE campaign_id = $1 AND seq = $2', [
      campaignId,
      o.seq,
      o.outcome,
      o.reason?.slice(0, 2000) ?? null,
      o.workflowId ?? null,
    ]);
  }
}

export interface CampaignDeviceRow {
  seq: number;
  hostname: string;
  site: string;
  version: string;
  workflowId: string | null;
  outcome: DeviceOutcome | null;
  reason: string | null;
}

export async function listCampaignDevices(db: Queryable, campaignId: string, limit = 1000): Promise<CampaignDeviceRow[]> {
  const rows = await db.query<{ seq: number; hostname: string; site: string; image: ImageRef | string; workflow_id: string | null; outcome: DeviceOutcome | null; reason: string | null }>(
    'SELECT seq, hostname, site, image, workflow_id, outcome, reason FROM campaign_devices WHERE campaign_id = $1 ORDER BY seq LIMIT $2',
    [campaignId, limit],
  );
  return rows.map((r) => ({ seq: r.seq, hostname: r.hostname, site: r.site, version: json(r.image).version, workflowId: r.workflow_id, outcome: r.outcome, reason: r.reason }));
}
