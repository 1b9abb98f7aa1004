// One device's upgrade: inventory → prechecks → distribute → activate → reload → verify → golden
// add-ons (distribute, activate, reload, verify each) → postchecks. Deterministic: all device work
// is in activities; this code only decides.
import {
  ActivityFailure,
  ApplicationFailure,
  condition,
  log,
  patched,
  workflowInfo,
  proxyActivities,
  setCurrentDetails,
  setHandler,
  upsertSearchAttributes,
  uuid4,
} from '@temporalio/workflow';
import { CancellationScope, isCancellation } from '@temporalio/workflow';
import type { ReloadOutcome, ReloadRequest, UpgradeActivities } from '../activities/device-upgrade.ts';
import type { InventoryActivities } from '../activities/inventory.ts';
import { STAGE } from '../domain/search-attributes.ts';
import { driverFor } from '../drivers/index.ts';
import { summarizePrechecks } from '../domain/prechecks/types.ts';
import { checkGoldenSmus } from '../domain/prechecks/golden-smus.ts';
import { diffSnapshots } from '../domain/postchecks.ts';
import { bootStyleMismatch, downgradeRefusal, osMismatch, upgradeDirection } from '../domain/image-fit.ts';
import {
  activationMethodOf,
  runningImagePathOf,
  missingAddOns,
  plannedBootVariables,
  runsPair,
  runsTarget,
  type ActivationMethod,
  stagePercent,
  type DeviceInventory,
  type ImageRef,
  type UpgradeInput,
  type UpgradeResult,
  type UpgradeStage,
  type UpgradeStatus,
  type CheckResult,
} from '../domain/upgrade.ts';
import { rescheduleUpdate, upgradeStatusQuery } from './definitions.ts';
import { ITSM_RETRY, awaitApproval } from './approval.ts';
import type { ItsmActivities } from '../activities/itsm.ts';
import type { WorkflowControlActivities } from '../activities/workflow-control.ts';
import { approvalOutcomeText, type ChangeOutcomeState } from '../domain/itsm.ts';
import type { WindowActivities } from '../activities/windows.ts';
import { activationDecision } from '../domain/maintenance-window.ts';
import { DEFAULT_MINIMUM_WINDOW_MINUTES, IMMEDIATE_PLAN, describePlan, rescheduleRefusal, type ActivateWhen, type DistributeWhen, type PlanPhase, type UpgradePlan } from '../domain/plan.ts';


// Short reads and configuration: retried a few times, quickly.
const device = proxyActivities<UpgradeActivities>({
  startToCloseTimeout: '3 minutes',
  retry: { initialInterval: '2 seconds', maximumAttempts: 4, nonRetryableErrorTypes: ['DeviceOutputError'] },
});

// Copying an image can take long; heartbeats prove it is alive. A corrupt copy is retried twice more.
const transfer = proxyActivities<UpgradeActivities>({
  startToCloseTimeout: '3 hours',
  heartbeatTimeout: '1 minute',
  retry: { initialInterval: '2 seconds', maximumAttempts: 3, nonRetryableErrorTypes: ['InsufficientFlash', 'RunningImageConflict'] },
});

// sendReload checks by itself whether the reload already happened, so a retry never reloads twice.
const reload = proxyActivities<UpgradeActivities>({
  startToCloseTimeout: '5 minutes',
  retry: { initialInterval: '5 seconds', maximumAttempts: 3 },
});

// The device record (running version, compliance) follows what the upgrade left on the device.
const records = proxyActivities<InventoryActivities>({
  startToCloseTimeout: '2 minutes',
  retry: { initialInterval: '2 seconds', maximumAttempts: 3 },
});

/** A record that could not be refreshed does not undo an upgrade; the next inventory catches up. */
async function refreshRecord(deviceId: string): Promise<void> {
  try {
    await records.inventoryDevice(deviceId);
  } catch (error) {
    log.warn('device record not refreshed after the upgrade', { error: error instanceof Error ? error.message : String(error) });
  }
}

// The install commands expand and activate a bundle before the device reloads: minutes on real hardware.
const activation = proxyActivities<UpgradeActivities>({
  startToCloseTimeout: '60 minutes',
  retry: { initialInterval: '5 seconds', maximumAttempts: 3, nonRetryableErrorTypes: ['ActivationRefused'] },
});

const ACTIVATION_TEXT: Record<Exclude<ActivationMethod, 'boot-variable'>, string> = {
  'install-add-activate-commit': 'install add file … activate commit of',
  'install-all': 'install all nxos',
};

