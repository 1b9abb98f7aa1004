// Auto flash cleanup on the device: deletes the files domain/flash-cleanup.ts plans, one at a
// time, each deletion written to the audit log before the next. Safe to retry: the plan is made
// again from what is on flash now.
import { ApplicationFailure } from '@temporalio/common';
import { flashBytesNeeded, planFlashCleanup, type FlashCleanupPlan } from '../domain/flash-cleanup.ts';
import { findCliError } from '../domain/parsers/cli-error.ts';
import { parseDirFlash } from '../domain/parsers/dir-flash.ts';
import { bootImageOf, parseShowVersion } from '../domain/parsers/show-version.ts';
import type { ImageRef } from '../domain/upgrade.ts';
import type { Queryable } from '../store/database.ts';
import { recordCleanupDeletion } from '../store/flash-cleanup-audit.ts';
import type { CliSession } from './cli-session.ts';
import { DELETE_QUESTIONS } from './cli-dialogues.ts';
import { driverOfShowVersion } from '../drivers/index.ts';
import { readBootList } from './boot-list.ts';

export interface CleanupRequest {
  deviceId: string;
  hostname: string;
  workflowId: string;
  image: ImageRef;
}

export interface CleanupOutcome {
  deleted: { name: string; size: number }[];
  freeBytesBefore: number;
  freeBytesAfter: number;
  reason: string;
}


async function currentPlan(session: CliSession, image: ImageRef): Promise<{ plan: FlashCleanupPlan; filesystem: string }> {
  const versionOutput = await session.run('show version');
  const driver = driverOfShowVersion(versionOutput);
  const version = parseShowVersion(versionOutput);
  const family = driver.os;
  const filesystem = driver.bootFilesystemOf(version);
  const flash = parseDirFlash(await session.run(`dir ${filesystem}:`));
  const boot = (await readBootList(session, driver)).next;
  const plan = planFlashCleanup({
    flash,
    bytesNeeded: flashBytesNeeded(image.sizeBytes),
    runningImage: bootImageOf({ ...version, systemImage: driver.runningImageOf(version, { ...flash, filesystem }) }),
    installingImage: image.fileName,
    bootVariables: boot,
    os: family,
  });
  return { plan, filesystem };
}

export async function cleanupFlash(session: CliSession, db: Queryable, request: CleanupRequest): Promise<CleanupOutcome> {
  const { plan, filesystem } = await currentPlan(session, request.image);
  if (!plan.fits) throw ApplicationFailure.nonRetryable(`flash cleanup cannot make room: ${plan.reason}`, 'InsufficientFlash');
  const deleted: CleanupOutcome['deleted'] = [];
  for (const file of plan.deletions) {
    const output = await session.run(`delete /force ${filesystem}:${file.name}`, { answers: DELETE_QUESTIONS });
    const error = findCliError(output);
    if (error) throw new Error(`delete ${filesystem}:${file.name} failed: ${error}`);
    await recordCleanupDeletion(db, {
      workflowId: request.workflowId,
      deviceId: request.deviceId,
      hostname: request.hostname,
      fileName: file.name,
      sizeBytes: file.size,
      reason: `unused ${file.kind} file deleted to make room for ${request.image.fileName}`,
    });
    deleted.push({ name: file.name, size: file.size });
  }
  return { deleted, freeBytesBefore: plan.freeBytesBefore, freeBytesAfter: plan.freeBytesAfter, reason: plan.reason };
}
