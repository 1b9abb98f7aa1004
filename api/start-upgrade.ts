// Starting one device's upgrade: one at a time per device, recorded with who asked.
import { randomUUID } from 'node:crypto';
import type { Client } from '@temporalio/client';
import { isVirtualFamily } from '../domain/device-family.ts';
import { isDeviceRole, kickstartOf, resolveGolden } from '../domain/golden.ts';
import { downgradeRefusal, familyMismatch, kickstartPairMismatch, upgradeDirection } from '../domain/image-fit.ts';
import { DEVICE, SITE, STAGE, TARGET_VERSION } from '../domain/search-attributes.ts';
import type { ImageRef, UpgradeInput } from '../domain/upgrade.ts';
import type { PrecheckName } from '../domain/prechecks/types.ts';
import type { UpgradePlan } from '../domain/plan.ts';
import type { Database, Queryable } from '../store/database.ts';
import { lockDeviceForUpgrade, setCurrentUpgrade, type DeviceRecord } from '../store/devices.ts';
import { listGoldenTags } from '../store/golden.ts';
import { listImages, type ImageRecord } from '../store/images.ts';
import { recordUpgrade } from '../store/upgrades.ts';
import { upgradeWorkflowId } from '../workflows/definitions.ts';
import type { deviceUpgrade } from '../workflows/device-upgrade.ts';
import { asGoldenImage } from './compliance.ts';
import { findExecution } from './workflow-view.ts';

export class UpgradeAlreadyRunningError extends Error {
  constructor(
    readonly hostname: string,
    readonly workflowId: string,
  ) {
    super(`${hostname} already has an upgrade running (${workflowId}); wait for it or cancel it first`);
    this.name = 'UpgradeAlreadyRunningError';
  }
}

/** The image does not fit the device (family, OS), or is an unasked downgrade: nothing starts. */
export class ImageDoesNotFitError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ImageDoesNotFitError';
  }
}

/**
 * Why the upgrade of `device` to `image` must not start, from what the records know: the image
 * is for another family, or it is older than the version inventory last read and the request
 * does not allow a downgrade. The workflow checks again against what the device itself reports.
 */
export function upgradeRefusal(device: DeviceRecord, image: ImageRecord & { version: string }, allowDowngrade: boolean): string | undefined {
  const misfit = familyMismatch(device, image);
  if (misfit) return misfit;
  if (!allowDowngrade && device.runningVersion && upgradeDirection(device.runningVersion, image.version) === 'downgrade') {
    return downgradeRefusal(device.hostname, device.runningVersion, image.version);
  }
  return undefined;
}

/** The image failed its check against Cisco's Known Good Values: it is never distributed. */
export class ImageIntegrityError extends Error {
  constructor(fileName: string, reason: string | null) {
    super(`${fileName} failed its integrity check and can never be distributed: ${reason ?? 'mismatch with the Known Good Values'}`);
    this.name = 'ImageIntegrityError';
  }
}

export interface StartUpgradeRequest {
  device: DeviceRecord;
  image: ImageRecord & { version: string };
  requestedBy: string;
  reloadTimeoutSeconds?: number;
  disabledChecks?: PrecheckName[];
  rollbackOnFailure?: boolean;
  allowDowngrade?: boolean;
  plan?: UpgradePlan;
  approval?: UpgradeInput['approval'];
  /** NX-OS kickstart + system: the kickstart named in the request; else the one linked to `image`. */
  kickstart?: ImageRecord;
}

export interface StartedUpgrade {
  workflowId: string;
  /** The kickstart image installed with the system image, when the upgrade is of a pair. */
  kickstart?: ImageRef;
  /** The golden add-ons the workflow activates after the image (empty when the image is not the device's golden base). */
  addOns: ImageRef[];
}

export const imageRef = (i: ImageRecord & { version: string }): ImageRef => ({
  imageId: i.id,
  fileName: i.fileName,
  version: i.version,
  sizeBytes: i.sizeBytes,
  md5: i.md5,
  sha256: i.sha256,
});

/**
 * The kickstart that goes with `image`: the one the request names, else the one the repository
 * links to it (same platform and release); a pair that does not match is refused, naming both.
 */
export async function kickstartFor(db: Queryable, image: ImageRecord & { version: string }, named?: ImageRecord): Promise<(ImageRecord & { version: string }) | undefined> {
  const kickstart = named ?? (await linkedKickstart(db, image));
  if (!kickstart) return undefined;
  const version = kickstart.version ?? '';
  const mismatch = kickstartPairMismatch(image, { ...kickstart, version });
  if (mismatch) throw new ImageDoesNotFitError(mismatch);
  if (kickstart.integrity === 'mismatch') throw new ImageIntegrityError(kickstart.fileName, kickstart.integrityReason);
  return { ...kickstart, version };
}

async function linkedKickstart(db: Queryable, image: ImageRecord): Promise<ImageRecord | undefined> {
  const images = await listImages(db);
  const linked = kickstartOf({ imageId: image.id, fileName: image.fileName }, images.map(asGoldenImage));
  return linked && images.find((i) => i.id === linked.imageId);
}

/** Wireless controllers (Catalyst 9800) take AP packs (APSP, APDP); other devices only SMUs. */
const isWirelessController = (family: string): boolean => /^c9800/i.test(family);