/** INSTALL mode keeps no bundle of the running release unless one was left on flash: find it. */
function previousBundle(previous: DeviceInventory): string | undefined {
  const version = previous.version.toLowerCase();
  return previous.flash.files.find((f) => !f.isDirectory && f.name.toLowerCase().endsWith('.bin') && f.name.toLowerCase().includes(`.${version}.`))?.name;
}

const windows = proxyActivities<WindowActivities>({
  startToCloseTimeout: '1 minute',
  retry: { maximumAttempts: 5, nonRetryableErrorTypes: ['UnknownWindow', 'UnknownDevice'] },
});

const DEFAULT_RELOAD_TIMEOUT_SECONDS = 20 * 60;

const RELOAD_OUTCOME_TEXT: Record<ReloadOutcome, string> = {
  sent: 'reload command accepted; waiting for the device to come back',
  'already-rebooted': 'device had already rebooted (a retried reload step); not reloading again',
  unreachable: 'device unreachable when the reload was to be sent (already reloading?); waiting for it',
};

/**
 * A cancellation (a campaign's cancel, the UI's) is honoured only at a safe point: before
 * activation the upgrade stops and ends cancelled, the device untouched by activation; from
 * activation on (activate, reload, verify, add-ons, postcheck, rollback) it is deferred and the
 * upgrade runs to its end. The body runs non-cancellable; only its part before activation is in
 * a scope that the workflow's cancellation cancels.
 */
export async function deviceUpgrade(input: UpgradeInput): Promise<UpgradeResult> {
  const workflowScope = CancellationScope.current();
  const gate: UpgradeGate = { activating: false, cancelled: false };
  return CancellationScope.nonCancellable(async () => {
    const beforeActivation = new CancellationScope();
    void workflowScope.cancelRequested.catch(() => {
      if (gate.activating) return;
      gate.cancelled = true;
      beforeActivation.cancel();
    });
    try {
      const result = await beforeActivation.run(() => upgradeDevice(input, gate));
      await closeChange(gate, result.outcome === 'failed' ? 'failed' : 'implemented', `netswim: ${input.device.hostname} ${result.outcome} (${result.fromVersion} → ${result.toVersion})`);
      return result;
    } catch (error) {
      const text = error instanceof Error ? causeMessage(error) : String(error);
      await closeChange(gate, isCancellation(error) ? 'canceled' : 'failed', `netswim: upgrade of ${input.device.hostname} ended: ${text}`);
      throw error;
    }
  });
}

interface UpgradeGate {
  activating: boolean;
  cancelled: boolean;
  /** The ITSM change this upgrade opened; its outcome is written back at the end (once). */
  change?: { number: string; closed: boolean };
}

const itsm = proxyActivities<ItsmActivities>({ startToCloseTimeout: '1 minute', retry: ITSM_RETRY });
const control = proxyActivities<WorkflowControlActivities>({ startToCloseTimeout: '1 minute', retry: { maximumAttempts: 10 } });

async function closeChange(gate: UpgradeGate, state: ChangeOutcomeState, workNotes: string): Promise<void> {
  if (!gate.change || gate.change.closed) return;
  gate.change.closed = true;
  try {
    await itsm.writeChangeOutcome({ number: gate.change.number, state, workNotes });
  } catch (error) {
    log.warn('the outcome was not written back to the change', { change: gate.change.number, error: error instanceof Error ? error.message : String(error) });
  }
}

