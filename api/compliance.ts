// The compliance report and "using image" counts, from the records and the golden rules.
import { isVirtualFamily } from '../domain/device-family.ts';
import { classifyDevices, runsImage, type Compliance, type ComplianceDevice, type ComplianceStatus } from '../domain/compliance.ts';
import { isDeviceRole, siteWithin, type GoldenImage } from '../domain/golden.ts';
import type { Queryable } from '../store/database.ts';
import { listDevices, type DeviceRecord } from '../store/devices.ts';
import { listGoldenTags } from '../store/golden.ts';
import { listImages, type ImageRecord } from '../store/images.ts';

export const asGoldenImage = (i: ImageRecord): GoldenImage => ({
  imageId: i.id,
  imageType: i.imageType,
  fileName: i.fileName,
  version: i.version ?? '',
  families: i.families,
  ...(i.baseImageId ? { baseImageId: i.baseImageId } : {}),
});

function asComplianceDevice(d: DeviceRecord): ComplianceDevice & { family: string } {
  return {
    family: d.family ?? '',
    ...(d.role && isDeviceRole(d.role) ? { role: d.role } : {}),
    site: d.site,
    physical: d.family ? !isVirtualFamily(d.family) : true,
    ...(d.runningVersion ? { runningVersion: d.runningVersion } : {}),
    ...(d.runningImage ? { runningImage: d.runningImage } : {}),
  };
}

export interface ComplianceRow {
  hostname: string;
  family: string | null;
  role: string | null;
  site: string;
  runningVersion: string | null;
  runningImage: string | null;
  inventoriedAt: string | null;
  inventoryError: string | null;
  status: ComplianceStatus;
  reason: string;
  /** Outdated devices: the golden image to run and whether that is an upgrade. */
  target?: { imageId: string; fileName: string; version: string; addOns: { imageId: string; fileName: string }[] };
  direction?: 'upgrade' | 'downgrade' | 'same-version';
}

export interface ComplianceFilter {
  status?: ComplianceStatus;
  family?: string;
  site?: string;
}

function toRow(device: DeviceRecord, compliance: Compliance): ComplianceRow {
  const row: ComplianceRow = {
    hostname: device.hostname,
    family: device.family,
    role: device.role,
    site: device.site,
    runningVersion: device.runningVersion,
    runningImage: device.runningImage,
    inventoriedAt: device.inventoriedAt,
    inventoryError: device.inventoryError,
    status: compliance.status,
    reason: compliance.reason,
  };
  if (compliance.status === 'outdated') {
    const { target, golden } = compliance;
    row.target = {
      imageId: target.imageId,
      fileName: target.fileName,
      version: target.version,
      addOns: golden.addOns.map((a) => ({ imageId: a.imageId, fileName: a.fileName })),
    };
    row.direction = compliance.direction;
  }
  return row;
}

/** Every device (or those the filter keeps) with its compliance, and counts per status. */
export async function complianceReport(db: Queryable, filter: ComplianceFilter = {}): Promise<{ counts: Record<ComplianceStatus, number>; devices: ComplianceRow[] }> {
  const [devices, tags, images] = await Promise.all([listDevices(db), listGoldenTags(db), listImages(db)]);
  const scoped = devices.filter((d) => (!filter.family || d.family === filter.family) && (!filter.site || siteWithin(d.site, filter.site)));
  const known = scoped.filter((d) => d.family);
  const classified = new Map(classifyDevices(known.map((d) => ({ ...asComplianceDevice(d), record: d })), tags, images.map(asGoldenImage)).map((r) => [r.device.record.id, r.compliance]));
  const rows = scoped.map((d) =>
    toRow(d, classified.get(d.id) ?? { status: 'unknown', reason: 'family not known yet: run an inventory or give the device a family' }),
  );
  const counts: Record<ComplianceStatus, number> = { compliant: 0, outdated: 0, 'no-golden': 0, unknown: 0 };
  for (const row of rows) counts[row.status]++;
  return { counts, devices: filter.status ? rows.filter((r) => r.status === filter.status) : rows };
}

/** How many devices run each image (by id). */
export function usingCounts(images: readonly ImageRecord[], devices: readonly DeviceRecord[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const image of images) {
    const golden = asGoldenImage(image);
    counts.set(image.id, devices.filter((d) => runsImage(asComplianceDevice(d), golden)).length);
  }
  return counts;
}

