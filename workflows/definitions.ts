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

export interface InventoryRunInput {
  trigger: 'schedule' | 'api' | 'upgrade';
  /** Only these devices; all when absent. */
  hostnames?: string[];
  /** Devices read at once. */
  concurrency?: number;
  /** Carried over by continue-as-new. */
  pending?: { id: string; hostname: string }[];
  progress?: InventoryProgress;
  continuedFrom?: string;
}

export interface InventoryProgress {
  trigger: InventoryRunInput['trigger'];
  total: number;
  done: number;
  succeeded: number;
  failed: number;
  failures: { hostname: string; reason: string }[];
}

export const inventoryProgressQuery = defineQuery<InventoryProgress>('progress');

/** The schedule that inventories the fleet, and the id prefix of the runs it starts. */
export const INVENTORY_SCHEDULE_ID = 'netswim-inventory';

/** `inventory/<request id>`: an on-demand inventory run. */
export function inventoryWorkflowId(requestId: string): string {
  return `inventory/${requestId}`;
}
