// Names and message types shared by workflows and their callers (API, CLI, tests). Kept apart
// from workflow bodies so that callers import no workflow code.
import { defineQuery } from '@temporalio/workflow';
import type { UpgradeStatus } from '../domain/upgrade.ts';

export const upgradeStatusQuery = defineQuery<UpgradeStatus>('status');

/** `upgrade/<hostname>/<request id>`: says what it is in the Temporal UI. */
export function upgradeWorkflowId(hostname: string, requestId: string): string {
  return `upgrade/${hostname}/${requestId}`;
}

/** `image-import/<import id>`: one URL import. */
export function imageImportWorkflowId(importId: string): string {
  return `image-import/${importId}`;
}
