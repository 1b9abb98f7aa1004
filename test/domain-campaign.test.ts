import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  allowedFailures,
  campaignChangeOutcome,
  cancelRefusal,
  haltReason,
  markEnded,
  markStarted,
  MAX_LISTED,
  newProgress,
  pauseRefusal,
  planWaves,
  resumeRefusal,
  waveOf,
  type CampaignProgress,
  type DeviceOutcome,
} from '../domain/campaign.ts';

describe('campaign waves', () => {
  it('canary 1, then 10 %, then the rest', () => {
    assert.deepEqual(planWaves(100, { canary: 1, percents: [10] }), [1, 10, 89]);
    assert.deepEqual(planWaves(10_000, { canary: 5, percents: [1, 10, 50] }), [5, 100, 1000, 5000, 3895]);
  });

  it('a percent of a small fleet is at least one device; empty waves are left out; sizes add up', () => {
    assert.deepEqual(planWaves(6, { canary: 1, percents: [10] }), [1, 1, 4]);
    assert.deepEqual(planWaves(2, { canary: 1, percents: [10, 50] }), [1, 1]);
    assert.deepEqual(planWaves(3, { canary: 5, percents: [] }), [3]);
    assert.deepEqual(planWaves(4, { canary: 0, percents: [100] }), [4]);
    assert.deepEqual(planWaves(0, { canary: 1, percents: [10] }), []);
    for (const n of [1, 7, 99, 1234]) assert.equal(planWaves(n, { canary: 2, percents: [3, 33] }).reduce((a, b) => a + b, 0), n);
  });

  it('finds the wave of a device by its position', () => {
    const sizes = [1, 2, 3];
    assert.deepEqual(waveOf(sizes, 0), { index: 0, start: 0, end: 1 });
    assert.deepEqual(waveOf(sizes, 2), { index: 1, start: 1, end: 3 });
    assert.deepEqual(waveOf(sizes, 5), { index: 2, start: 3, end: 6 });
    assert.equal(waveOf(sizes, 6).index, 3);
  });
});

describe('failure budget', () => {
  it('a count, or a percent of all devices rounded down; none by default', () => {
    assert.equal(allowedFailures(100, { count: 3 }), 3);
    assert.equal(allowedFailures(100, { percent: 5 }), 5);
    assert.equal(allowedFailures(19, { percent: 10 }), 1);
    assert.equal(allowedFailures(100, undefined), 0);
  });

  it('halts when failures exceed the budget, and at any canary failure', () => {
    assert.equal(haltReason({ failures: 0, total: 10, inCanary: true }, undefined), undefined);
    assert.match(haltReason({ failures: 1, total: 10, inCanary: true }, { count: 5 }) ?? '', /canary failed/);
    assert.equal(haltReason({ failures: 2, total: 10, inCanary: false }, { count: 2 }), undefined);
    assert.match(haltReason({ failures: 3, total: 10, inCanary: false }, { count: 2 }) ?? '', /3 devices failed, over the failure budget of 2/);
    assert.match(haltReason({ failures: 1, total: 10, inCanary: false }, undefined) ?? '', /budget of 0/);
  });
});

describe('campaign progress', () => {
  it('moves devices from queued to running to an outcome, lists failures with reasons, capped', () => {
    const p = newProgress({ campaignId: 'c1', name: 'n', total: 300, waves: [1, 299], maxInFlight: 2, allowedFailures: 0 });
    markStarted(p, 'a');
    assert.deepEqual([p.stages.queued, p.stages.running, p.inFlight, p.inFlightDevices], [299, 1, 1, ['a']]);
    markEnded(p, 'a', 'upgraded', '17.06 → 17.09', true);
    assert.deepEqual([p.stages.running, p.stages.upgraded, p.inFlight, p.inFlightDevices], [0, 1, 0, []]);
    markEnded(p, 'b', 'skipped', 'an upgrade is already running', false);
    assert.deepEqual(p.skipped, [{ hostname: 'b', reason: 'an upgrade is already running' }]);
    for (let i = 0; i < 150; i++) {
      markStarted(p, `d${i}`);
      markEnded(p, `d${i}`, i % 2 ? 'failed' : 'rolled-back', `reason ${i}`, true);
    }
    assert.equal(p.failureCount, 150);
    assert.equal(p.failures.length, MAX_LISTED);
    assert.deepEqual(p.failures[1], { hostname: 'd1', reason: 'reason 1' });
    assert.equal(p.stages.failed + p.stages['rolled-back'], 150);
    assert.equal(p.stages.queued, 300 - 152);
  });

  it('says why an operator action cannot be done', () => {
    assert.equal(pauseRefusal('running'), undefined);
    assert.match(pauseRefusal('paused') ?? '', /only a running campaign can be paused/);
    assert.equal(resumeRefusal('paused'), undefined);
    assert.match(resumeRefusal('running') ?? '', /only a paused campaign can be resumed/);
    assert.equal(cancelRefusal('paused'), undefined);
    assert.match(cancelRefusal('completed') ?? '', /nothing left to cancel/);
    assert.match(cancelRefusal('cancelling') ?? '', /cancelling/);
    // Waiting for the ITSM decision: it can be cancelled, not paused.
    assert.equal(cancelRefusal('awaiting-approval'), undefined);
    assert.match(pauseRefusal('awaiting-approval') ?? '', /awaiting-approval: only a running campaign/);
    assert.match(cancelRefusal('rejected') ?? '', /nothing left to cancel/);
  });
});

describe("the campaign's ITSM change outcome", () => {
  const ended = (state: CampaignProgress['state'], outcomes: DeviceOutcome[], reason?: string): CampaignProgress => {
    const p = newProgress({ campaignId: 'c1', name: 'core', total: outcomes.length + 1, waves: [outcomes.length + 1], maxInFlight: 5, allowedFailures: 1 });
    outcomes.forEach((o, i) => {
      markStarted(p, `sw${i}`);
      markEnded(p, `sw${i}`, o, undefined, true);
    });
    p.state = state;
    if (reason) p.reason = reason;
    return p;
  };

  it('is implemented only when every device ended well, and counts them in the work notes', () => {
    const outcome = campaignChangeOutcome(ended('completed', ['upgraded', 'upgraded', 'already-running']));
    assert.equal(outcome.state, 'implemented');
    // Devices that never started (one here) are in the total, not in an outcome.
    assert.equal(outcome.workNotes, 'netswim: campaign core completed: 2 upgraded, 1 already-running of 4');
  });

  it('is failed after any failure (even within the budget) or a halt, and canceled after a cancel', () => {
    assert.equal(campaignChangeOutcome(ended('completed', ['upgraded', 'failed'])).state, 'failed');
    const halted = campaignChangeOutcome(ended('halted', ['rolled-back'], 'the canary failed (1 failure): remaining waves halted'));
    assert.equal(halted.state, 'failed');
    assert.match(halted.workNotes, /halted \(the canary failed .*\): 1 rolled-back of 2/);
    assert.equal(campaignChangeOutcome(ended('cancelled', ['upgraded', 'cancelled'], 'cancelled by an operator')).state, 'canceled');
  });
});
