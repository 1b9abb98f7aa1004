// Campaign activities: which devices a campaign covers (resolved once, stored in campaign order),
// a page of them at a time for the workflow, the per-device claim that keeps "one upgrade per
// device" true across campaigns and single upgrades, and the record of how each device ended.
import { Context } from '@temporalio/activity';
import type { Client } from '@temporalio/client';
import { GoldenConflictError, siteWithin } from '../domain/golden.ts';
import type { CampaignSelector, DeviceNote } from '../domain/campaign.ts';
import { MAX_LISTED } from '../domain/campaign.ts';
import type { ImageRef } from '../domain/upgrade.ts';
import type { Logger } from '../runtime/logger.ts';
import { complianceReport } from '../api/compliance.ts';
import { goldenAddOnsFor, ImageDoesNotFitError, ImageIntegrityError, imageRef, kickstartFor, upgradeRefusal } from '../api/start-upgrade.ts';
import { findExecution } from '../api/workflow-view.ts';
import {
  loadCampaignTargets,
  recordCampaignOutcomes,
  replaceCampaignTargets,
  type CampaignDeviceOutcome,
  type CampaignTarget,
} from '../store/campaigns.ts';
import type { Database, Queryable } from '../store/database.ts';
import { listDevices, lockDeviceForUpgrade, setCurrentUpgrade, type DeviceRecord } from '../store/devices.ts';
import { getImage, listImages, type ImageRecord } from '../store/images.ts';
import { getSite } from '../store/sites.ts';
import { recordUpgrade } from '../store/upgrades.ts';

/** A selector that cannot become a campaign: the API answers with `status` and the message. */
export class CampaignInputError extends Error {
  constructor(
    readonly status: 400 | 404 | 409 | 422,
    message: string,
  ) {
    super(message);
    this.name = 'CampaignInputError';
  }
}

export interface ResolvedTargets {
  targets: Omit<CampaignTarget, 'seq'>[];
  skipped: DeviceNote[];
}

/** Whether a workflow id still runs: asked of Temporal itself, not its visibility store. */
export async function upgradeRunning(client: Client, workflowId: string): Promise<boolean> {
  return (await findExecution(client, workflowId))?.description.status.name === 'RUNNING';
}

interface ResolveOptions {
  /** Resolve each device's golden add-ons (the activity does; the API's validation need not). */
  addOns: boolean;
  /** Keep devices whose image is older than what they run (else skipped as downgrades). */
  allowDowngrade?: boolean;
  /** Skip devices whose last upgrade still runs (needs Temporal). */
  running?: (workflowId: string) => Promise<boolean>;
  /** For the currently running upgrade: the device's current_upgrade. */
  currentUpgrade?: (device: DeviceRecord) => Promise<string | null>;
}

/**
 * The devices `selector` names, in hostname order, each with the image it gets (the selector's
 * image, or for `outdated` its golden target) and its golden add-ons; and the devices left out,
 * each with the reason (image not for its family, an upgrade already running, …). Input that
 * cannot make a campaign (unknown device, site or image) throws CampaignInputError.
 */
