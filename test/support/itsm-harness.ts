// The ITSM test setting: a Temporal dev server, the lab ITSM server (Table API, basic auth), netswim
// with the integration on (approval timeout 6 s) and its callback wired to the lab, lab Catalyst
// 9300s registered at Global/Lab, and one small image uploaded.
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startLab } from '../../lab/fleet.ts';
import { startItsmLab, type ItsmLab } from '../../lab/itsm-server.ts';
import type { Lab } from '../../lab/types.ts';
import { freePort, type DevServer } from '../../scripts/temporal-dev-server.ts';
import { startTestNetswim, type TestNetswim } from './netswim.ts';
import { startTestTemporal } from './temporal.ts';
import { postJson, uploadImage } from './upgrades.ts';

export interface ItsmHarness {
  temporal: DevServer;
  netswim: TestNetswim;
  itsm: ItsmLab;
  lab: Lab;
  imageId: string;
  /** Stops the Temporal server; `startTemporal` brings it back with its workflows, at the same address. */
  stopTemporal(): Promise<void>;
  startTemporal(): Promise<void>;
  stop(): Promise<void>;
}

/** Approval timeout of the harness's netswim, as configured and as netswim words it. */
export const ITSM_APPROVAL_TIMEOUT = '6s';

/** `env`: more settings for netswim (NETSWIM_ITSM_DECISION_RECHECK, say). */
export async function startItsmHarness(options: { hostnames: string[]; imageFile: string; env?: Record<string, string> }): Promise<ItsmHarness> {
  const password = `pw-${randomBytes(6).toString('hex')}`;
  const itsmPassword = `itsm-${randomBytes(8).toString('hex')}`;
  const callbackSecret = `cb-${randomBytes(16).toString('hex')}`;
  const dir = await mkdtemp(join(tmpdir(), 'netswim-itsm-'));
  const started: Partial<ItsmHarness> = {};
  const stop = async (): Promise<void> => {
    await started.lab?.stop();
    await started.netswim?.stopAll();
    await started.itsm?.close();
    await started.temporal?.stop();
    await rm(dir, { recursive: true, force: true });
  };
  // A file and a fixed port, so that a test can stop the server and start it again.
  const temporalAt = { dbFile: join(dir, 'temporal.db'), port: await freePort() };
  try {
    const temporal = (started.temporal = await startTestTemporal(temporalAt));
    const itsm = (started.itsm = await startItsmLab({ users: [{ username: 'netswim', password: itsmPassword }] }));
    const netswim = (started.netswim = await startTestNetswim(temporal.address, {
      env: {
        NETSWIM_ITSM_URL: itsm.url,
        NETSWIM_ITSM_AUTH: 'basic',
        NETSWIM_ITSM_USERNAME: 'netswim',
        NETSWIM_ITSM_PASSWORD: itsmPassword,
        NETSWIM_ITSM_CALLBACK_SECRET: callbackSecret,
        NETSWIM_ITSM_APPROVAL_TIMEOUT: ITSM_APPROVAL_TIMEOUT,
        ...options.env,
      },
    }));
    itsm.setCallback(`${netswim.apiUrl}/itsm/callback`, callbackSecret);
    const lab = (started.lab = await startLab({
      stateDir: join(dir, 'lab'),
      devices: options.hostnames.map((hostname) => ({ hostname, address: '127.0.0.1', port: 0, platform: 'cat9300' as const, username: 'netswim', password, enableSecret: password, reloadDurationMs: 1000 })),
    }));
    for (const d of lab.devices) {
      await postJson(netswim, '/devices', { hostname: d.hostname, address: d.address, port: d.port, platform: 'cat9300', site: 'Global/Lab', username: 'netswim', password, enableSecret: password });
    }
    const imageId = await uploadImage(netswim, options.imageFile, randomBytes(512 * 1024 + 3));
    const harness: ItsmHarness = {
      temporal,
      netswim,
      itsm,
      lab,
      imageId,
      stop,
      stopTemporal: async () => {
        await started.temporal?.stop();
        delete started.temporal;
      },
      startTemporal: async () => {
        harness.temporal = started.temporal = await startTestTemporal(temporalAt);
      },
    };
    return harness;
  } catch (error) {
    await stop();
    throw error;
  }
}