async function upgradeDevice(input: UpgradeInput, gate: UpgradeGate): Promise<UpgradeResult> {
  const { image, kickstart } = input;
  const deviceId = input.device.deviceId;
  const addOns = input.addOns ?? [];
  const status: UpgradeStatus = {
    stage: 'queued',
    percent: 0,
    device: input.device.hostname,
    targetVersion: image.version,
    checks: [],
    events: [],
    ...(addOns.length > 0 ? { addOns: addOns.map((a) => a.fileName), addOnsActivated: [] } : {}),
    ...(input.approvedChange ? { change: input.approvedChange } : {}),
  };
  setHandler(upgradeStatusQuery, () => status);

  // The plan: when to distribute and when to activate; rescheduled by an update while it waits.
  let plan: UpgradePlan = input.plan ?? IMMEDIATE_PLAN;
  let phase: PlanPhase = 'waiting-to-distribute';
  let replanned = false;
  status.plan = plan;
  setHandler(
    rescheduleUpdate,
    (next) => {
      plan = next;
      status.plan = next;
      replanned = true;
      note(status.stage, `rescheduled: ${describePlan(next)}`);
      return next;
    },
    {
      validator: (next: UpgradePlan) => {
        const refusal = rescheduleRefusal(plan, next, phase, Date.now());
        if (refusal) throw new Error(refusal);
      },
    },
  );

  /** Sleeps (a durable timer) until the planned time; a reschedule wakes it to look again. */
  const waitForPlannedTime = async (when: () => DistributeWhen | ActivateWhen, stage: UpgradeStage, what: string): Promise<void> => {
    for (;;) {
      const w = when();
      if (w.kind !== 'at') return;
      const ms = Date.parse(w.at) - Date.now();
      if (ms <= 0) return;
      enter(stage, `${what} planned at ${w.at}`);
      replanned = false;
      if (!(await condition(() => replanned, ms))) return;
    }
  };
  const activated: string[] = [];
  let alreadyActive: string[] = [];
  /** Once the image runs, the add-on stages go round again: the percent does not go back. */
  let monotonicPercent = false;

  const note = (stage: UpgradeStage, message: string) => status.events.push({ stage, message, at: new Date().toISOString() });
  const enter = (stage: UpgradeStage, message: string) => {
    if (stage === 'activate') gate.activating = true;
    status.stage = stage;
    status.percent = monotonicPercent ? Math.max(status.percent, stagePercent(stage)) : stagePercent(stage);
    note(stage, message);
    upsertSearchAttributes([{ key: STAGE, value: stage }]);
    setCurrentDetails(`**${stage}** — ${message}`);
    log.info(message, { stage, device: input.device.hostname });
  };

  const fail = (message: string): never => {
    status.error = message;
    status.outcome = 'failed';
    enter('failed', message);
    throw ApplicationFailure.nonRetryable(message, 'UpgradeFailed', status);
  };

  /** Custom checks (and, around activation, the health snapshot) at one point of the upgrade. */
  const checkpoint = async (phase: 'pre' | 'post', stage: 'distribution' | 'activation') => {
    const capture = await device.captureHealth({ deviceId, phase, stage });
    status.checks.push(...capture.custom);
    return capture.snapshot;
  };

  let before: DeviceInventory | undefined;
  /** Whether this run activated the image itself (a failure after it rolls the image back). */
  let imageActivated = false;
  try {
    if (input.approval) await awaitChangeApproval(input.approval);
    await waitForPlannedTime(() => plan.distribute, 'scheduled', 'distribution');
    phase = 'distributing';
    enter('inventory', `reading ${input.device.hostname}`);
    before = await device.readInventory(deviceId);
    status.fromVersion = before.version;
    const filesystem = before.flash.filesystem;
    // What the device really runs decides, whatever the records said: a wrong image or an unasked
    // downgrade stops here, before anything on the device changes.
    if (patched('image-fit-check')) {
      const misfit = osMismatch(input.device.hostname, before.os, image.fileName);
      if (misfit) fail(`the image does not fit the device: ${misfit}`);
      // NX-OS kickstart + system: a device that boots a kickstart takes only a pair, one that
      // boots a single image never gets one.
      if (patched('kickstart-pair')) {
        const style = bootStyleMismatch(input.device.hostname, before.kickstartImage, { system: image.fileName, ...(kickstart ? { kickstart: kickstart.fileName } : {}) });
        if (style) fail(`the image does not fit the device: ${style}`);
        const kickstartMisfit = kickstart && osMismatch(input.device.hostname, before.os, kickstart.fileName);
        if (kickstartMisfit) fail(`the kickstart image does not fit the device: ${kickstartMisfit}`);
      }
      if (upgradeDirection(before.version, image.version) === 'downgrade') {
        if (!input.allowDowngrade) fail(downgradeRefusal(input.device.hostname, before.version, image.version));
        status.downgrade = true;
        note('inventory', `downgrade from ${before.version} to ${image.version}, allowed by the request`);
      }
    }

    // Golden add-ons need INSTALL mode. Where the device cannot take them and the operator turned
    // the golden-smus check off, they are left out; otherwise the check stops the upgrade.
    const takesAddOns = activationMethodOf(before) === 'install-add-activate-commit';
    const addOnsOff = !takesAddOns && (input.disabledChecks ?? []).includes('golden-smus');
    const imageRuns = kickstart ? runsPair(before, image, kickstart) : runsTarget(before, image);
    // A new release starts without add-ons; on the image already running, only the missing ones.
    const pending = addOnsOff ? [] : imageRuns ? missingAddOns(before, addOns) : addOns;
    alreadyActive = addOns.filter((a) => !pending.includes(a) && (before?.activeAddOns ?? []).includes(a.fileName)).map((a) => a.fileName);

    if (imageRuns && pending.length === 0) {
      status.outcome = 'already-running';
      await refreshRecord(deviceId);
      const withAddOns = alreadyActive.length > 0 ? ` with its golden add-ons ${alreadyActive.join(', ')} active` : '';
      const left = addOnsOff && addOns.length > 0 ? ` (golden add-ons ${addOns.map((a) => a.fileName).join(', ')} not activated: golden-smus is turned off and the device is not in INSTALL mode)` : '';
      enter('done', `${input.device.hostname} already runs ${image.version}${withAddOns}${left}`);
      return result('already-running', before.version, before.runningImage, before.bootVariables, before.kickstartImage);
    }
    if (imageRuns) note('inventory', `${input.device.hostname} already runs ${image.version}; golden add-ons missing: ${pending.map((a) => a.fileName).join(', ')}`);

    // What must fit on flash now: the image, or (it runs already) the largest missing add-on.
    const incoming = imageRuns ? pending.reduce((a, b) => (b.sizeBytes > a.sizeBytes ? b : a)) : image;
    // The image goes onto the site's servers while the device is checked (neither changes the
    // device), so the copy starts as soon as both are done. When a check fails the staging is
    // left to finish or stop with the workflow; the next staging skips or replaces its file.
    const stagingImage = !imageRuns && patched('stage-during-prechecks') ? startStaging(image) : undefined;
    enter('precheck', `readiness checks on ${input.device.hostname} for ${imageRuns ? pending.map((a) => a.fileName).join(', ') : kickstart ? `${kickstart.fileName} and ${image.fileName}` : image.fileName}`);
    const precheckRequest = {
      deviceId,
      image: incoming,
      ...(kickstart && incoming === image ? { companions: [kickstart] } : {}),
      ...(input.disabledChecks ? { disabledChecks: input.disabledChecks } : {}),
    };
    // One activity for the prechecks and the custom checks before distribution (one server round
    // trip and one SSH session less per device); histories from before run the two activities.
    const readinessInOne = patched('readiness-with-custom-checks');
    const readiness = readinessInOne ? await device.checkReadiness(precheckRequest) : { checks: await device.runReadinessPrechecks(precheckRequest), custom: [] };
    const checks = [...readiness.checks];
    // The device activity runs no command for golden-smus (skipped when turned off): decided here.
    if (!checks.some((c) => c.name === 'golden-smus')) checks.push(checkGoldenSmus(before, image, pending));
    status.checks.push(...checks);
    if (readinessInOne) status.checks.push(...readiness.custom);
    else await checkpoint('pre', 'distribution');
    const verdict = summarizePrechecks(checks);
    note('precheck', verdict.message);
    if (!verdict.proceed) fail(`precheck failed: ${verdict.message}`);

    if (checks.some((c) => c.name === 'flash-space' && c.status === 'warn')) {
      enter('cleanup', `making room on ${filesystem}: for ${incoming.fileName}`);
      const cleaned = await device.cleanupFlash({ deviceId, hostname: input.device.hostname, workflowId: workflowInfo().workflowId, image: incoming });
      note('cleanup', `deleted ${cleaned.deleted.map((f) => `${f.name} (${f.size} bytes)`).join(', ') || 'nothing'}; ${cleaned.freeBytesAfter} bytes free`);
    }

    let current: DeviceInventory;
    let preHealth: Awaited<ReturnType<typeof checkpoint>>;
    if (!imageRuns) {
      // The kickstart first: the system image's copy then runs the checks after distribution.
      if (kickstart) await distribute(kickstart, filesystem);
      // The custom checks after distribution run in the copy's session (one activity less per
      // device); histories from before run them as their own activity.
      if (patched('post-distribution-checks-in-copy')) status.checks.push(...(await distribute(image, filesystem, stagingImage, true)));
      else {
        await distribute(image, filesystem, stagingImage);
        await checkpoint('post', 'distribution');
      }
      if (!(await awaitActivation())) {
        status.outcome = 'distributed';
        enter('done', `${kickstart ? `${kickstart.fileName} and ` : ''}${image.fileName} ${kickstart ? 'are' : 'is'} on ${input.device.hostname}, verified; activation not planned (distribute only)`);
        return result('distributed', before.version, before.runningImage, before.bootVariables, before.kickstartImage);
      }

      preHealth = await checkpoint('pre', 'activation');
      status.health = preHealth ? { pre: preHealth } : {};
      const method = activationMethodOf(before);
      let after: DeviceInventory;
      imageActivated = true;
      if (method === 'boot-variable') {
        const bootVariables = plannedBootVariables(filesystem, image, runningImagePathOf(before)).slice(0, driverFor(before.os).maxBootEntries);
        enter('activate', `boot variable ${bootVariables.join(';')}, saving configuration`);
        // The image is hashed again first: flash may have changed since the copy was verified.
        await device.setBootVariables({ deviceId, bootVariables, verifyImage: { path: `${filesystem}:${image.fileName}`, md5: image.md5 } });
        after = await reloadAndWait(before, image);
      } else {
        const what = kickstart ? `install all kickstart ${filesystem}:${kickstart.fileName} system` : ACTIVATION_TEXT[method];
        enter('activate', `${what} ${filesystem}:${image.fileName}; the device reloads itself`);
        const since = before;
        const withKickstart = kickstart ? { kickstart: { fileName: kickstart.fileName, md5: kickstart.md5 } } : {};
        after = await reloadAndWait(since, image, (proof) => activation.sendActivation({ ...proof, method, fileName: image.fileName, md5: image.md5, ...withKickstart }));
      }
      if (!runsTarget(after, image)) {
        return await rollBack(`activation failed: ${input.device.hostname} booted ${after.runningImage} (${after.version}) instead of ${image.fileName} (${image.version})`, after);
      }
      // Both images must be the new ones: show version names the kickstart and the system image it booted.
      if (kickstart && after.kickstartImage !== kickstart.fileName) {
        return await rollBack(`activation failed: ${input.device.hostname} booted kickstart ${after.kickstartImage ?? '(none)'} instead of ${kickstart.fileName}`, after);
      }
      enter('verify', `${input.device.hostname} is back running ${after.version}${kickstart ? ` (kickstart ${after.kickstartImage}, system ${after.runningImage})` : ''}`);
      current = after;
      monotonicPercent = true;
      for (const addOn of pending) await distribute(addOn, filesystem);
    } else {
      for (const addOn of pending) await distribute(addOn, filesystem);
      await checkpoint('post', 'distribution');
      if (!(await awaitActivation())) {
        status.outcome = 'distributed';
        enter('done', `${pending.map((a) => a.fileName).join(', ')} on ${input.device.hostname}, verified; activation not planned (distribute only)`);
        return result('distributed', before.version, before.runningImage, before.bootVariables, before.kickstartImage);
      }
      preHealth = await checkpoint('pre', 'activation');
      status.health = preHealth ? { pre: preHealth } : {};
      current = before;
    }
    if (addOnsOff && addOns.length > 0) {
      note('verify', `golden add-ons ${addOns.map((a) => a.fileName).join(', ')} not activated: golden-smus is turned off and ${input.device.hostname} is not in INSTALL mode`);
    }
    for (const addOn of pending) current = await activateAddOn(addOn, current);

    enter('postcheck', 'comparing health after activation with before');
    const postHealth = await checkpoint('post', 'activation');
    status.health = { ...status.health, ...(postHealth ? { post: postHealth } : {}) };
    if (preHealth && postHealth) {
      const diff = diffSnapshots(preHealth, postHealth);
      status.diff = diff;
      note('postcheck', diff.reason);
      if (diff.status === 'fail') {
        if (imageActivated) return await rollBack(`postcheck failed: ${diff.reason}`, current);
        fail(`postcheck failed: ${diff.reason} (the image already ran before this upgrade: nothing to roll back to)`);
      }
    }

    status.outcome = 'upgraded';
    await refreshRecord(deviceId);
    const withAddOns = activated.length > 0 ? `; golden add-ons activated: ${activated.join(', ')}` : '';
    const verb = status.downgrade ? 'downgraded' : 'upgraded';
    enter('done', imageRuns ? `${input.device.hostname} runs ${current.version}${withAddOns}` : `${input.device.hostname} ${verb} from ${before.version} to ${current.version}${withAddOns}`);
    return result('upgraded', before.version, current.runningImage, current.bootVariables, current.kickstartImage);
  } catch (error) {
    if (gate.cancelled && isCancellation(error)) {
      const message = status.stage === 'approval' && status.error ? status.error : `cancelled at ${status.stage}, before activation: ${input.device.hostname} keeps running its image`;
      status.error = message;
      note(status.stage, message);
      upsertSearchAttributes([{ key: STAGE, value: 'cancelled' }]);
      setCurrentDetails(`**cancelled** — ${message}`);
      throw error;
    }
    if (status.stage !== 'failed' && status.outcome !== 'rolled-back') fail(`${status.stage} failed: ${error instanceof Error ? causeMessage(error) : String(error)}`);
    throw error;
  }

  /** Starts staging `file` on the site's servers; the promise is awaited by distribute (a failure is never unhandled). */
  function startStaging(file: ImageRef): Promise<{ summary: string }> {
    const staging = transfer.stageOnSiteServers({ deviceId, image: file });
    staging.catch(() => undefined);
    return staging;
  }

  /**
   * Stages the file on the site's servers (or waits for the staging already started) and copies
   * it to flash, MD5 verified (transfer.distributeImage); with `customChecksAfter`, returns the
   * custom checks after distribution that the same activity ran.
   */
  async function distribute(file: ImageRef, filesystem: string, staging?: Promise<{ summary: string }>, customChecksAfter = false): Promise<CheckResult[]> {
    const kind = file === image ? '' : file === kickstart ? 'kickstart ' : 'golden add-on ';
    enter('distribute', `copying ${kind}${file.fileName} (${file.sizeBytes} bytes) to ${filesystem}:`);
    const staged = await (staging ?? transfer.stageOnSiteServers({ deviceId, image: file }));
    note('distribute', staged.summary);
    const copy = await transfer.distributeImage({ deviceId, image: file, filesystem, ...(customChecksAfter ? { customChecksAfter } : {}) });
    const fellBack = copy.attempts.filter((a) => a.error).map((a) => a.error).join('; ');
    note('distribute', `${kind}${copy.copied ? `copied and verified MD5 ${copy.md5} in ${copy.seconds.toFixed(1)} s from ${copy.source}` : `${file.fileName} already on flash with MD5 ${copy.md5}`}${fellBack ? ` (${fellBack})` : ''}`);
    return copy.custom ?? [];
  }

  /**
   * `install add file … activate commit` of one golden add-on on the release now running; the
   * device reloads (a cold SMU) and must list the add-on as active in `show install summary`.
   * A refusal or an add-on not active after the reload is a failed activation: rolled back like
   * one when this run activated the image, else the upgrade fails (the image ran before it).
   */
  async function activateAddOn(addOn: ImageRef, since: DeviceInventory): Promise<DeviceInventory> {
    const fs = since.flash.filesystem;
    enter('activate', `install add file … activate commit of golden add-on ${fs}:${addOn.fileName}; the device reloads itself`);
    let after: DeviceInventory;
    try {
      after = await reloadAndWait(since, undefined, (proof) => activation.sendAddOnActivation({ ...proof, fileName: addOn.fileName, md5: addOn.md5 }));
    } catch (error) {
      if (error instanceof ActivityFailure && error.cause instanceof ApplicationFailure && error.cause.type === 'ActivationRefused') {
        return addOnFailed(`activation of golden add-on ${addOn.fileName} failed: ${error.cause.message}`, since);
      }
      throw error;
    }
    if (!runsTarget(after, image)) {
      return addOnFailed(`activation of golden add-on ${addOn.fileName} failed: ${input.device.hostname} booted ${after.runningImage} (${after.version}) instead of ${image.version}`, after);
    }
    if (!(after.activeAddOns ?? []).includes(addOn.fileName)) {
      const active = after.activeAddOns?.length ? after.activeAddOns.join(', ') : 'none';
      return addOnFailed(`activation of golden add-on ${addOn.fileName} failed: show install summary does not list it as active after the reload (active: ${active})`, after);
    }
    activated.push(addOn.fileName);
    status.addOnsActivated = [...activated];
    enter('verify', `${input.device.hostname} is back running ${after.version} with golden add-on ${addOn.fileName} active`);
    return after;
  }

  async function addOnFailed(reason: string, current: DeviceInventory): Promise<never> {
    if (imageActivated) return rollBack(reason, current);
    return fail(`${reason} (${image.fileName} ran before this upgrade: nothing rolled back)`);
  }

  /**
   * ITSM: opens a change for this upgrade (or joins the given one) and waits for its decision
   * before anything on the device changes. A rejection fails the upgrade with the approver and
   * reason; no decision in time cancels it. Both are written back to the change.
   */
  async function awaitChangeApproval(approval: NonNullable<UpgradeInput['approval']>): Promise<void> {
    const workflowId = workflowInfo().workflowId;
    let number = approval.changeNumber;
    if (!number) {
      enter('approval', `opening a change request for ${input.device.hostname}`);
      number = (
        await itsm.openChangeRequest({
          summary: `netswim: upgrade ${input.device.hostname} to ${image.version}`,
          description: `Image ${image.fileName} (md5 ${image.md5}) on ${input.device.hostname} at site ${input.device.site}; plan: ${describePlan(plan)}; workflow ${workflowId}`,
          ...(plan.distribute.kind === 'at' ? { plannedStart: plan.distribute.at } : {}),
          ...(plan.activate.kind === 'at' ? { plannedEnd: plan.activate.at } : {}),
          workflowIds: [workflowId],
        })
      ).number;
      gate.change = { number, closed: false };
    }
    status.change = number;
    enter('approval', `waiting for the decision on change ${number}`);
    const registered = await itsm.registerChangeWorkflows({ number, workflowIds: [workflowId] });
    const outcome = await awaitApproval(number, approval.timeoutSeconds, registered.decision, approval.recheckSeconds);
    const text = approvalOutcomeText(outcome, approval.timeoutSeconds);
    note('approval', `change ${number}: ${text}`);
    if (outcome.kind === 'rejected') {
      if (gate.change) {
        gate.change.closed = true;
        await itsm.writeChangeOutcome({ number, state: 'rejected', workNotes: `netswim: ${text}; ${input.device.hostname} not changed` });
      }
      fail(text);
    }
    if (outcome.kind === 'timeout') {
      // Ends as CANCELLED, as the change: Temporal cancels the workflow on our request, which
      // interrupts the wait below (the cancellation comes through the wrapper's scope).
      status.error = text;
      await control.cancelOwnWorkflow();
      await condition(() => false);
    }
  }

  /** Waits for the planned activation; false when the plan is to distribute only. */
  async function awaitActivation(): Promise<boolean> {
    phase = 'waiting-to-activate';
    for (;;) {
      await waitForPlannedTime(() => plan.activate, 'waiting', 'activation');
      const when = plan.activate;
      if (when.kind === 'never') return false;
      if (when.kind !== 'window' || (await windowIsOpen(when))) break;
    }
    phase = 'activating';
    return true;
  }

  /**
   * Sleeps until the window's next occurrence (a durable timer) and says whether it is open now;
   * false after a reschedule, so the caller looks at the plan again. An occurrence with too little
   * time left is skipped: the activation waits for the next one.
   */
  async function windowIsOpen(when: Extract<ActivateWhen, { kind: 'window' }>): Promise<boolean> {
    const { window, from } = await windows.lookupMaintenanceWindow({ deviceId, ...(when.window ? { name: when.window } : {}) });
    for (;;) {
      const decision = activationDecision(window, Date.now(), when.minimumMinutesLeft ?? DEFAULT_MINIMUM_WINDOW_MINUTES);
      if (decision.kind === 'open-now') {
        note('waiting', `maintenance window ${window.name} (${from}) is open until ${new Date(decision.endMs).toISOString()}`);
        return true;
      }
      if (decision.kind === 'none-left') return fail(`no maintenance window left to activate in: ${decision.reason}`);
      enter('waiting', `activation waits for maintenance window ${window.name} (${from}): ${decision.reason}`);
      replanned = false;
      if (await condition(() => replanned, Math.max(1, decision.untilMs - Date.now()))) return false;
    }
  }

  /**
   * Sends the reload (never twice: see sendReload) and waits, bounded, for the device to return.
   * `expect` is what the device runs once the reload took effect; a plain `reload` first arms the
   * reload marker (activities/reload-marker.ts), so a retried step can tell it already happened.
   */
  async function reloadAndWait(
    since: DeviceInventory,
    expect: { fileName: string; version: string } | undefined,
    send?: (proof: ReloadRequest) => Promise<ReloadOutcome>,
  ): Promise<DeviceInventory> {
    enter('reload', `reloading ${input.device.hostname}`);
    const proof: ReloadRequest = { deviceId, before: since, ...(expect ? { expect: { fileName: expect.fileName, version: expect.version } } : {}) };
    if (!send && patched('reload-marker')) {
      const marker = `netswim-reload-${uuid4().replace(/-/g, '').slice(0, 16)}`;
      if (await device.armReloadMarker({ deviceId, marker })) proof.marker = marker;
    }
    const sent = await (send ?? ((p: ReloadRequest) => reload.sendReload(p)))(proof);
    note('reload', RELOAD_OUTCOME_TEXT[sent]);
    const timeoutSeconds = input.reloadTimeoutSeconds ?? DEFAULT_RELOAD_TIMEOUT_SECONDS;
    const waiter = proxyActivities<UpgradeActivities>({
      startToCloseTimeout: `${timeoutSeconds + 120} seconds`,
      heartbeatTimeout: '1 minute',
      retry: { initialInterval: '5 seconds', maximumAttempts: 3, nonRetryableErrorTypes: ['DeviceDidNotReturn'] },
    });
    return waiter.waitForReload({ ...proof, timeoutSeconds });
  }

  /**
   * Puts the previous image back: boot it first (the new one stays as fallback), save, reload
   * unless the device already runs it (a failed boot fell through to it), verify. Ends the
   * workflow as failed with outcome `rolled-back` and the reason.
   */
  async function rollBack(reason: string, current: DeviceInventory): Promise<never> {
    const previous = before!;
    if (input.rollbackOnFailure === false) return fail(`${reason} (rollback is turned off for this upgrade)`);
    const fs = previous.flash.filesystem;
    const method = activationMethodOf(previous);
    let running = current;
    if (method === 'boot-variable') {
      const bootVariables = [`${fs}:${runningImagePathOf(previous)}`, `${fs}:${image.fileName}`].slice(0, driverFor(previous.os).maxBootEntries);
      enter('rollback', `${reason}; booting ${previous.runningImage} (${previous.version}) again`);
      await device.setBootVariables({ deviceId, bootVariables });
      if (current.runningImage !== previous.runningImage) running = await reloadAndWait(current, { fileName: previous.runningImage, version: previous.version });
    } else if (!runsTarget(current, { fileName: previous.runningImage, version: previous.version })) {
      // INSTALL mode activates the previous release's bundle again; NX-OS installs its image again.
      const file = method === 'install-all' ? previous.runningImage : previousBundle(previous);
      if (!file) return fail(`${reason}; automatic rollback needs the ${previous.version} bundle on ${fs}:, which is not there (INSTALL mode expanded it)`);
      // NX-OS kickstart + system: the previous pair goes back together.
      const previousKickstart = method === 'install-all' && previous.kickstartImage ? { kickstart: { fileName: previous.kickstartImage } } : {};
      enter('rollback', `${reason}; ${previousKickstart.kickstart ? `install all kickstart ${fs}:${previousKickstart.kickstart.fileName} system` : ACTIVATION_TEXT[method]} ${fs}:${file} again`);
      running = await reloadAndWait(current, { fileName: previous.runningImage, version: previous.version }, (proof) => activation.sendActivation({ ...proof, method, fileName: file, ...previousKickstart }));
    }
    if (!runsTarget(running, { fileName: previous.runningImage, version: previous.version })) {
      return fail(`${reason}; rollback failed: ${input.device.hostname} runs ${running.runningImage} (${running.version}), not ${previous.runningImage} (${previous.version})`);
    }
    await refreshRecord(deviceId);
    const message = `${reason}; rolled back to ${previous.version}`;
    status.outcome = 'rolled-back';
    status.error = message;
    enter('failed', message);
    throw ApplicationFailure.nonRetryable(message, 'RolledBack', status);
  }

  function result(outcome: UpgradeResult['outcome'], fromVersion: string, runningImage: string, bootVariables: string[], kickstartRunning?: string): UpgradeResult {
    return {
      outcome,
      device: input.device.hostname,
      fromVersion,
      toVersion: image.version,
      runningImage,
      ...(kickstartRunning ? { kickstartImage: kickstartRunning } : {}),
      bootVariables,
      checks: status.checks,
      addOnsActivated: [...activated],
      addOnsAlreadyActive: alreadyActive,
      ...(status.downgrade ? { downgrade: true } : {}),
    };
  }
}

/** ActivityFailure wraps the activity's own error; the person reading wants the inner message. */
function causeMessage(error: Error): string {
  let current: Error = error;
  while (current.cause instanceof Error) current = current.cause;
  return current.message;
}
