// Ansible works against the lab unchanged: the `ansible` package from PyPI (pinned in
// test/ansible/requirements.txt, installed once per machine into a cached venv by
// scripts/python-env.ts) runs a playbook over `network_cli` with the collections it bundles:
// cisco.ios ios_facts (every subset), ios_command and ios_config with save_when: modified against
// an IOS-XE lab device, cisco.nxos nxos_facts and nxos_command against an NX-OS one.
// Offline and hermetic: a temp ANSIBLE_HOME/config, no galaxy, no user collections.
// NETSWIM_SKIP_ANSIBLE=1 skips it (machines without Python or without access to PyPI).
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { after, before, describe, it } from 'node:test';
import { startLab } from '../lab/fleet.ts';
import type { Lab, LabDevice } from '../lab/types.ts';
import { ensurePythonEnv } from '../scripts/python-env.ts';

const run = promisify(execFile);
const REQUIREMENTS = join(dirname(fileURLToPath(import.meta.url)), 'ansible', 'requirements.txt');
const skip = process.env.NETSWIM_SKIP_ANSIBLE === '1' ? 'NETSWIM_SKIP_ANSIBLE=1' : false;
const ALIAS = 'alias exec nswver show version';

interface TaskResult {
  failed?: boolean;
  changed?: boolean;
  msg?: string;
  ansible_facts?: Record<string, unknown>;
  stdout?: string[];
  warnings?: string[];
  exception?: string;
}

interface PlaybookJson {
  plays: { tasks: { task: { name: string }; hosts: Record<string, TaskResult> }[] }[];
  stats: Record<string, { failures: number; unreachable: number; ok: number }>;
}

