// What the upgrade workflow tests share: a real Temporal dev server, netswim (PGlite, image
// service, worker, API), a lab of devices registered through the API, and an uploaded image.
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startLab } from '../../lab/fleet.ts';
import type { Lab, LabPlatform } from '../../lab/types.ts';
import type { DevServer } from '../../scripts/temporal-dev-server.ts';
import { startTestNetswim, type TestNetswim } from './netswim.ts';
import { startTestTemporal } from './temporal.ts';
import { postJson, uploadImage } from './upgrades.ts';

export interface HarnessOptions {
  /** Names the temp folder. */
  name: string;
  devices: { hostname: string; platform?: LabPlatform }[];
  /** Site every device is registered at (default Global/Lab). */
  site?: string;
  /** Images uploaded at start: file name → size in bytes. */
  images?: Record<string, number>;
}

export interface UpgradeHarness {
  temporal: DevServer;
  netswim: TestNetswim;
  lab: Lab;
  /** Image ids by file name. */
  images: Record<string, string>;
  password: string;
  stop(): Promise<void>;
}

export async function startUpgradeHarness(options: HarnessOptions): Promise<UpgradeHarness> {
  const password = `pw-${randomBytes(6).toString('hex')}`;
  const dir = await mkdtemp(join(tmpdir(), `netswim-${options.name}-`));
  const temporal = await startTestTemporal();
  const netswim = await startTestNetswim(temporal.address);
  const lab = await startLab({
    stateDir: dir,
    devices: options.devices.map(({ hostname, platform }) => ({
      hostname,
      address: '127.0.0.1',
      port: 0,
      platform: platform ?? 'cat9300',
      username: 'netswim',
      password,
      enableSecret: password,
      reloadDurationMs: 1000,
    })),
  });
  for (const d of lab.devices) {
    await postJson(netswim, '/devices', { hostname: d.hostname, address: d.address, port: d.port, platform: d.spec.platform, site: options.site ?? 'Global/Lab', username: 'netswim', password, enableSecret: password });
  }
  const images: Record<string, string> = {};
  for (const [fileName, size] of Object.entries(options.images ?? {})) images[fileName] = await uploadImage(netswim, fileName, randomBytes(size));
  return {
    temporal,
    netswim,
    lab,
    images,
    password,
    async stop() {
      await lab.stop();
      await netswim.stopAll();
      await temporal.stop();
      await rm(dir, { recursive: true, force: true });
    },
  };
}