export async function resolveTargets(db: Queryable, selector: CampaignSelector, options: ResolveOptions): Promise<ResolvedTargets> {
  let image: ImageRecord | undefined;
  if (selector.imageId) {
    image = await getImage(db, selector.imageId);
    if (!image) throw new CampaignInputError(404, `no image ${selector.imageId}`);
    if (!image.version) throw new CampaignInputError(422, `image ${image.fileName} has no version: import it again with ?version=`);
    if (image.imageType !== 'base') throw new CampaignInputError(422, `${image.fileName} is a ${image.imageType} image: a campaign installs a base image (its golden add-ons come with it)`);
    if (image.integrity === 'mismatch') throw new CampaignInputError(409, new ImageIntegrityError(image.fileName, image.integrityReason).message);
  } else if (!selector.outdated) {
    throw new CampaignInputError(400, 'imageId is required unless the selector is outdated: true');
  }
  if (selector.site && !(await getSite(db, selector.site))) throw new CampaignInputError(404, `no site ${selector.site}`);

  const all = await listDevices(db);
  const byHostname = new Map(all.map((d) => [d.hostname, d]));
  /** Device → the image it is to run (`golden`: a golden tag of the device's family chose it, which says it fits). */
  const chosen: { device: DeviceRecord; image: ImageRecord; golden?: boolean }[] = [];
  const skipped: DeviceNote[] = [];
  if (selector.outdated) {
    const report = await complianceReport(db, { status: 'outdated', ...(selector.family ? { family: selector.family } : {}), ...(selector.site ? { site: selector.site } : {}) });
    const images = new Map((await listImages(db)).map((i) => [i.id, i]));
    for (const row of report.devices) {
      const device = byHostname.get(row.hostname);
      const target = row.target && images.get(row.target.imageId);
      if (!device || !target) continue;
      if (selector.imageId && target.id !== selector.imageId) continue;
      if (selector.devices && !selector.devices.includes(device.hostname)) continue;
      if (target.integrity === 'mismatch') {
        skipped.push({ hostname: device.hostname, reason: `golden image ${target.fileName} failed its integrity check` });
        continue;
      }
      chosen.push({ device, image: target, golden: true });
    }
  } else {
    let devices: DeviceRecord[];
    if (selector.devices) {
      const unknown = selector.devices.filter((h) => !byHostname.has(h));
      if (unknown.length > 0) throw new CampaignInputError(404, `no device ${unknown.slice(0, 20).join(', ')}${unknown.length > 20 ? ` and ${unknown.length - 20} more` : ''}`);
      devices = [...new Set(selector.devices)].map((h) => byHostname.get(h)!);
    } else if (selector.site) {
      devices = all.filter((d) => siteWithin(d.site, selector.site) && (!selector.family || d.family === selector.family));
    } else if (selector.family) {
      devices = all.filter((d) => d.family === selector.family);
    } else {
      throw new CampaignInputError(400, 'name the devices: devices, site, family or outdated');
    }
    for (const device of devices) chosen.push({ device, image: image! });
  }
  chosen.sort((a, b) => a.device.hostname.localeCompare(b.device.hostname));

  const targets: ResolvedTargets['targets'] = [];
  for (const { device, image: target, golden } of chosen) {
    // The same rules as a single upgrade (POST /upgrades): the image must fit, a downgrade must be asked for.
    const refusal = upgradeRefusal(golden ? { ...device, family: null } : device, { ...target, version: target.version ?? '' }, options.allowDowngrade === true);
    if (refusal) {
      skipped.push({ hostname: device.hostname, reason: refusal });
      continue;
    }
    if (options.running && options.currentUpgrade) {
      const current = await options.currentUpgrade(device);
      if (current && (await options.running(current))) {
        skipped.push({ hostname: device.hostname, reason: `an upgrade is already running (${current})` });
        continue;
      }
    }
    let addOns: ImageRef[] = [];
    if (options.addOns) {
      try {
        addOns = await goldenAddOnsFor(db, device, target);
      } catch (error) {
        if (error instanceof GoldenConflictError || error instanceof ImageIntegrityError) {
          skipped.push({ hostname: device.hostname, reason: `golden add-ons: ${error.message}` });
          continue;
        }
        throw error;
      }
    }
    // NX-OS kickstart + system: the kickstart linked to the image goes with it (the workflow refuses a pair where it does not fit).
    let kickstart: ImageRef | undefined;
    try {
      const record = await kickstartFor(db, { ...target, version: target.version ?? '' });
      kickstart = record && imageRef(record);
    } catch (error) {
      if (error instanceof ImageDoesNotFitError || error instanceof ImageIntegrityError) {
        skipped.push({ hostname: device.hostname, reason: `kickstart image: ${error.message}` });
        continue;
      }
      throw error;
    }
    targets.push({ deviceId: device.id, hostname: device.hostname, site: device.site, image: imageRef({ ...target, version: target.version ?? '' }), addOns, ...(kickstart ? { kickstart } : {}) });
  }
  return { targets, skipped };
}

