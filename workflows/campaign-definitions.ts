// Names and message types of the campaign workflow, shared with its callers (API, tests). Kept
// apart from the workflow body so that callers import no workflow code.
import { defineQuery, defineUpdate } from '@temporalio/workflow';
import type { CampaignProgress, CampaignSelector, FailureBudget, WaveSpec } from '../domain/campaign.ts';
import type { UpgradePlan } from '../domain/plan.ts';
import type { PrecheckName } from '../domain/prechecks/types.ts';

export interface CampaignInput {
  campaignId: string;
  name: string;
  /** Who started it (recorded with each device's upgrade). */
  requestedBy: string;
  /** Resolved to devices by an activity when the campaign starts (never a device list in history). */
  selector: CampaignSelector;
  waves: WaveSpec;
  maxInFlight: number;
  failureBudget?: FailureBudget;
  plan?: UpgradePlan;
  rollbackOnFailure?: boolean;
  /** Devices whose image would be older than what they run are skipped unless this is true. */
  allowDowngrade?: boolean;
  disabledChecks?: PrecheckName[];
  reloadTimeoutSeconds?: number;
  /**
   * ITSM on: the campaign opens one change for all its devices and starts none before it is
   * approved; a rejection ends it `rejected`, no decision within `timeoutSeconds` cancels it.
   */
  approval?: { timeoutSeconds: number; recheckSeconds?: number };
  /** Carried over by continue-as-new: where the campaign stands. */
  carried?: CampaignCarry;
}

export interface CampaignCarry {
  progress: CampaignProgress;
  /** The next device (campaign order) to start; every device before it has ended. */
  nextSeq: number;
  /** Devices the campaign starts (skipped ones excluded): the waves split these. */
  startable: number;
}

export const campaignProgressQuery = defineQuery<CampaignProgress>('campaignProgress');
/** No new device starts; running ones finish. Refused unless running. */
export const pauseCampaignUpdate = defineUpdate<CampaignProgress>('pause');
/** Refused unless paused. */
export const resumeCampaignUpdate = defineUpdate<CampaignProgress>('resume');
/** No new device starts; devices not yet activating stop, the others finish. Refused once over. */
export const cancelCampaignUpdate = defineUpdate<CampaignProgress>('cancel');

/** `campaign/<campaign id>`. */
export function campaignWorkflowId(campaignId: string): string {
  return `campaign/${campaignId}`;
}
