// Arista EOS end to end: the lab's DCS-7050SX3 (lab/os-eos.ts) answers in the shape of the real
// captures netswim's conformance corpus holds (ntc-templates arista_eos), and an upgrade through the
// real Temporal workflow copies the .swi, verifies it, sets `boot system flash:<image>.swi`, saves,
// reloads once and finds the device running the target; EOS output netswim cannot read stops the
// upgrade naming the line, the device unchanged.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { after, before, describe, it } from 'node:test';
import { parseDirFlash } from '../domain/parsers/dir-flash.ts';
import { parseShowBoot } from '../domain/parsers/show-boot.ts';
import { parseShowVersion } from '../domain/parsers/show-version.ts';
import { parseVerifyMd5 } from '../domain/parsers/verify-md5.ts';
import { driverFor, driverOfShowVersion } from '../drivers/index.ts';
import type { Lab } from '../lab/types.ts';
import { PROMPT, Shell, startFileServer } from './support/lab-shell.ts';
import type { TestNetswim } from './support/netswim.ts';
import { startUpgradeHarness, type UpgradeHarness } from './support/upgrade-harness.ts';
import { runUpgrade } from './support/upgrades.ts';

const TARGET = 'EOS-4.28.9M.swi';
const capture = (command: string, name: string): Promise<string> => readFile(new URL(`./fixtures/conformance/${command}/ntc-arista_eos-${name}.txt`, import.meta.url), 'utf8');
/** The `Label:` keys of an EOS output, in order: the shape a real capture has. */
const labels = (text: string): string[] => [...text.matchAll(/^([A-Z][\w ()]*?):/gm)].map((m) => m[1]!);

let harness: UpgradeHarness;
let netswim: TestNetswim;
let lab: Lab;
let target: string;

before(async () => {
  harness = await startUpgradeHarness({
    name: 'eos',
    devices: [
      { hostname: 'eos-leaf', platform: 'dcs7050sx3' },
      { hostname: 'eos-odd', platform: 'dcs7050sx3' },
      { hostname: 'eos-shell', platform: 'dcs7050sx3' },
    ],
    images: { [TARGET]: 1024 * 1024 + 7 },
  });
  ({ netswim, lab } = harness);
  target = harness.images[TARGET]!;
});

after(() => harness?.stop());

/** A shell after `enable` (the harness's devices have an enable secret). */
async function privileged(hostname: string): Promise<Shell> {
  const device = lab.device(hostname);
  const s = await Shell.open(device);
  s.send('enable\r');
  await s.expect(/Password: ?$/);
  s.send(`${device.spec.enableSecret}\r`);
  await s.expect(PROMPT);
  await s.run('terminal length 0');
  return s;
}