void describe('Ansible (cisco.ios, cisco.nxos over network_cli) against the lab', { skip }, () => {
  let python = '';
  let lab: Lab;
  let work = '';

  before(async () => {
    const env = await ensurePythonEnv({ requirements: REQUIREMENTS, onProgress: (m) => process.stderr.write(`[python-env] ${m}\n`) });
    python = env.python;
    work = await mkdtemp(join(tmpdir(), 'netswim-ansible-'));
    lab = await startLab({
      stateDir: join(work, 'lab'),
      devices: [
        { hostname: 'an-xe', address: '127.0.0.1', port: 0, platform: 'cat9300', username: 'operator', password: 'pw-xe-ansible', enableSecret: 'en-xe-ansible' },
        { hostname: 'an-nx', address: '127.0.0.1', port: 0, platform: 'n9k', username: 'admin', password: 'pw-nx-ansible', enableSecret: 'en-nx-ansible' },
      ],
    });
  });

  after(async () => {
    await lab?.stop();
    if (work) await rm(work, { recursive: true, force: true });
  });

  function hostVars(device: LabDevice, os: string): string {
    return [
      `ansible_host=${device.address}`,
      `ansible_port=${device.port}`,
      `ansible_user=${device.spec.username}`,
      `ansible_password=${device.spec.password}`,
      'ansible_connection=ansible.netcommon.network_cli',
      `ansible_network_os=${os}`,
      'ansible_become=true',
      'ansible_become_method=enable',
      `ansible_become_password=${device.spec.enableSecret ?? ''}`,
    ].join(' ');
  }

  async function playbook(): Promise<PlaybookJson> {
    const xe = lab.device('an-xe');
    const nx = lab.device('an-nx');
    await writeFile(join(work, 'inventory.ini'), `[ios]\nan-xe ${hostVars(xe, 'cisco.ios.ios')}\n[nxos]\nan-nx ${hostVars(nx, 'cisco.nxos.nxos')}\n`);
    await writeFile(join(work, 'ansible.cfg'), '[defaults]\nhost_key_checking = False\n');
    await writeFile(
      join(work, 'site.yml'),
      `- hosts: ios
  gather_facts: false
  tasks:
    - name: ios_facts
      cisco.ios.ios_facts: { gather_subset: all }
    - name: ios_command
      cisco.ios.ios_command: { commands: [show version] }
    - name: ios_config
      cisco.ios.ios_config: { lines: ["${ALIAS}"], save_when: modified }
- hosts: nxos
  gather_facts: false
  tasks:
    - name: nxos_facts
      cisco.nxos.nxos_facts: { gather_subset: all }
    - name: nxos_command
      cisco.nxos.nxos_command: { commands: [show version] }
`,
    );
    const home = join(work, 'home');
    const { stdout } = await run(python, ['-m', 'ansible', 'playbook', '-i', join(work, 'inventory.ini'), join(work, 'site.yml')], {
      cwd: work,
      timeout: 300_000,
      maxBuffer: 64 * 1024 * 1024,
      env: {
        PATH: process.env.PATH ?? '',
        HOME: home,
        ANSIBLE_CONFIG: join(work, 'ansible.cfg'),
        ANSIBLE_HOME: join(home, '.ansible'),
        ANSIBLE_LOCAL_TEMP: join(home, 'tmp'),
        ANSIBLE_PERSISTENT_CONTROL_PATH_DIR: join(home, 'pc'),
        ANSIBLE_COLLECTIONS_PATH: join(home, 'collections'),
        ANSIBLE_HOST_KEY_CHECKING: 'False',
        ANSIBLE_STDOUT_CALLBACK: 'ansible.posix.json',
        ANSIBLE_PERSISTENT_COMMAND_TIMEOUT: '60',
        ANSIBLE_NOCOLOR: '1',
        // A failing module's traceback in the report, so the assertion shows where it broke.
        ANSIBLE_DISPLAY_TRACEBACK: 'error',
      },
    }).catch((error: Error & { stdout?: string; stderr?: string }) => {
      // A failed task exits 2 with the JSON report on stdout: the assertions name the task.
      if (error.stdout?.trim().startsWith('{')) return { stdout: error.stdout };
      throw new Error(`ansible-playbook failed: ${error.message}\n${error.stdout ?? ''}\n${error.stderr ?? ''}`);
    });
    return JSON.parse(stdout) as PlaybookJson;
  }

  void it('gathers facts, runs commands and saves a config change on IOS-XE and NX-OS', async () => {
    const started = Date.now();
    const report = await playbook();
    process.stderr.write(`[ansible] playbook ran in ${Math.round((Date.now() - started) / 1000)} s\n`);
    const results = new Map<string, TaskResult>();
    for (const play of report.plays) for (const task of play.tasks) for (const [host, r] of Object.entries(task.hosts)) results.set(`${host} ${task.task.name}`, r);
    for (const [key, r] of results) assert.ok(!r.failed, `${key} failed: ${r.msg ?? ""}\n${r.exception ?? ""}`);

    const xe = lab.device('an-xe').state();
    const iosFacts = results.get('an-xe ios_facts')?.ansible_facts ?? {};
    assert.equal(iosFacts.ansible_net_hostname, 'an-xe');
    assert.equal(iosFacts.ansible_net_version, xe.version);
    assert.match(String(iosFacts.ansible_net_image), new RegExp(xe.runningImage.replace(/[.]/g, '\\.')));
    assert.ok(String(iosFacts.ansible_net_config).includes('hostname an-xe'), 'running-config gathered');
    // The interfaces subset: exactly the lab's interfaces, the management address on Gi0/0.
    const interfaces = iosFacts.ansible_net_interfaces as Record<string, { ipv4?: { address: string }[]; operstatus?: string }>;
    assert.deepEqual(Object.keys(interfaces).sort(), ['GigabitEthernet0/0', 'GigabitEthernet1/0/1', 'GigabitEthernet1/0/2', 'TenGigabitEthernet1/1/1', 'Vlan1']);
    assert.deepEqual(interfaces['GigabitEthernet0/0']?.ipv4?.map((a) => a.address), [lab.device('an-xe').address]);
    assert.equal(interfaces['GigabitEthernet1/0/2']?.operstatus, 'down');
    // The hardware subset: memory from `show memory statistics`.
    assert.ok(Number(iosFacts.ansible_net_memtotal_mb) > 0, `memtotal_mb: ${String(iosFacts.ansible_net_memtotal_mb)}`);
    assert.ok(results.get('an-xe ios_command')?.stdout?.[0]?.includes(xe.version), 'ios_command show version');
    const config = results.get('an-xe ios_config');
    assert.equal(config?.changed, true, 'ios_config changed the device');
    assert.ok(lab.device('an-xe').state().aliases?.includes(ALIAS.replace(/^alias exec /, '')), 'running-config has the alias');
    assert.ok(lab.device('an-xe').state().savedAliases?.includes(ALIAS.replace(/^alias exec /, '')), 'save_when: modified wrote startup-config');

    const nx = lab.device('an-nx').state();
    const nxFacts = results.get('an-nx nxos_facts')?.ansible_facts ?? {};
    assert.equal(nxFacts.ansible_net_hostname, 'an-nx');
    assert.equal(nxFacts.ansible_net_version, nx.version);
    assert.equal(nxFacts.ansible_net_image, `bootflash:///${nx.runningImage}`);
    // `show processes cpu | json` read as NX-API's structure.
    assert.equal(typeof (nxFacts.ansible_net_cpu_utilization as { core?: { one_minute?: unknown } } | undefined)?.core?.one_minute, 'number');
    assert.ok(results.get('an-nx nxos_command')?.stdout?.[0]?.includes(nx.version), 'nxos_command show version');
  });
});
