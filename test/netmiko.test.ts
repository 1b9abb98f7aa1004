// Standard tools work against the lab unchanged: netmiko (pinned in test/netmiko/requirements.txt,
// installed once per machine into a cached venv by scripts/python-env.ts) logs into one lab device
// of every platform the lab simulates with the driver an operator would pick for it, runs
// `show version`, enters and leaves config mode with send_config_set, saves with save_config, and
// reads the change back from the running and startup configurations.
// NETSWIM_SKIP_NETMIKO=1 skips it (machines without Python or without access to PyPI).
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { after, before, describe, it } from 'node:test';
import { startLab } from '../lab/fleet.ts';
import { mixPlatforms } from '../lab/fleet-spec.ts';
import { profileOf } from '../lab/platforms.ts';
import type { Lab, LabDevice } from '../lab/types.ts';
import { ensurePythonEnv } from '../scripts/python-env.ts';

const run = promisify(execFile);
const SESSION_SCRIPT = join(dirname(fileURLToPath(import.meta.url)), 'netmiko', 'session.py');
const skip = process.env.NETSWIM_SKIP_NETMIKO === '1' ? 'NETSWIM_SKIP_NETMIKO=1' : false;

/** netmiko drivers an operator would use for each software family. */
const DRIVERS: Record<string, string[]> = {
  'ios-xe': ['cisco_xe', 'cisco_ios'],
  ios: ['cisco_ios'],
  'nx-os': ['cisco_nxos'],
};

/** One device per (platform, driver): the sessions run in parallel and each changes its own device. */
const CASES = mixPlatforms().flatMap((platform) => {
  const family = profileOf(platform).family;
  return (DRIVERS[family] ?? []).map((driver) => ({ platform, family, driver }));
});

interface SessionResult {
  ok: boolean;
  step: string;
  error?: string;
  traceback?: string;
  prompt?: string;
  show_version?: string;
  config_output?: string;
  in_config_mode_after?: boolean;
  running_include?: string;
  save_output?: string;
  startup_include?: string;
}

void describe('netmiko against the lab', { skip, concurrency: true }, () => {
  let python = '';
  let lab: Lab;
  let stateDir = '';

  before(async () => {
    const env = await ensurePythonEnv({ onProgress: (m) => process.stderr.write(`[python-env] ${m}\n`) });
    python = env.python;
    stateDir = await mkdtemp(join(tmpdir(), 'netswim-netmiko-'));
    lab = await startLab({
      stateDir,
      devices: CASES.map(({ platform }, i) => ({
        hostname: `nm-${String(i + 1).padStart(2, '0')}`,
        address: '127.0.0.1',
        port: 0,
        platform,
        username: 'operator',
        password: `pw-${i}-netmiko`,
        // Login lands at `>`; netmiko's enable() must reach `#` (NX-OS ignores it).
        enableSecret: `en-${i}-netmiko`,
      })),
    });
  });

  after(async () => {
    await lab?.stop();
    if (stateDir) await rm(stateDir, { recursive: true, force: true });
  });

  async function session(device: LabDevice, driver: string, configLine: string): Promise<SessionResult> {
    const { stdout } = await run(python, [SESSION_SCRIPT, driver, device.address, String(device.port)], {
      timeout: 120_000,
      env: {
        ...process.env,
        LAB_USERNAME: device.spec.username,
        LAB_PASSWORD: device.spec.password,
        LAB_SECRET: device.spec.enableSecret ?? '',
        LAB_CONFIG_LINE: configLine,
        LAB_INCLUDE: 'domain',
      },
    }).catch((error: Error & { stdout?: string }) => {
      // session.py exits 1 with its JSON on stdout when a step fails: report that step.
      if (error.stdout) return { stdout: error.stdout };
      throw error;
    });
    return JSON.parse(stdout) as SessionResult;
  }

  for (const [index, { platform, family, driver }] of CASES.entries()) {
    void it(`${driver} on ${platform}: show version, config mode, save`, async () => {
      const device = lab.device(`nm-${String(index + 1).padStart(2, '0')}`);
      const domain = `${driver.replace(/_/g, '-')}.lab.example`;
      const configLine = family === 'nx-os' ? `ip domain-name ${domain}` : `ip domain name ${domain}`;
      const result = await session(device, driver, configLine);
      assert.ok(result.ok, `netmiko failed at "${result.step}": ${result.error}\n${result.traceback ?? ''}`);
      assert.match(result.prompt ?? '', new RegExp(`^${device.hostname}#$`), 'privileged prompt after enable()');
      assert.ok(result.show_version?.includes(device.state().version), `show version names ${device.state().version}`);
      assert.ok(result.config_output?.includes(`(config)#${configLine}`), `config line typed in config mode: ${result.config_output}`);
      assert.equal(result.in_config_mode_after, false, 'send_config_set leaves config mode');
      assert.ok(result.running_include?.includes(domain), `running-config has the change: ${result.running_include}`);
      assert.match(result.save_output ?? '', /\[OK\]|Copy complete/, 'save confirmed');
      assert.ok(result.startup_include?.includes(domain), `startup-config has the change: ${result.startup_include}`);
    });
  }
});
