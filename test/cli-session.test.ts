// CliSession (activities/cli-session.ts) against a scripted SSH server (ssh2, on 127.0.0.1): each
// command's reply is written in many small chunks, the way a device streams a copy's progress
// marks or a long `show`, so prompt and question matching is exercised across chunk boundaries
// and far past its 512-character search window.
import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import ssh2, { type Server, type ServerChannel } from 'ssh2';
import { CliSession, CliTimeoutError, UnexpectedQuestionError, UnsafeCliTextError, type CliTarget } from '../activities/cli-session.ts';

const HOST = 'sw-script';
const USER = 'netswim';
const PASSWORD = 'scripted-pass';

const marks = (n: number): string[] => Array.from({ length: n }, () => '!');
const prompt = `\r\n${HOST}#`;

/**
 * What the scripted device prints for a command: chunks, then (for a command that asks
 * questions) what it prints after each answer, in order.
 */
const SCRIPT: Record<string, string[][]> = {
  'terminal length 0': [[prompt]],
  // A question, then 3000 progress marks in 3000 packets, a decoy "prompt" inside the output, then the real one.
  'copy http://server/big.bin flash:': [
    ['Destination filename [big.bin]? '],
    ['Accessing http://server/big.bin...\r\nLoading big.bin ', ...marks(3000), `\r\nnot-${HOST}# is not a prompt\r\n`, '3000 bytes copied in 1.0 secs', prompt],
  ],
  // A question after 2000 characters of output, then a second one.
  'delete flash:old.bin': [[`${'x'.repeat(2000)}\r\n`, 'Delete filename [old.bin]? '], ['[confirm]'], ['\r\n', prompt]],
  // A pager after a long first page; the space shows the rest.
  'show long': [[...Array.from({ length: 40 }, (_, i) => `line ${i} ${'-'.repeat(60)}\r\n`), ' --More-- '], ['last line\r\n', prompt]],
  // Marks and never a prompt.
  hang: [marks(10)],
  // A question the caller did not expect, split over packets; the device then waits for an answer.
  reload: [['System configuration has been modified. ', 'Save? [yes/no]: ']],
};

/** Writes the chunks one by one, each its own SSH packet. */
function stream(channel: ServerChannel, chunks: string[]): void {
  const queue = [...chunks];
  const next = (): void => {
    const chunk = queue.shift();
    if (chunk === undefined) return;
    channel.write(chunk);
    setImmediate(next);
  };
  next();
}

let server: Server;
let target: CliTarget;
/** Every line the scripted device received, in order. */
const received: string[] = [];

before(async () => {
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048, privateKeyEncoding: { type: 'pkcs1', format: 'pem' }, publicKeyEncoding: { type: 'spki', format: 'pem' } });
  server = new ssh2.Server({ hostKeys: [privateKey] }, (client) => {
    client.on('authentication', (ctx) => (ctx.method === 'password' && ctx.username === USER && ctx.password === PASSWORD ? ctx.accept() : ctx.reject(['password'])));
    client.on('session', (accept) => {
      const session = accept();
      session.on('pty', (acceptPty) => acceptPty?.());
      session.on('shell', (acceptShell) => {
        const channel = acceptShell();
        channel.write(`${HOST}#`);
        let line = '';
        // What the device prints after the next answer (a line or, at a pager, a space).
        let rest: string[][] = [];
        channel.on('data', (data: Buffer) => {
          for (const char of data.toString('utf8')) {
            if (char === ' ' && line === '' && rest.length > 0) {
              stream(channel, rest.shift() ?? []);
              continue;
            }
            if (char !== '\n') {
              line += char;
              continue;
            }
            const command = line.trim();
            received.push(command);
            line = '';
            channel.write(`${command}\r\n`);
            if (rest.length > 0) {
              stream(channel, rest.shift() ?? []);
              continue;
            }
            const [first, ...more] = SCRIPT[command] ?? [[`% Invalid input: ${command}\r\n`, prompt]];
            rest = more;
            stream(channel, first ?? []);
          }
        });
      });
    });
    client.on('error', () => undefined);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  target = { host: '127.0.0.1', port: (server.address() as AddressInfo).port, username: USER, password: PASSWORD };
});

