// runtime/config.ts: settings read from the environment, refused with a message that names them.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { loadConfig } from '../runtime/config.ts';

describe('NETSWIM_PROGRESS_INTERVAL', () => {
  it('is 10 s by default and takes seconds up to 30', () => {
    assert.equal(loadConfig({}).progressIntervalSeconds, 10);
    assert.equal(loadConfig({ NETSWIM_PROGRESS_INTERVAL: '2s' }).progressIntervalSeconds, 2);
    assert.equal(loadConfig({ NETSWIM_PROGRESS_INTERVAL: '30s' }).progressIntervalSeconds, 30);
  });

  it('refuses what is not a duration, zero, and more than 30 s (the transfers must heartbeat within their minute)', () => {
    assert.throws(() => loadConfig({ NETSWIM_PROGRESS_INTERVAL: 'fast' }), /NETSWIM_PROGRESS_INTERVAL: seconds such as 10s/);
    assert.throws(() => loadConfig({ NETSWIM_PROGRESS_INTERVAL: '0s' }), /NETSWIM_PROGRESS_INTERVAL: from 1s to 30s/);
    assert.throws(() => loadConfig({ NETSWIM_PROGRESS_INTERVAL: '31s' }), /NETSWIM_PROGRESS_INTERVAL: from 1s to 30s/);
    assert.throws(() => loadConfig({ NETSWIM_PROGRESS_INTERVAL: '1m' }), /NETSWIM_PROGRESS_INTERVAL: seconds such as 10s/);
  });
});
