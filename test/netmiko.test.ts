// Standard tools work against the lab unchanged: netmiko (pinned in test/netmiko/requirements.txt,
// installed once per machine into a cached venv by scripts/python-env.ts) logs into one lab device
// of every platform the lab simulates with the driver an operator would pick for it, runs
// `show version`, enters and leaves config mode with send_config_set, saves with save_config, and
// reads the change back from the running and startup configurations; file_transfer pushes a file
// over SCP to an IOS-XE and an NX-OS device (space check, MD5 verify, bytes on flash checked); and
// ntc-templates' TextFSM templates parse each platform's show commands into the lab's real state.
// NETSWIM_SKIP_NETMIKO=1 skips it (machines without Python or without access to PyPI).
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
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
const TRANSFER_SCRIPT = join(dirname(fileURLToPath(import.meta.url)), 'netmiko', 'transfer.py');
const TEXTFSM_SCRIPT = join(dirname(fileURLToPath(import.meta.url)), 'netmiko', 'textfsm_parse.py');
/** TextFSM: one device per platform, every `show` command the lab answers that ntc-templates has a template for. */
// Not yet: `show license usage` (NX-OS; the lab prints IOS-XE smart-licensing lines the template
// refuses) and `show boot` on routers (the Catalyst template; the lab prints bootvar lines there).
const TEXTFSM_IOS = ['show version', 'show inventory', 'show ip interface brief', 'show interfaces', 'show ip interface', 'show clock', 'dir', 'show processes cpu', 'show ip route summary'];
const TEXTFSM_NXOS = ['show version', 'show inventory', 'show ip interface brief', 'show clock', 'dir', 'show processes cpu'];
// Cisco platforms: the ntc-templates platforms cisco_ios / cisco_nxos.
const TEXTFSM = mixPlatforms().filter((platform) => ['ios', 'ios-xe', 'nx-os'].includes(profileOf(platform).family)).map((platform) => {
  const profile = profileOf(platform);
  const nxos = profile.family === 'nx-os';
  const catalyst = profile.family !== 'nx-os' && !profile.iosXeRouter && profile.family !== 'ios';
  return { platform, hostname: `nm-tf-${platform}`.slice(0, 24), nxos, commands: nxos ? TEXTFSM_NXOS : catalyst ? [...TEXTFSM_IOS, 'show boot'] : TEXTFSM_IOS };
});
/** file_transfer over SCP: one IOS-XE and one NX-OS device, after the session cases. */
const TRANSFERS = [
  { hostname: 'nm-ft-xe', platform: 'cat9300' as const, driver: 'cisco_xe', fileSystem: 'flash:' },
  { hostname: 'nm-ft-nx', platform: 'n9k' as const, driver: 'cisco_nxos', fileSystem: 'bootflash:' },
];
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
      devices: [
        ...CASES.map(({ platform }, i) => ({
          hostname: `nm-${String(i + 1).padStart(2, '0')}`,
          address: '127.0.0.1',
          port: 0,
          platform,
          username: 'operator',
          password: `pw-${i}-netmiko`,
          // Login lands at `>`; netmiko's enable() must reach `#` (NX-OS lands at `#`).
          enableSecret: `en-${i}-netmiko`,
        })),
        ...TEXTFSM.map(({ hostname, platform }) => ({ hostname, address: '127.0.0.1', port: 0, platform, username: 'admin', password: `pw-${hostname}`, enableSecret: `en-${hostname}` })),
        ...TRANSFERS.map(({ hostname, platform }) => ({
          hostname,
          address: '127.0.0.1',
          port: 0,
          platform,
          username: 'admin',
          password: `pw-${hostname}`,
          enableSecret: `en-${hostname}`,
        })),
      ],
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

  for (const { hostname, driver, fileSystem } of TRANSFERS) {
    void it(`${driver}: file_transfer pushes a file over SCP with its space check and MD5 verify`, async () => {
      const device = lab.device(hostname);
      const image = join(stateDir, `${hostname}-push.bin`);
      const bytes = randomBytes(300_000);
      await writeFile(image, bytes);
      const { stdout } = await run(python, [TRANSFER_SCRIPT, driver, device.address, String(device.port), image, fileSystem], {
        timeout: 120_000,
        env: { ...process.env, LAB_USERNAME: device.spec.username, LAB_PASSWORD: device.spec.password, LAB_SECRET: device.spec.enableSecret ?? '' },
      }).catch((error: Error & { stdout?: string }) => {
        if (error.stdout) return { stdout: error.stdout };
        throw error;
      });
      const result = JSON.parse(stdout) as { ok: boolean; step: string; error?: string; traceback?: string; transfer?: Record<string, boolean>; again?: Record<string, boolean>; refused_before?: string | null };
      assert.ok(result.ok, `file_transfer failed at "${result.step}": ${result.error}\n${result.traceback ?? ''}`);
      // Before `ip scp server enable` / `feature scp-server` the device rejects the scp exec request.
      assert.equal(result.refused_before, 'SSHException: Channel closed.');
      assert.deepEqual(result.transfer, { file_exists: true, file_transferred: true, file_verified: true });
      // Second run: netmiko finds the file with the right MD5 (`dir`, verify) and copies nothing.
      assert.deepEqual(result.again, { file_exists: true, file_transferred: false, file_verified: true });
      const stored = device.state().flash.find((f) => f.name === `${hostname}-push.bin`);
      assert.deepEqual(stored && { size: stored.size, md5: stored.md5 }, { size: bytes.length, md5: createHash('md5').update(bytes).digest('hex') });
    });
  }

  for (const { platform, hostname, nxos, commands } of TEXTFSM) {
    void it(`ntc-templates TextFSM parses the lab's ${platform} show commands into its real state`, async () => {
      const device = lab.device(hostname);
      const { stdout } = await run(python, [TEXTFSM_SCRIPT, nxos ? 'cisco_nxos' : 'cisco_ios', device.address, String(device.port), nxos ? 'cisco_nxos' : 'cisco_ios'], {
        timeout: 120_000,
        env: { ...process.env, LAB_USERNAME: device.spec.username, LAB_PASSWORD: device.spec.password, LAB_SECRET: device.spec.enableSecret ?? '', LAB_COMMANDS: JSON.stringify(commands) },
      }).catch((error: Error & { stdout?: string }) => {
        if (error.stdout) return { stdout: error.stdout };
        throw error;
      });
      type Parsed = Record<string, { records?: Record<string, unknown>[]; error?: string; output?: string }>;
      const result = JSON.parse(stdout) as { ok: boolean; step: string; error?: string; parsed?: Parsed };
      assert.ok(result.ok, `TextFSM script failed at "${result.step}": ${result.error}`);
      const parsed = result.parsed ?? {};
      const failures = commands.filter((c) => parsed[c]?.error || !parsed[c]?.records?.length).map((c) => `${c}: ${parsed[c]?.error ?? 'no records'}\n${parsed[c]?.output ?? ''}`);
      assert.deepEqual(failures, [], 'every command parses into records');
      const state = device.state();
      const version = parsed['show version']?.records?.[0] ?? {};
      assert.equal(version.hostname, hostname);
      // IOS-XE's `Cisco IOS Software ..., Version 17.6.5` line (the one the template reads) drops
      // the zeros `Cisco IOS XE Software, Version 17.06.05` has, as real devices print it.
      assert.equal(nxos ? version.os : version.version, nxos ? state.version : state.version.replace(/\b0+(\d)/g, '$1'));
      const names = (command: string): string[] => (parsed[command]?.records ?? []).map((r) => String(r.interface ?? r.intf)).sort();
      assert.ok(names('show ip interface brief').length > 0, 'interfaces parsed');
      // Every interface command names the same interfaces.
      if (!nxos) for (const c of ['show interfaces', 'show ip interface']) assert.deepEqual(names(c), names('show ip interface brief'), c);
      const sizes = new Map((parsed.dir?.records ?? []).map((r) => [String(r.name ?? r.item_name), Number(r.size)]));
      // Top-level files; folders and what is inside them are listed differently.
      for (const f of state.flash.filter((x) => !x.name.includes('/'))) assert.equal(sizes.get(f.name), f.size, `dir lists ${f.name} with its size`);
    });
  }
});
