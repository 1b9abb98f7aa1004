// Inventory: reads what a device runs (show version, show inventory, dir, boot variables) and
// writes it to the device's record. Read-only on the device; safe to retry.
import { familyOfModel } from '../domain/device-family.ts';
import { parseDirFlash } from '../domain/parsers/dir-flash.ts';
import { chassisOf, parseShowInventory } from '../domain/parsers/show-inventory.ts';
import { fileNameOfImage, parseShowVersion } from '../domain/parsers/show-version.ts';
import type { Logger } from '../runtime/logger.ts';
import type { Queryable } from '../store/database.ts';
import { listInventoryTargets, recordInventory, recordInventoryFailure, type DeviceInventoryRecord } from '../store/devices.ts';
import type { SecretBox } from '../store/secret-box.ts';
import type { CliSession } from './cli-session.ts';
import { onDevice, resolveCliTarget } from './device-target.ts';
import { driverOfShowVersion } from '../drivers/index.ts';
import { readBootList } from './boot-list.ts';

export interface InventoryActivityDeps {
  db: Queryable;
  secretBox: SecretBox;
  logger: Logger;
}

/** What one device reported; the workflow keeps only this summary. */
export interface DeviceInventorySummary {
  hostname: string;
  version: string;
  /** Null where `show version` names no boot image. */
  runningImage: string | null;
  installMode?: 'INSTALL' | 'BUNDLE';
  family?: string;
  /** Files on the boot file system. */
  flashFiles: number;
  bootVariables: string[];
}

export interface InventoryTarget {
  id: string;
  hostname: string;
}

/** Reads the device with the commands its OS understands. */
export async function readDeviceFacts(session: CliSession): Promise<DeviceInventoryRecord & { flashFiles: number; bootVariables: string[] }> {
  const versionOutput = await session.run('show version');
  const version = parseShowVersion(versionOutput);
  const driver = driverOfShowVersion(versionOutput);
  const chassis = chassisOf(parseShowInventory(await session.run('show inventory')));
  const flash = parseDirFlash(await session.run(`dir ${driver.bootFilesystemOf(version)}:`));
  const boot = await readBootList(session, driver);
  const model = chassis?.pid;
  const family = model ? familyOfModel(model) : undefined;
  return {
    runningVersion: version.version,
    // Catalyst 4500 on IOS-XE 3.3 prints no image line: its version is still worth recording.
    runningImage: version.systemImage ? fileNameOfImage(version.systemImage) : null,
    ...(version.installMode ? { installMode: version.installMode } : {}),
    ...(version.configRegister ? { configRegister: version.configRegister } : {}),
    ...(model ? { model } : {}),
    ...(chassis?.serial ? { serial: chassis.serial } : {}),
    ...(family ? { family: family.family, series: family.series } : {}),
    flashFiles: flash.files.length,
    bootVariables: boot.next,
  };
}

export function createInventoryActivities(deps: InventoryActivityDeps) {
  return {
    /** The devices a run covers: every device, or the hostnames named (unknown names are dropped). */
    async listInventoryTargets(hostnames?: string[]): Promise<InventoryTarget[]> {
      return listInventoryTargets(deps.db, hostnames);
    },

    /** Reads one device and records what it runs. */
    async inventoryDevice(deviceId: string): Promise<DeviceInventorySummary> {
      const target = await resolveCliTarget(deps.db, deps.secretBox, deviceId);
      const facts = await onDevice(target, readDeviceFacts);
      const { flashFiles, bootVariables, ...found } = facts;
      const record = await recordInventory(deps.db, deviceId, found);
      if (!record) throw new Error(`device ${deviceId} left the inventory while it was read`);
      deps.logger.info('device inventoried', { device: record.hostname, version: found.runningVersion, image: found.runningImage, mode: found.installMode });
      return {
        hostname: record.hostname,
        version: found.runningVersion,
        runningImage: found.runningImage,
        ...(found.installMode ? { installMode: found.installMode } : {}),
        ...(record.family ? { family: record.family } : {}),
        flashFiles,
        bootVariables,
      };
    },

    /** Records why a device could not be read (its last good values stay). */
    async recordInventoryFailure(request: { deviceId: string; reason: string }): Promise<void> {
      await recordInventoryFailure(deps.db, request.deviceId, request.reason);
    },
  };
}

export type InventoryActivities = ReturnType<typeof createInventoryActivities>;