after(async () => {
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

describe('CliSession', () => {
  it('follows a copy through thousands of output chunks: answers the question, counts every mark, ignores a look-alike prompt', async () => {
    const session = await CliSession.open(target);
    try {
      let seen = '';
      const output = await session.run('copy http://server/big.bin flash:', {
        answers: [{ prompt: /Destination filename \[[^\]]*\]\?\s*$/, reply: '' }],
        onOutput: (chunk) => {
          seen += chunk;
        },
      });
      assert.equal(output.split('!').length - 1, 3000);
      assert.match(output, /3000 bytes copied/);
      assert.match(output, new RegExp(`not-${HOST}# is not a prompt`));
      assert.equal(seen.split('!').length - 1, 3000, 'onOutput saw every chunk once');
      assert.equal(session.hostname, HOST);
    } finally {
      session.close();
    }
  });

  it('answers a question that follows more output than the search window', async () => {
    const session = await CliSession.open(target);
    try {
      const output = await session.run('delete flash:old.bin', {
        answers: [
          { prompt: /Delete filename \[[^\]]*\]\?\s*$/, reply: '' },
          { prompt: /\[confirm\]\s*$/, reply: '' },
        ],
      });
      assert.match(output, /x{2000}/);
      assert.match(output, /Delete filename \[old\.bin\]\?/);
    } finally {
      session.close();
    }
  });

  it('advances a pager after a long page and returns every line', async () => {
    const session = await CliSession.open(target);
    try {
      const output = await session.run('show long');
      const lines = output.split('\n').filter((l) => l.trim().length > 0);
      assert.equal(lines[0]?.trim().startsWith('line 0'), true);
      assert.equal(lines.filter((l) => l.startsWith('line ')).length, 40);
      assert.equal(lines.at(-1)?.trim(), 'last line');
      assert.doesNotMatch(output, /--More--/);
    } finally {
      session.close();
    }
  });

  it('times out a command that never returns to the prompt, quoting the last output', async () => {
    const session = await CliSession.open(target);
    try {
      await assert.rejects(session.run('hang', { timeoutMs: 300 }), (error: unknown) => error instanceof CliTimeoutError && /"hang" did not return to the prompt within 300 ms/.test(error.message) && /!!!!!!!!!!/.test(error.message));
    } finally {
      session.close();
    }
  });

  it('stops a command at a question it has no answer for, naming the question, and types nothing into it', async () => {
    const session = await CliSession.open(target);
    try {
      const sent = received.length;
      // With a 10-minute timeout, only the question can end the wait this test can afford.
      await assert.rejects(session.run('reload', { timeoutMs: 600_000 }), (error: unknown) => {
        assert.ok(error instanceof UnexpectedQuestionError, String(error));
        assert.match(error.message, /"reload" stopped at a question netswim has no answer for: "System configuration has been modified\. Save\? \[yes\/no\]:"/);
        return true;
      });
      assert.deepEqual(received.slice(sent), ['reload'], 'no answer was typed');
    } finally {
      session.close();
    }
  });

  it('refuses a command or an answer that the device would read as two lines, and sends nothing', async () => {
    const session = await CliSession.open(target);
    try {
      const before = received.length;
      for (const command of ['show version\nreload', 'show clock\r', 'configure terminal\u001aend', 'show ver\u2028reload', 'show\u0000x']) {
        await assert.rejects(session.run(command), (error: Error) => error instanceof UnsafeCliTextError && /refusing to send/.test(error.message));
      }
      // An enable secret with a command after it: the answer is refused, and the secret is not quoted.
      await assert.rejects(
        session.run('enable', { answers: [{ prompt: /Password:\s*$/, reply: 'secret-x\nreload' }] }),
        (error: Error) => error instanceof UnsafeCliTextError && !error.message.includes('secret-x'),
      );
      assert.deepEqual(received.slice(before), [], 'nothing reached the device');
      // The session is still usable for a proper command.
      assert.match(await session.run('show long'), /last line/);
    } finally {
      session.close();
    }
  });
});
