// A campaign: upgrades many devices, each as a child `deviceUpgrade` workflow, wave by wave (a
// canary first), at most `maxInFlight` at once; a wave starts when the previous one has ended.
// Failures over the budget (any failure in the canary) halt the remaining waves. Updates pause,
// resume and cancel it; cancel never interrupts a device that is activating (the child defers a
// cancellation from activation on: workflows/device-upgrade.ts).
//
// History stays bounded for 10,000 devices: the device list lives in the database (resolved by an
// activity, read a page at a time), each run starts at most DEVICES_PER_RUN devices (about 15
// history events each), then, with no child in flight, continues as new carrying only the next
// device's position and the progress counters; per-device records are written to the database
// per batch, and the progress keeps at most MAX_LISTED failures and skips with their reasons.
//
// ITSM on: before any device starts, the campaign opens one change for all of them and waits for
// its decision (an operator can cancel the wait); every child runs under that approved change,
// and the campaign writes its outcome back to the change once, when it is over.
import {
  ApplicationFailure,
  allHandlersFinished,
  CancellationScope,
  CancelledFailure,
  ChildWorkflowFailure,
  condition,
  ContinueAsNew,
  continueAsNew,
  isCancellation,
  log,
  ParentClosePolicy,
  patched,
  proxyActivities,
  proxyLocalActivities,
  setCurrentDetails,
  setHandler,
  startChild,
  TerminatedFailure,
  TimeoutFailure,
  workflowInfo,
} from '@temporalio/workflow';
import type { CampaignActivities } from '../activities/campaign.ts';
import type { ItsmActivities } from '../activities/itsm.ts';
import type { SiteDistributionActivities } from '../activities/site-distribution.ts';
import {
  allowedFailures,
  campaignChangeOutcome,
  campaignErrorOutcome,
  cancelRefusal,
  haltReason,
  isFailure,
  markEnded,
  markStarted,
  newProgress,
  pauseRefusal,
  planWaves,
  resumeRefusal,
  waveOf,
  type CampaignProgress,
  type DeviceOutcome,
} from '../domain/campaign.ts';
import { approvalOutcomeText, type ApprovalOutcome, type ChangeOutcomeState } from '../domain/itsm.ts';
import { describePlan, IMMEDIATE_PLAN } from '../domain/plan.ts';
import { CAMPAIGN, DEVICE, SITE, STAGE, TARGET_VERSION } from '../domain/search-attributes.ts';
import type { UpgradeInput } from '../domain/upgrade.ts';
import type { CampaignDeviceOutcome, CampaignTarget } from '../store/campaigns.ts';
import { awaitApproval, ITSM_RETRY } from './approval.ts';
import { cancelCampaignUpdate, campaignProgressQuery, pauseCampaignUpdate, resumeCampaignUpdate, type CampaignInput } from './campaign-definitions.ts';
import { upgradeWorkflowId } from './definitions.ts';
import type { deviceUpgrade } from './device-upgrade.ts';

const records = proxyActivities<CampaignActivities>({
  startToCloseTimeout: '10 minutes',
  retry: { initialInterval: '2 seconds', maximumAttempts: 5, nonRetryableErrorTypes: ['CampaignInputError'] },
});

// Claiming a device is one short database transaction in the worker: as a local activity it
// costs the server no activity task, and the claims of a batch complete in one workflow task.
const claims = proxyLocalActivities<CampaignActivities>({
  startToCloseTimeout: '1 minute',
  retry: { initialInterval: '2 seconds', maximumAttempts: 5 },
});

const itsm = proxyActivities<ItsmActivities>({ startToCloseTimeout: '1 minute', retry: ITSM_RETRY });

// Staging uploads an image to a site's distribution servers: long, with heartbeats (as in the upgrade).
const staging = proxyActivities<SiteDistributionActivities>({
  startToCloseTimeout: '3 hours',
  heartbeatTimeout: '1 minute',
  retry: { initialInterval: '2 seconds', maximumAttempts: 3 },
});

/** Devices started per workflow run before continuing as new. */
export const DEVICES_PER_RUN = 300;

