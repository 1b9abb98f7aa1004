// Names and message types shared by workflows and their callers (API, CLI, tests). Kept apart
// from workflow bodies so that callers import no workflow code.
import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';
import type { UpgradePlan } from '../domain/plan.ts';
import type { ApprovalDecision } from '../domain/itsm.ts';
import type { UpgradeStatus } from '../domain/upgrade.ts';

export const upgradeStatusQuery = defineQuery<UpgradeStatus>('status');

/** Changes the plan of an upgrade that waits; the validator refuses what can no longer change. */
export const rescheduleUpdate = defineUpdate<UpgradePlan, [UpgradePlan]>('reschedule');

/**
 * An ITSM change's decision (approved / rejected, approver, reason), sent by POST /itsm/callback
 * to every workflow registered on the change once the callback is authenticated. No secrets.
 */
export const approvalDecisionSignal = defineSignal<[ApprovalDecision]>('approvalDecision');

/** `approval-gate/<change number>/<request id>`: a workflow that waits for one change's decision. */
export function approvalGateWorkflowId(changeNumber: string, requestId: string): string {
  return `approval-gate/${changeNumber}/${requestId}`;
}

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
