// The shapes the CLI reads from the HTTP API. Type-only imports from the server code, so the CLI
// loads none of it at run time (no database, no Temporal client) and tsc catches any drift.
export type { ImageRecord } from '../store/images.ts';
export type { SiteRecord } from '../store/sites.ts';
export type { DeviceRecord } from '../store/devices.ts';
export type { DeviceView } from '../api/host-key-routes.ts';
export type { ComplianceRow } from '../api/compliance.ts';
export type { ImportView } from '../api/import-status.ts';
export type { UpgradeView } from '../api/upgrade-status.ts';
export type { InventoryProgress } from '../workflows/definitions.ts';
export type { CampaignView } from '../api/campaign-routes.ts';
export type { CampaignProgress, DeviceNote } from '../domain/campaign.ts';
export type { AuditList } from '../api/audit-routes.ts';
import type { ImageRecord } from '../store/images.ts';
import type { CampaignRecord } from '../store/campaigns.ts';
import type { DeviceNote } from '../domain/campaign.ts';
import type { ComplianceRow } from '../api/compliance.ts';
import type { InventoryProgress } from '../workflows/definitions.ts';

export type ListedImage = ImageRecord & { devicesUsing: number };

export interface GoldenScope {
  role: string | null;
  site: string | null;
}

export interface FamilyGroup {
  family: string;
  images: (ListedImage & { golden: GoldenScope[]; addOns: { id: string; fileName: string; imageType: string }[] })[];
}

export type UploadedImage = ImageRecord & { created: boolean };

export interface GoldenTagAnswer {
  imageId: string;
  family: string;
  role: string | null;
  site: string | null;
  created?: boolean;
  removed?: boolean;
}

export interface KgvAnswer {
  entries: number;
  verified: number;
  notVerifiable: number;
  mismatch: number;
}

export interface ComplianceAnswer {
  counts: Record<ComplianceRow['status'], number>;
  devices: ComplianceRow[];
}

export interface InventoryRunView {
  workflowId: string;
  execution: string;
  progress?: InventoryProgress;
  error?: string;
  startedAt?: string;
  closedAt?: string;
}

export interface InventorySchedule {
  scheduleId: string;
  every: unknown[];
  paused: boolean;
  nextRuns: string[];
  recentRuns: { workflowId: string; scheduledAt: string }[];
}

/** GET /campaigns: each campaign with its execution status in Temporal. */
export type ListedCampaign = CampaignRecord & { campaignId: string; execution: string };

/** POST /campaigns (202). */
export interface StartedCampaign {
  campaignId: string;
  workflowId: string;
  devices: number;
  skipped: DeviceNote[];
}