export async function campaign(input: CampaignInput): Promise<CampaignProgress> {
  const { campaignId } = input;
  const maxInFlight = Math.max(1, Math.min(input.maxInFlight, 500));
  // Handlers answer from the first moment: the device list is resolved after they are set.
  let progress: CampaignProgress = input.carried?.progress ?? newProgress({ campaignId, name: input.name, total: 0, waves: [], maxInFlight, allowedFailures: 0 });
  if (!input.carried && input.approval) progress.state = 'awaiting-approval';
  let nextSeq = input.carried?.nextSeq ?? 0;
  let startable = input.carried?.startable ?? 0;
  if (input.carried) progress.runs++;

  /** Running children by hostname: the scope that cancels each. */
  const children = new Map<string, CancellationScope>();
  /** The wait for the change's decision, while it lasts: an operator's cancel ends it. */
  let approvalWait: CancellationScope | undefined;
  /** The batch's staging on the site servers, while it lasts: an operator's cancel stops it too. */
  let batchStaging: CancellationScope | undefined;
  let halt: string | undefined;
  const stopping = () => progress.state === 'cancelling' || halt !== undefined;
  const show = () => {
    const done = progress.total - progress.stages.queued - progress.stages.running;
    setCurrentDetails(
      `**campaign ${input.name}**: ${progress.state}${progress.reason ? ` (${progress.reason})` : ''}${progress.change ? `, change ${progress.change.number}` : ''} — wave ${Math.min(progress.currentWave + 1, progress.waves.length)}/${progress.waves.length}, ` +
        `${done}/${progress.total} devices ended, ${progress.inFlight} in flight, ${progress.failureCount} failed (budget ${progress.allowedFailures})`,
    );
  };

  setHandler(campaignProgressQuery, () => progress);
  const refuse = (reason: string | undefined) => {
    if (reason) throw new Error(reason);
  };
  setHandler(
    pauseCampaignUpdate,
    () => {
      progress.state = 'paused';
      show();
      return progress;
    },
    { validator: () => refuse(pauseRefusal(progress.state)) },
  );
  setHandler(
    resumeCampaignUpdate,
    () => {
      progress.state = 'running';
      show();
      return progress;
    },
    { validator: () => refuse(resumeRefusal(progress.state)) },
  );
  setHandler(
    cancelCampaignUpdate,
    () => {
      progress.state = 'cancelling';
      progress.reason = 'cancelled by an operator';
      // Every running child is asked to stop; each decides whether it is at a safe point: before
      // activation it stops (the device keeps its image), from activation on it finishes.
      for (const scope of children.values()) scope.cancel();
      approvalWait?.cancel();
      batchStaging?.cancel();
      show();
      return progress;
    },
    { validator: () => refuse(cancelRefusal(progress.state)) },
  );
  show();

  if (!input.carried) {
    const resolved = await records.resolveCampaignTargets({ campaignId, selector: input.selector, ...(input.allowDowngrade ? { allowDowngrade: true } : {}) });
    startable = resolved.count;
    const fresh = newProgress({
      campaignId,
      name: input.name,
      total: startable + resolved.skippedCount,
      waves: planWaves(startable, input.waves),
      maxInFlight,
      allowedFailures: allowedFailures(startable, input.failureBudget),
    });
    // An operator may have paused or cancelled while the devices were being resolved.
    progress = { ...fresh, state: progress.state, ...(progress.reason ? { reason: progress.reason } : {}) };
    progress.stages.queued = startable;
    progress.stages.skipped = resolved.skippedCount;
    progress.skipped = resolved.skipped;
    show();
    // Nothing left to start (every device skipped meanwhile): no change to ask for.
    if (input.approval && startable > 0 && !stopping() && !(await waitForApprovedChange(input.approval.timeoutSeconds, input.approval.recheckSeconds, resolved.targetVersions ?? []))) {
      show();
      await condition(allHandlersFinished);
      return progress;
    }
  }

  /** One device: claim it (one upgrade per device), run its child, record how it ended. */
  const runDevice = async (target: CampaignTarget, inCanary: boolean): Promise<CampaignDeviceOutcome> => {
    const workflowId = upgradeWorkflowId(target.hostname, campaignId);
    let claim: Awaited<ReturnType<CampaignActivities['claimCampaignDevice']>>;
    try {
      const request = { deviceId: target.deviceId, hostname: target.hostname, workflowId, imageId: target.image.imageId, requestedBy: `campaign ${campaignId} (${input.requestedBy})` };
      claim = patched('claim-as-local-activity') ? await claims.claimCampaignDevice(request) : await records.claimCampaignDevice(request);
    } catch (error) {
      claim = { claimed: false, reason: `could not claim the device: ${messageOf(error)}` };
    }
    if (!claim.claimed) {
      markEnded(progress, target.hostname, 'skipped', claim.reason, false);
      show();
      return { seq: target.seq, outcome: 'skipped', reason: claim.reason };
    }
    const upgrade: UpgradeInput = {
      device: { deviceId: target.deviceId, hostname: target.hostname, site: target.site },
      image: target.image,
      campaignId,
      ...(target.addOns.length > 0 ? { addOns: target.addOns } : {}),
      ...(target.kickstart ? { kickstart: target.kickstart } : {}),
      ...(input.plan ? { plan: input.plan } : {}),
      ...(input.rollbackOnFailure !== undefined ? { rollbackOnFailure: input.rollbackOnFailure } : {}),
      ...(input.allowDowngrade ? { allowDowngrade: true } : {}),
      ...(input.disabledChecks?.length ? { disabledChecks: input.disabledChecks } : {}),
      ...(input.reloadTimeoutSeconds ? { reloadTimeoutSeconds: input.reloadTimeoutSeconds } : {}),
      ...(progress.change ? { approvedChange: progress.change.number } : {}),
    };
    const scope = new CancellationScope();
    let started = false;
    let outcome: DeviceOutcome;
    let reason: string | undefined;
    try {
      const result = await scope.run(async () => {
        const child = await startChild<typeof deviceUpgrade>('deviceUpgrade', {
          workflowId,
          args: [upgrade],
          // The campaign closing (terminated, say) asks its children to stop at a safe point too.
          parentClosePolicy: ParentClosePolicy.REQUEST_CANCEL,
          staticSummary: `Upgrade ${target.hostname} to ${target.image.version} (campaign ${input.name})`,
          typedSearchAttributes: [
            { key: DEVICE, value: target.hostname },
            { key: SITE, value: target.site },
            { key: TARGET_VERSION, value: target.image.version },
            { key: STAGE, value: 'queued' },
            { key: CAMPAIGN, value: campaignId },
          ],
        });
        started = true;
        markStarted(progress, target.hostname);
        children.set(target.hostname, scope);
        show();
        if (progress.state === 'cancelling') scope.cancel();
        return child.result();
      });
      outcome = result.outcome;
      reason = result.outcome === 'upgraded' ? `${result.fromVersion} → ${result.toVersion}` : result.outcome === 'already-running' ? `already runs ${result.toVersion}` : `${result.toVersion} distributed, not activated`;
    } catch (error) {
      ({ outcome, reason } = endedBy(error));
    } finally {
      children.delete(target.hostname);
    }
    markEnded(progress, target.hostname, outcome, reason, started);
    if (isFailure(outcome) && halt === undefined) {
      halt = haltReason({ failures: progress.failureCount, total: startable, inCanary }, input.failureBudget);
      if (halt !== undefined && progress.state !== 'cancelling') progress.reason = halt;
    }
    show();
    return { seq: target.seq, outcome, ...(reason ? { reason } : {}), workflowId };
  };

  let startedThisRun = 0;
  try {
    await runBatches();
  } catch (error) {
    // An error ends the campaign (the records could not be read or written, say): its approved
    // change must not stay open as if work went on. Continuing as new is not an end.
    const { change } = progress;
    if (change && !(error instanceof ContinueAsNew)) {
      const outcome = campaignErrorOutcome(progress, messageOf(error), isCancellation(error));
      // Written even when the workflow itself was cancelled.
      await CancellationScope.nonCancellable(() => writeBack(change.number, outcome));
    }
    throw error;
  }

  if (progress.state === 'cancelling') progress.state = 'cancelled';
  else if (halt !== undefined) {
    progress.state = 'halted';
    progress.reason = halt;
  } else progress.state = 'completed';
  progress.inFlight = 0;
  progress.inFlightDevices = [];
  show();
  // Only an approved change reaches this point (the other outcomes returned above).
  if (progress.change) await writeBack(progress.change.number, campaignChangeOutcome(progress));
  await condition(allHandlersFinished);
  return progress;

  /** The waves, batch by batch; continues as new once a run has started DEVICES_PER_RUN devices. */
  async function runBatches(): Promise<void> {
    while (nextSeq < startable && !stopping()) {
      const wave = waveOf(progress.waves, nextSeq);
      progress.currentWave = wave.index;
      show();
      // A wave larger than what one run may start is worked through in batches across runs.
      const batchEnd = Math.min(wave.end, nextSeq + Math.max(1, DEVICES_PER_RUN - startedThisRun));
      const batch = await records.loadCampaignTargets({ campaignId, fromSeq: nextSeq, limit: batchEnd - nextSeq });
      if (batch.length === 0) break;
      const inCanary = wave.index === 0 && input.waves.canary > 0;
      // The batch's images go onto its sites' distribution servers while its devices are claimed
      // and checked, so no copy waits for an upload; each device's own staging then finds them there.
      let staged: Promise<void> | undefined;
      if (patched('campaign-stages-site-servers')) {
        batchStaging = new CancellationScope();
        staged = batchStaging.run(() => stageOnSites(batch));
      }
      const outcomes: CampaignDeviceOutcome[] = [];
      let taken = 0;
      const lane = async (): Promise<void> => {
        while (taken < batch.length) {
          await condition(() => progress.state !== 'paused' || stopping());
          if (stopping() || taken >= batch.length) return;
          const target = batch[taken++]!;
          startedThisRun++;
          outcomes.push(await runDevice(target, inCanary));
        }
      };
      await Promise.all(Array.from({ length: Math.min(maxInFlight, batch.length) }, lane));
      nextSeq += taken;
      await staged;
      batchStaging = undefined;
      if (outcomes.length > 0) await records.recordCampaignOutcomes({ campaignId, outcomes });
      if (stopping()) break;
      if (nextSeq < startable && (startedThisRun >= DEVICES_PER_RUN || workflowInfo().continueAsNewSuggested)) {
        // No child is in flight here: the next run starts from nextSeq with the counters.
        await condition(allHandlersFinished);
        return continueAsNew<typeof campaign>({ ...input, carried: { progress, nextSeq, startable } });
      }
    }
  }

  /**
   * Stages each image of `batch` once per site (through the site's first device, whose site
   * servers it resolves). Never fails: a device whose servers could not take the image stages
   * again itself and reports why, then copies from the fallback source. A cancel of the campaign
   * stops it; the upload itself stops once no upgrade waits on it either.
   */
  async function stageOnSites(batch: CampaignTarget[]): Promise<void> {
    const bySite = new Map<string, CampaignTarget>();
    for (const target of batch) {
      const key = `${target.site}\u0000${target.image.sha256}`;
      if (!bySite.has(key)) bySite.set(key, target);
    }
    const results = await Promise.allSettled([...bySite.values()].map((t) => staging.stageOnSiteServers({ deviceId: t.deviceId, image: t.image })));
    for (const r of results) {
      if (r.status === 'fulfilled') log.info(r.value.summary, { site: r.value.site });
      else if (!isCancellation(r.reason)) log.warn('staging for the campaign failed; the devices stage themselves', { error: messageOf(r.reason) });
    }
  }

  /**
   * Opens the campaign's one change (idempotent: keyed by this workflow's id) and waits for its
   * decision. True when approved; otherwise the campaign is over (`rejected`, or `cancelled` by
   * the timeout or an operator), which is written back to the change with nothing changed.
   */
  async function waitForApprovedChange(timeoutSeconds: number, recheckSeconds: number | undefined, versions: string[]): Promise<boolean> {
    const workflowId = workflowInfo().workflowId;
    const plan = input.plan ?? IMMEDIATE_PLAN;
    const devices = `${startable} device${startable === 1 ? '' : 's'}`;
    const to = versions.length > 0 ? ` to ${versions.slice(0, 5).join(', ')}${versions.length > 5 ? ', …' : ''}` : '';
    const { number } = await itsm.openChangeRequest({
      summary: `netswim: campaign ${input.name}: upgrade ${devices}${to}`,
      description:
        `Campaign ${input.name} (workflow ${workflowId}), requested by ${input.requestedBy}: ${devices}${to}, selected by ${JSON.stringify(input.selector)}; ` +
        `waves of ${progress.waves.join(', ')} devices, at most ${maxInFlight} at once, ${progress.allowedFailures} failure(s) allowed; plan: ${describePlan(plan)}`,
      ...(plan.distribute.kind === 'at' ? { plannedStart: plan.distribute.at } : {}),
      ...(plan.activate.kind === 'at' ? { plannedEnd: plan.activate.at } : {}),
      workflowIds: [workflowId],
    });
    progress.change = { number };
    show();
    let outcome: ApprovalOutcome | undefined;
    if (!stopping()) {
      approvalWait = new CancellationScope();
      try {
        outcome = await approvalWait.run(async () => {
          const registered = await itsm.registerChangeWorkflows({ number, workflowIds: [workflowId] });
          return awaitApproval(number, timeoutSeconds, registered.decision, recheckSeconds);
        });
      } catch (error) {
        if (!isCancellation(error)) throw error;
      } finally {
        approvalWait = undefined;
      }
    }
    if (outcome?.kind === 'approved') {
      progress.change.decision = approvalOutcomeText(outcome);
      if (progress.state === 'awaiting-approval') progress.state = 'running';
      return true;
    }
    const text = outcome ? approvalOutcomeText(outcome, timeoutSeconds) : 'cancelled by an operator';
    if (outcome) progress.change.decision = text;
    progress.state = outcome?.kind === 'rejected' ? 'rejected' : 'cancelled';
    progress.reason = text;
    await writeBack(number, { state: outcome?.kind === 'rejected' ? 'rejected' : 'canceled', workNotes: `netswim: campaign ${input.name}: ${progress.reason}; no device changed` });
    return false;
  }
}

