// Starting one device's upgrade: one at a time per device, recorded with who asked.
import { randomUUID } from 'node:crypto';
import type { Client } from '@temporalio/client';
import { DEVICE, SITE, STAGE, TARGET_VERSION } from '../domain/search-attributes.ts';
import type { UpgradeInput } from '../domain/upgrade.ts';
import type { PrecheckName } from '../domain/prechecks/types.ts';
import type { Database } from '../store/database.ts';
import { lockDeviceForUpgrade, setCurrentUpgrade, type DeviceRecord } from '../store/devices.ts';
import type { ImageRecord } from '../store/images.ts';
import { recordUpgrade } from '../store/upgrades.ts';
import { upgradeWorkflowId } from '../workflows/definitions.ts';
import type { deviceUpgrade } from '../workflows/device-upgrade.ts';
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
}

async function isRunning(temporal: Client, workflowId: string): Promise<boolean> {
  return (await findExecution(temporal, workflowId))?.description.status.name === 'RUNNING';
}

/**
 * Starts the device's upgrade workflow. The device row stays locked from the check to the record,
 * and the check asks Temporal directly (not its eventually consistent visibility store), so two
 * requests can never both start an upgrade of one device.
 */
export async function startUpgrade(db: Database, temporal: Client, taskQueue: string, request: StartUpgradeRequest): Promise<string> {
  const { device, image } = request;
  if (image.integrity === 'mismatch') throw new ImageIntegrityError(image.fileName, image.integrityReason);
  return db.transaction(async (tx) => {
    const lock = await lockDeviceForUpgrade(tx, device.id);
    if (!lock) throw new Error(`device ${device.hostname} vanished`);
    if (lock.currentUpgrade && (await isRunning(temporal, lock.currentUpgrade))) {
      throw new UpgradeAlreadyRunningError(device.hostname, lock.currentUpgrade);
    }
    const input: UpgradeInput = {
      device: { deviceId: device.id, hostname: device.hostname, site: device.site },
      image: { imageId: image.id, fileName: image.fileName, version: image.version, sizeBytes: image.sizeBytes, md5: image.md5, sha256: image.sha256 },
    };
    if (request.reloadTimeoutSeconds) input.reloadTimeoutSeconds = request.reloadTimeoutSeconds;
    if (request.disabledChecks?.length) input.disabledChecks = request.disabledChecks;
    if (request.rollbackOnFailure !== undefined) input.rollbackOnFailure = request.rollbackOnFailure;
    const workflowId = upgradeWorkflowId(device.hostname, randomUUID().slice(0, 8));
    await temporal.workflow.start<typeof deviceUpgrade>('deviceUpgrade', {
      workflowId,
      taskQueue,
      args: [input],
      staticSummary: `Upgrade ${device.hostname} to ${image.version}`,
      staticDetails: `Image ${image.fileName} (${image.sizeBytes} bytes, md5 ${image.md5}) on ${device.hostname} at site ${device.site}`,
      typedSearchAttributes: [
        { key: DEVICE, value: device.hostname },
        { key: SITE, value: device.site },
        { key: TARGET_VERSION, value: image.version },
        { key: STAGE, value: 'queued' },
      ],
    });
    await setCurrentUpgrade(tx, device.id, workflowId);
    await recordUpgrade(tx, { workflowId, deviceId: device.id, imageId: image.id, requestedBy: request.requestedBy });
    return workflowId;
  });
}