export interface CampaignActivityDeps {
  db: Queryable;
  logger: Logger;
}

export function createCampaignActivities(deps: CampaignActivityDeps) {
  const transaction = <T>(work: (tx: Queryable) => Promise<T>): Promise<T> => {
    const db = deps.db as Partial<Database> & Queryable;
    return db.transaction ? db.transaction(work) : work(db);
  };

  return {
    /**
     * Resolves the selector and stores the devices in campaign order (a retry writes the same
     * list). Returns how many there are and the devices left out with their reasons.
     */
    async resolveCampaignTargets(request: { campaignId: string; selector: CampaignSelector; allowDowngrade?: boolean }): Promise<{ count: number; skipped: DeviceNote[]; skippedCount: number; targetVersions?: string[] }> {
      const client = Context.current().client;
      const { targets, skipped } = await resolveTargets(deps.db, request.selector, {
        addOns: true,
        ...(request.allowDowngrade ? { allowDowngrade: true } : {}),
        running: (workflowId) => upgradeRunning(client, workflowId),
        currentUpgrade: async (device) => (await deps.db.query<{ current_upgrade: string | null }>('SELECT current_upgrade FROM devices WHERE id = $1', [device.id]))[0]?.current_upgrade ?? null,
      });
      await transaction((tx) => replaceCampaignTargets(tx, request.campaignId, targets));
      deps.logger.info('campaign targets resolved', { campaign: request.campaignId, devices: targets.length, skipped: skipped.length });
      const targetVersions = [...new Set(targets.map((t) => t.image.version))].sort();
      return { count: targets.length, skipped: skipped.slice(0, MAX_LISTED), skippedCount: skipped.length, targetVersions };
    },

    /** A page of the campaign's devices, from `fromSeq` on. */
    async loadCampaignTargets(request: { campaignId: string; fromSeq: number; limit: number }): Promise<CampaignTarget[]> {
      return loadCampaignTargets(deps.db, request.campaignId, request.fromSeq, request.limit);
    },

    /**
     * Makes `workflowId` the device's current upgrade, like POST /upgrades does, so a single
     * upgrade of a device in a campaign is refused while the campaign's runs. Refused (with the
     * reason) when another upgrade of the device still runs. Idempotent.
     */
    async claimCampaignDevice(request: { deviceId: string; hostname: string; workflowId: string; imageId: string; requestedBy: string }): Promise<{ claimed: true } | { claimed: false; reason: string }> {
      const client = Context.current().client;
      return transaction(async (tx) => {
        const lock = await lockDeviceForUpgrade(tx, request.deviceId);
        if (!lock) return { claimed: false, reason: `device ${request.hostname} is no longer in the inventory` };
        if (lock.currentUpgrade === request.workflowId) return { claimed: true };
        if (lock.currentUpgrade && (await upgradeRunning(client, lock.currentUpgrade))) {
          return { claimed: false, reason: `an upgrade is already running (${lock.currentUpgrade})` };
        }
        await setCurrentUpgrade(tx, request.deviceId, request.workflowId);
        await recordUpgrade(tx, { workflowId: request.workflowId, deviceId: request.deviceId, imageId: request.imageId, requestedBy: request.requestedBy });
        return { claimed: true };
      });
    },

    /** How a batch of devices ended, written to their campaign rows. */
    async recordCampaignOutcomes(request: { campaignId: string; outcomes: CampaignDeviceOutcome[] }): Promise<void> {
      await transaction((tx) => recordCampaignOutcomes(tx, request.campaignId, request.outcomes));
    },
  };
}

export type CampaignActivities = ReturnType<typeof createCampaignActivities>;