/** The campaign's outcome on its change; a failure to write it is logged, the campaign's own result stands. */
async function writeBack(number: string, outcome: { state: ChangeOutcomeState; workNotes: string }): Promise<void> {
  try {
    await itsm.writeChangeOutcome({ number, ...outcome });
  } catch (error) {
    log.warn('the campaign outcome was not written back to the change', { change: number, error: messageOf(error) });
  }
}

/** How a child that did not complete ended: failed (reason from the upgrade), rolled back, cancelled. */
function endedBy(error: unknown): { outcome: DeviceOutcome; reason: string } {
  const cause = error instanceof ChildWorkflowFailure ? error.cause : error;
  if (cause instanceof CancelledFailure || isCancellation(cause)) {
    return { outcome: 'cancelled', reason: 'cancelled before activation: the device still runs its image' };
  }
  if (cause instanceof ApplicationFailure) return { outcome: cause.type === 'RolledBack' ? 'rolled-back' : 'failed', reason: cause.message };
  if (cause instanceof TerminatedFailure) return { outcome: 'failed', reason: 'the upgrade workflow was terminated' };
  if (cause instanceof TimeoutFailure) return { outcome: 'failed', reason: 'the upgrade workflow timed out' };
  return { outcome: 'failed', reason: messageOf(error) };
}

function messageOf(error: unknown): string {
  let current: unknown = error;
  while (current instanceof Error && current.cause instanceof Error) current = current.cause;
  return current instanceof Error ? current.message : String(current);
}