describe('EOS lab device: real shapes, read by netswim', () => {
  it('show version, dir flash: and show boot-config have the captures\' lines and parse to the device state', async () => {
    const device = lab.device('eos-shell');
    const s = await privileged('eos-shell');
    try {
      const state = device.state();
      const version = await s.run('show version');
      assert.deepEqual(labels(version), labels(await capture('show-version', 'arista_eos_show_version2')), 'the CCS-720XP capture\'s lines, in order');
      assert.match(version, /^Arista DCS-7050SX3-48YC8$/m);
      assert.equal(driverOfShowVersion(version).label, 'EOS');
      const read = parseShowVersion(version);
      assert.equal(read.version, '4.27.6M');
      assert.equal(read.version, state.version);

      const dirText = await s.run('dir flash:');
      assert.match(dirText, /^Directory of flash:\/$/m);
      // The capture's columns: permissions, size, date, name; no index.
      assert.match(dirText, /^ {7}-rwx {3}609823300 +[A-Z][a-z]{2} \d{1,2} (?:\d\d:\d\d| \d{4}) {2}EOS-4\.27\.6M\.swi$/m);
      assert.match(dirText, /^\d+ bytes total \(\d+ bytes free\)$/m);
      const flash = parseDirFlash(dirText);
      assert.equal(driverFor('eos').runningImageOf(read, flash), `flash:${state.runningImage}`);

      const boot = await s.run('show boot-config');
      assert.deepEqual(labels(boot).slice(0, 2), labels(await capture('show-boot', 'arista_eos_show_boot-config')).slice(0, 2));
      assert.deepEqual(parseShowBoot(boot).next, ['flash:EOS-4.27.6M.swi']);
      assert.equal(parseVerifyMd5(await s.run(`verify /md5 flash:${state.runningImage}`)), state.flash.find((f) => f.name === state.runningImage)?.md5);

      // `boot system` replaces EOS's one boot image; write memory confirms as EOS does.
      await s.run('configure terminal');
      await s.run('boot system flash:EOS-4.27.6M.swi');
      await s.run('end');
      assert.match(await s.run('write memory'), /^Copy completed successfully\.$/m);
      // EOS's alias is `alias <name> <command>` (the reload marker's carrier, drivers/eos.ts aliasCommand).
      await s.run('configure terminal');
      await s.run(`${driverFor('eos').aliasCommand} netswim-reload-0123abcd show version`);
      await s.run('end');
      assert.match(await s.run('show running-config | include ^alias netswim-reload-'), /^alias netswim-reload-0123abcd show version$/m);
      // reload asks EOS's two questions (the alias left the configuration modified); cancelling at the second leaves the device up.
      s.send('reload\r');
      await s.expect(/Save\? \[yes\/no\/cancel\/diff\]: $/);
      s.send('no\r');
      await s.expect(/Proceed with reload\? \[confirm\]$/);
      s.send('n\r');
      await s.expect(PROMPT);
      assert.equal(device.state().reloadCount, 0);
    } finally {
      s.close();
    }
  });
});

describe('EOS upgrade through the workflow', () => {
  it('copies the .swi, verifies it, boot system flash:<image>.swi, saves, one reload, the device runs the target and the record says so', async () => {
    const device = lab.device('eos-leaf');
    const from = device.state();
    assert.equal(from.version, '4.27.6M');
    const { view } = await runUpgrade(netswim, 'eos-leaf', target);
    assert.equal(view.execution, 'COMPLETED', view.error);
    assert.equal(view.result?.outcome, 'upgraded');
    assert.equal(view.result?.runningImage, TARGET);
    const state = device.state();
    assert.equal(state.version, '4.28.9M');
    assert.equal(state.runningImage, TARGET);
    // EOS boots one image: no fallback entry.
    assert.deepEqual(state.savedBootVariables, [`flash:${TARGET}`]);
    assert.equal(state.reloadCount, 1);
    assert.ok(state.flash.some((f) => f.name === from.runningImage), 'the previous image stays on flash');
  });

  it('output netswim cannot read stops the upgrade naming it, the device unchanged: two .swi files named for the running release', async () => {
    const device = lab.device('eos-odd');
    // An operator staged the 64-bit build of the running release: EOS's show version cannot say which one booted.
    const files = await startFileServer({ '/EOS64-4.27.6M.swi': randomBytes(100_000) });
    const s = await privileged('eos-odd');
    try {
      assert.match(await s.run(`copy ${files.url('/EOS64-4.27.6M.swi')} flash:EOS64-4.27.6M.swi`), /Copy completed successfully\./);
    } finally {
      s.close();
      await files.close();
    }
    const from = device.state();
    const { view } = await runUpgrade(netswim, 'eos-odd', target);
    assert.equal(view.execution, 'FAILED');
    assert.match(view.error ?? '', /EOS-4\.27\.6M\.swi and EOS64-4\.27\.6M\.swi are both named for the running release 4\.27\.6M: netswim cannot tell which one runs/);
    const state = device.state();
    assert.equal(state.reloadCount, 0);
    assert.equal(state.runningImage, from.runningImage);
    assert.deepEqual(state.savedBootVariables, from.savedBootVariables);
    assert.ok(!state.flash.some((f) => f.name === TARGET), 'nothing was copied');
  });
});