/**
 * The golden add-ons to activate with `image` on `device`: when the image is the device's golden
 * base (domain/golden.ts: family, role, site, the stored tags), its golden SMUs that apply to the
 * device, plus its AP packs on a wireless controller. Resolved here, once, so the workflow gets
 * them in its input and stays deterministic. A golden add-on that failed its integrity check is
 * never distributed: the request is refused like an image that failed it.
 */
export async function goldenAddOnsFor(db: Queryable, device: DeviceRecord, image: ImageRecord): Promise<ImageRef[]> {
  if (image.imageType !== 'base' || !device.family) return [];
  const [tags, images] = await Promise.all([listGoldenTags(db), listImages(db)]);
  const golden = resolveGolden(
    {
      family: device.family,
      ...(device.role && isDeviceRole(device.role) ? { role: device.role } : {}),
      site: device.site,
      physical: !isVirtualFamily(device.family),
    },
    tags,
    images.map(asGoldenImage),
  );
  if (!golden || golden.base.imageId !== image.id) return [];
  const byId = new Map(images.map((i) => [i.id, i]));
  const wireless = isWirelessController(device.family);
  const addOns: ImageRef[] = [];
  for (const addOn of golden.addOns) {
    const record = byId.get(addOn.imageId);
    if (!record || (addOn.imageType !== 'SMU' && !wireless)) continue;
    if (record.integrity === 'mismatch') throw new ImageIntegrityError(record.fileName, record.integrityReason);
    addOns.push(imageRef({ ...record, version: record.version ?? image.version ?? '' }));
  }
  return addOns;
}

async function isRunning(temporal: Client, workflowId: string): Promise<boolean> {
  return (await findExecution(temporal, workflowId))?.description.status.name === 'RUNNING';
}

/**
 * Starts the device's upgrade workflow. The device row stays locked from the check to the record,
 * and the check asks Temporal directly (not its eventually consistent visibility store), so two
 * requests can never both start an upgrade of one device.
 */
export async function startUpgrade(db: Database, temporal: Client, taskQueue: string, request: StartUpgradeRequest): Promise<StartedUpgrade> {
  const { device, image } = request;
  if (image.integrity === 'mismatch') throw new ImageIntegrityError(image.fileName, image.integrityReason);
  // A golden tag for a family says the image fits that family, as assigned families do.
  const goldenFamilies = image.families.length > 0 ? [] : (await listGoldenTags(db)).filter((t) => t.imageId === image.id).map((t) => t.family);
  const refusal = upgradeRefusal(device, goldenFamilies.length > 0 ? { ...image, families: goldenFamilies } : image, request.allowDowngrade === true);
  if (refusal) throw new ImageDoesNotFitError(refusal);
  const addOns = await goldenAddOnsFor(db, device, image);
  const kickstart = await kickstartFor(db, image, request.kickstart);
  return db.transaction(async (tx) => {
    const lock = await lockDeviceForUpgrade(tx, device.id);
    if (!lock) throw new Error(`device ${device.hostname} vanished`);
    if (lock.currentUpgrade && (await isRunning(temporal, lock.currentUpgrade))) {
      throw new UpgradeAlreadyRunningError(device.hostname, lock.currentUpgrade);
    }
    const input: UpgradeInput = {
      device: { deviceId: device.id, hostname: device.hostname, site: device.site },
      image: imageRef(image),
    };
    if (addOns.length > 0) input.addOns = addOns;
    if (kickstart) input.kickstart = imageRef(kickstart);
    if (request.reloadTimeoutSeconds) input.reloadTimeoutSeconds = request.reloadTimeoutSeconds;
    if (request.disabledChecks?.length) input.disabledChecks = request.disabledChecks;
    if (request.rollbackOnFailure !== undefined) input.rollbackOnFailure = request.rollbackOnFailure;
    if (request.allowDowngrade) input.allowDowngrade = true;
    if (request.plan) input.plan = request.plan;
    if (request.approval) input.approval = request.approval;
    const workflowId = upgradeWorkflowId(device.hostname, randomUUID().slice(0, 8));
    await temporal.workflow.start<typeof deviceUpgrade>('deviceUpgrade', {
      workflowId,
      taskQueue,
      args: [input],
      staticSummary: `Upgrade ${device.hostname} to ${image.version}`,
      staticDetails: `Image ${image.fileName} (${image.sizeBytes} bytes, md5 ${image.md5})${kickstart ? ` with kickstart ${kickstart.fileName} (${kickstart.sizeBytes} bytes, md5 ${kickstart.md5})` : ''}${addOns.length > 0 ? ` with golden add-ons ${addOns.map((a) => a.fileName).join(', ')}` : ''} on ${device.hostname} at site ${device.site}`,
      typedSearchAttributes: [
        { key: DEVICE, value: device.hostname },
        { key: SITE, value: device.site },
        { key: TARGET_VERSION, value: image.version },
        { key: STAGE, value: 'queued' },
      ],
    });
    await setCurrentUpgrade(tx, device.id, workflowId);
    await recordUpgrade(tx, { workflowId, deviceId: device.id, imageId: image.id, ...(kickstart ? { kickstartImageId: kickstart.id } : {}), requestedBy: request.requestedBy });
    return { workflowId, addOns, ...(input.kickstart ? { kickstart: input.kickstart } : {}) };
  });
}
