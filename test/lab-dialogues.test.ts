// The lab's interactive dialogues against real devices' transcripts (test/fixtures/dialogues/,
// provenance in its README): each dialogue is driven on the lab over SSH and compared line by
// line with the real capture, modulo the values (file names, URLs, sizes, times).
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { COPY_QUESTIONS } from '../activities/cli-dialogues.ts';
import { CliSession, UnexpectedQuestionError } from '../activities/cli-session.ts';
import { startLab } from '../lab/fleet.ts';
import type { DeviceSpec, Lab } from '../lab/types.ts';
import { PROMPT, Shell, startFileServer } from './support/lab-shell.ts';

const fixture = (name: string): string[] =>
  readFileSync(new URL(`fixtures/dialogues/${name}`, import.meta.url), 'utf8').replace(/\r/g, '').split('\n');

/** A line with its values replaced: URLs, bracketed defaults, numbers. */
const shape = (line: string): string =>
  line
    .replace(/\b[a-z]+:\/\/\S+?(?=\.\.\.|\s|$)/g, '<url>')
    .replace(/\[[^\]\n]*\]\? /g, '[<default>]? ')
    .replace(/\d+(\.\d+)?/g, '<n>');

/** The dialogue's own lines; the transport's (TFTP "Loading … from", "[OK - n bytes]") differ by protocol. */
const dialogueLines = (lines: string[]): string[] => lines.filter((l) => l !== '' && !/^(Loading |\[OK - |!+$)/.test(l)).map(shape);

const IMAGE = 'c2960x-universalk9-mz.152-7.E8.bin';

void describe('lab dialogues follow real transcripts', () => {
  let stateDir: string;
  let lab: Lab;
  let files: Awaited<ReturnType<typeof startFileServer>>;
  const open: Shell[] = [];
  const spec = (hostname: string, platform: DeviceSpec['platform'], index: number): DeviceSpec => ({
    hostname, address: '127.0.0.1', port: 0, platform, username: 'netswim', password: `pw-${index}`,
  });
  // The IOS families that answer `copy … flash:` with questions (NX-OS and EOS copy without asking).
  const ios = [spec('dlg-cat9300', 'cat9300', 1), spec('dlg-isr', 'isr2900', 2), spec('dlg-2960x', 'c2960x', 3)];
  const nxos = spec('dlg-n9k', 'n9k', 4);

  before(async () => {
    stateDir = await mkdtemp(join(tmpdir(), 'netswim-dialogues-'));
    files = await startFileServer({ [`/images/${IMAGE}`]: randomBytes(70 * 1024) });
    lab = await startLab({ stateDir, devices: [...ios, nxos] });
  });
  after(async () => {
    for (const s of open) s.close();
    await lab.stop();
    await files.close();
    await rm(stateDir, { recursive: true, force: true });
  });

  const shell = async (hostname: string): Promise<Shell> => {
    const s = await Shell.open(lab.device(hostname));
    open.push(s);
    await s.run('terminal length 0');
    return s;
  };

  for (const device of ios) {
    void it(`${device.platform}: copy onto an existing file (ios-copy-overwrite.txt)`, async () => {
      const s = await shell(device.hostname);
      const url = files.url(`/images/${IMAGE}`);
      const copy = async (): Promise<string> => {
        s.send(`copy ${url} flash:\r`);
        let out = await s.expect(/\]\? $/);
        s.send('\r');
        const next = await s.expect(/\[confirm\]$|\n[\w.-]+#$/);
        out += next;
        if (next.endsWith('[confirm]')) {
          s.send('\r');
          out += await s.expect(PROMPT);
        }
        return out;
      };
      await copy(); // first copy: the file now exists
      const lines = (await copy()).split('\n').slice(1, -1); // without the echoed command and the prompt
      assert.deepEqual(dialogueLines(lines), dialogueLines(fixture('ios-copy-overwrite.txt')));
    });

    void it(`${device.platform}: reload asks to proceed (ios-reload-proceed.txt)`, async () => {
      const s = await shell(device.hostname);
      s.send('reload\r');
      const out = await s.expect(/\[confirm\]$|\]: $/);
      s.send('n\r');
      // An unsaved configuration adds the save question first; the last question is the real one.
      assert.equal(shape(out.split('\n').at(-1) ?? ''), dialogueLines(fixture('ios-reload-proceed.txt'))[0]);
      await s.expect(/[\s\S]*#$/);
    });
  }

  void it('n9k: reload asks to reboot (nxos-reload.txt)', async () => {
    const s = await shell(nxos.hostname);
    s.send('reload\r');
    const out = await s.expect(/\[n\] ?$/);
    s.send('n\r');
    assert.equal(out.split('\n').at(-1)?.trimEnd(), fixture('nxos-reload.txt')[0]);
    await s.expect(/[\s\S]*#$/);
  });

  // netswim's side: its CLI session answers the real dialogue, and stops with the question's text
  // at one it has no answer for (here the reload question, asked with no answers).
  for (const device of [ios[0], ios[1]]) {
    if (!device) continue;
    void it(`${device.platform}: netswim's session answers the copy dialogue and stops at an unknown question`, async () => {
      const d = lab.device(device.hostname);
      const session = await CliSession.open({ host: d.address, port: d.port, username: device.username, password: device.password });
      try {
        const url = files.url(`/images/${IMAGE}`);
        for (let i = 0; i < 2; i++) assert.match(await session.run(`copy ${url} flash:`, { answers: COPY_QUESTIONS }), /bytes copied in/);
        await assert.rejects(session.run('reload'), (error: unknown) =>
          error instanceof UnexpectedQuestionError && error.message.includes(fixture('ios-reload-proceed.txt')[0] ?? '?'));
      } finally {
        session.close();
      }
    });
  }
});
