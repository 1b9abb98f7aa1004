// An interactive SSH CLI session with a Cisco-style device, driven by prompts the way network
// engineers' tools (netmiko, Ansible network_cli) do it: wait for the prompt, send a command,
// answer the device's questions, collect the output up to the next prompt.
import { Client, type ClientChannel } from 'ssh2';
import { offeredHostKey, type OfferedHostKey } from './host-key.ts';

export interface CliTarget {
  host: string;
  port: number;
  username: string;
  password: string;
  enableSecret?: string;
  /**
   * Sees the host key the device offers during the key exchange, before any credential is sent;
   * throwing refuses it (the session fails with that error). Every device session has one
   * (activities/device-target.ts); without it any key is accepted.
   */
  verifyHostKey?: (offered: OfferedHostKey) => Promise<void>;
}

/** A question the device may ask during a command, and what to answer. */
export interface Answer {
  /** Anchored at the end (`…\s*$`): it is matched against the last 512 characters of the output, where the device waits. */
  prompt: RegExp;
  reply: string;
}

export interface RunOptions {
  timeoutMs?: number;
  answers?: Answer[];
  /** The device is expected to close the session (reload): resolve with the output when it does. */
  expectClose?: boolean;
  /** Sees output as it arrives (progress marks of a copy, for example). */
  onOutput?: (chunk: string) => void;
}

export class DeviceUnreachableError extends Error {
  constructor(target: CliTarget, cause: string) {
    super(`cannot reach ${target.host}:${target.port} over SSH: ${cause}`);
    this.name = 'DeviceUnreachableError';
  }
}

/** The device refused the credentials: retrying with the same ones cannot help. */
export class DeviceAuthenticationError extends Error {
  constructor(target: CliTarget) {
    super(`${target.host}:${target.port} refused the SSH credentials of user ${target.username}`);
    this.name = 'DeviceAuthenticationError';
  }
}

export class CliTimeoutError extends Error {
  constructor(command: string, timeoutMs: number, tail: string) {
    super(`"${command}" did not return to the prompt within ${timeoutMs} ms; last output: ${JSON.stringify(tail.slice(-200))}`);
    this.name = 'CliTimeoutError';
  }
}

/**
 * A command or an answer that would not reach the device as one line: a line break, a control
 * character (Ctrl-Z ends configuration mode, Ctrl-^ breaks a command) or a Unicode line separator
 * lets a value run a second command of its own. Refused before anything is written.
 */
export class UnsafeCliTextError extends Error {
  constructor(what: string, problem: string) {
    super(`refusing to send ${what} to the device: it contains ${problem}`);
    this.name = 'UnsafeCliTextError';
  }
}

// C0 controls, DEL, C1 controls and the Unicode line and paragraph separators.
// eslint-disable-next-line no-control-regex
const UNSAFE_CLI_TEXT = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/;

/** Throws UnsafeCliTextError when `text` could be read by the device as more than one line. */
export function assertOneCliLine(text: string, what: string): void {
  const bad = UNSAFE_CLI_TEXT.exec(text);
  if (!bad) return;
  const code = bad[0].codePointAt(0)!;
  const name = code === 0x0a ? 'a line feed' : code === 0x0d ? 'a carriage return' : `the control character U+${code.toString(16).toUpperCase().padStart(4, '0')}`;
  throw new UnsafeCliTextError(what, `${name} at position ${bad.index}`);
}

/**
 * The device waits on a question the command has no answer for (a `Save? [yes/no]:` nobody
 * expected, a changed `copy` dialogue): the command stops with the question's text instead of
 * hanging until its timeout, and nothing is typed into it.
 */
export class UnexpectedQuestionError extends Error {
  constructor(command: string, question: string) {
    super(`"${command}" stopped at a question netswim has no answer for: ${JSON.stringify(question)}`);
    this.name = 'UnexpectedQuestionError';
  }
}

// The end of a device's question: `…[confirm]`, `…[yes/no]:`, `…(y/n)?[n]`, `…[file.bin]?`, `…?`.
const QUESTION_END = /(?:\?|\[confirm\]|\[(?:yes\/no|y\/n|yes|no|y|n)\]:?|\(y\/n\)\??(?:\s*\[[yn]\])?)[ \t]*$/i;
/** How long the device must stay silent at a question before it counts as waiting for an answer. */
const QUESTION_QUIET_MS = 3_000;

export class SessionClosedError extends Error {
  constructor(command: string) {
    super(`the device closed the session during "${command}"`);
    this.name = 'SessionClosedError';
  }
}

// `sw1>`, `sw1#`, `sw1(config)#`, `sw1(config-if)#`
const PROMPT = /(?:^|\n)([A-Za-z0-9][\w.-]*)(\([\w-]+\))?([>#])\s?$/;
const MORE = /\s*--More--\s*$/;
// ANSI/VT100 escape sequences some devices send around pagers and prompts.
// eslint-disable-next-line no-control-regex
const ESCAPES = /\u001b\[[0-9;?]*[A-Za-z]/g;

export interface PromptInfo {
  hostname: string;
  mode: 'user' | 'privileged' | 'config';
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** After login the prompt must carry the device's own hostname, so output is never taken for it. */
function promptOf(hostname: string): RegExp {
  return new RegExp(`(?:^|\\n)(${escapeRegExp(hostname)})(\\([\\w-]+\\))?([>#])\\s?$`);
}

function matchPrompt(buffer: string, pattern: RegExp): PromptInfo | undefined {
  const m = pattern.exec(buffer);
  if (!m?.[1]) return undefined;
  const mode = m[2] ? 'config' : m[3] === '#' ? 'privileged' : 'user';
  return { hostname: m[1], mode };
}

function connect(target: CliTarget, timeoutMs: number): Promise<Client> {
  return new Promise((resolve, reject) => {
    const client = new Client();
    /** Why the host key was refused: the error the session fails with. */
    let refusal: Error | undefined;
    const fail = (error: Error & { level?: string }) => {
      client.destroy();
      if (refusal) reject(refusal);
      else reject(error.level === 'client-authentication' ? new DeviceAuthenticationError(target) : new DeviceUnreachableError(target, error.message));
    };
    const verify = target.verifyHostKey;
    client.once('ready', () => {
      client.off('error', fail);
      resolve(client);
    });
    client.once('error', fail);
    client.connect({
      host: target.host,
      port: target.port,
      username: target.username,
      password: target.password,
      readyTimeout: timeoutMs,
      // Devices commonly offer keyboard-interactive instead of password.
      tryKeyboard: true,
      // Runs in the key exchange: authentication (the password) waits for its answer.
      ...(verify && {
        hostVerifier: (key: Buffer, answer: (permitted: boolean) => void) => {
          verify(offeredHostKey(key)).then(
            () => answer(true),
            (error: unknown) => {
              refusal = error instanceof Error ? error : new Error(String(error));
              answer(false);
            },
          );
        },
      }),
    });
    client.on('keyboard-interactive', (_name, _instructions, _lang, prompts, finish) => {
      finish(prompts.map(() => target.password));
    });
  });
}

/**
 * Prompts and questions sit at the end of the output, so they are matched against its last
 * characters only (like pexpect's search window): a long command output (a copy's progress
 * marks, a large `show`) costs the same per chunk instead of a rescan of everything received so
 * far. 512 holds a prompt (hostname up to 63 characters) or a question naming a long file.
 */
const TAIL_CHARS = 512;
/** Put in front of a cut tail: it is not a line start, so `(?:^|\n)host#` cannot match there. */
const CUT_MARK = '\u0000';

export class CliSession {
  /** Output since the last command was sent (or the last question answered). */
  private buffer = '';
  /** The end of `buffer`, at most TAIL_CHARS (plus CUT_MARK when cut): what prompts are matched against. */
  private tail = '';
  /** Output not yet handed to the running command's onOutput. */
  private unseen = '';
  private closed = false;
  /** The wait in progress (a prompt, a command's end): re-checked on every change of the session. */
  private pending: (() => void) | undefined;
  private prompt: PromptInfo = { hostname: '', mode: 'user' };
  private promptPattern = PROMPT;

  private constructor(
    private readonly client: Client,
    private readonly channel: ClientChannel,
    /** Secrets to scrub from any device output quoted in an error (errors reach workflow history). */
    private readonly secrets: string[],
  ) {
    channel.on('data', (data: Buffer) => {
      this.append(data.toString('utf8').replace(ESCAPES, ''));
      this.pending?.();
    });
    channel.on('close', () => {
      this.closed = true;
      this.pending?.();
    });
    client.on('error', () => {
      this.closed = true;
      this.pending?.();
    });
  }

  /** Logs in, reaches privileged mode and turns paging off. */
  static async open(target: CliTarget, options: { connectTimeoutMs?: number } = {}): Promise<CliSession> {
    const client = await connect(target, options.connectTimeoutMs ?? 15_000);
    const channel = await new Promise<ClientChannel>((resolve, reject) => {
      client.shell({ term: 'vt100', cols: 200, rows: 24 }, (error, stream) => (error ? reject(error) : resolve(stream)));
    }).catch((error: Error) => {
      client.end();
      throw new DeviceUnreachableError(target, `no shell: ${error.message}`);
    });
    const session = new CliSession(client, channel, [target.password, target.enableSecret ?? ''].filter((x) => x.length > 0));
    try {
      await session.waitForPrompt('login', 20_000);
      if (session.prompt.mode === 'user') await session.enable(target);
      await session.run('terminal length 0');
      return session;
    } catch (error) {
      session.close();
      throw error;
    }
  }

  /** The device (or netswim) ended the session. */
  get isClosed(): boolean {
    return this.closed;
  }

  get hostname(): string {
    return this.prompt.hostname;
  }

  private async enable(target: CliTarget): Promise<void> {
    if (!target.enableSecret) throw new Error(`${target.host} logs in unprivileged and no enable secret is configured`);
    const output = await this.run('enable', { answers: [{ prompt: /Password:\s*$/, reply: target.enableSecret }] });
    if (this.prompt.mode !== 'privileged') {
      throw new Error(`enable was refused on ${target.host}: ${this.redact(output.trim()) || 'no privileged prompt'}`);
    }
  }

  private append(text: string): void {
    this.buffer += text;
    this.unseen += text;
    const tail = this.tail + text;
    this.tail = tail.length > TAIL_CHARS ? CUT_MARK + tail.slice(-TAIL_CHARS) : tail;
  }

  /** Empties the buffer; returns what it held. */
  private takeBuffer(): string {
    const output = this.buffer;
    this.buffer = '';
    this.tail = '';
    return output;
  }

  /**
   * Waits until `step` returns a value (or throws), calling it now and again on every chunk of
   * output, on close and once at the deadline (`expired` true). The check runs in the data event
   * itself: a long command (a copy's progress marks) costs no promise and no timer per chunk.
   */
  private expect<T>(timeoutMs: number, step: (expired: boolean) => T | undefined): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      let expired = false;
      const timer = setTimeout(() => {
        expired = true;
        check();
      }, timeoutMs);
      const settle = (): void => {
        clearTimeout(timer);
        this.pending = undefined;
      };
      const check = (): void => {
        try {
          const result = step(expired);
          if (result === undefined) return;
          settle();
          resolve(result);
        } catch (error) {
          settle();
          reject(error instanceof Error ? error : new Error(String(error)));
        }
      };
      this.pending = check;
      check();
    });
  }

  private waitForPrompt(what: string, timeoutMs: number): Promise<string> {
    return this.expect(timeoutMs, (expired) => {
      const prompt = matchPrompt(this.tail, this.promptPattern);
      if (prompt) {
        this.prompt = prompt;
        this.promptPattern = promptOf(prompt.hostname);
        return this.takeBuffer();
      }
      if (this.closed) throw new SessionClosedError(what);
      if (expired) throw new CliTimeoutError(what, timeoutMs, this.redact(this.buffer));
      return undefined;
    });
  }

  /**
   * Runs one command and returns what it printed (without the echoed command and the prompt).
   * Questions listed in `answers` are answered as they appear; a pager is advanced.
   */
  async run(command: string, options: RunOptions = {}): Promise<string> {
    if (this.closed) throw new SessionClosedError(command);
    // The command is named in the error only when it is not a secret's answer (those are never quoted).
    assertOneCliLine(command, `the command ${JSON.stringify(this.redact(command).slice(0, 80))}`);
    const answers = options.answers ?? [];
    answers.forEach((a, i) => assertOneCliLine(a.reply, `answer ${i + 1} of "${this.redact(command).slice(0, 80)}"`));
    const timeoutMs = options.timeoutMs ?? 60_000;
    let collected = '';
    this.takeBuffer();
    this.unseen = '';
    // Armed while the output ends in a question nobody answers; fires after the device stayed silent.
    let quiet: { tail: string; timer: NodeJS.Timeout; elapsed: boolean } | undefined;
    const disarm = () => {
      if (quiet) clearTimeout(quiet.timer);
      quiet = undefined;
    };
    this.channel.write(`${command}\n`);
    return this.expect(timeoutMs, (expired) => {
      for (;;) {
        if (this.unseen) {
          const chunk = this.unseen;
          this.unseen = '';
          options.onOutput?.(chunk);
        }
        const prompt = matchPrompt(this.tail, this.promptPattern);
        if (prompt) {
          disarm();
          this.prompt = prompt;
          collected += this.takeBuffer().replace(this.promptPattern, '');
          return stripEcho(collected, command);
        }
        const answer = answers.find((a) => a.prompt.test(this.tail));
        if (answer) {
          collected += this.takeBuffer();
          this.channel.write(`${answer.reply}\n`);
          continue;
        }
        if (MORE.test(this.tail)) {
          collected += this.takeBuffer().replace(MORE, '\n');
          this.channel.write(' ');
          continue;
        }
        if (this.closed) {
          disarm();
          if (options.expectClose) return stripEcho(collected + this.takeBuffer(), command);
          throw new SessionClosedError(command);
        }
        if (expired) {
          disarm();
          throw new CliTimeoutError(command, timeoutMs, this.redact(collected + this.buffer));
        }
        const lastLine = this.tail.slice(this.tail.lastIndexOf('\n') + 1);
        if (!QUESTION_END.test(lastLine) || quiet?.tail !== this.tail) disarm();
        if (QUESTION_END.test(lastLine)) {
          if (quiet?.elapsed) {
            disarm();
            throw new UnexpectedQuestionError(this.redact(command), this.redact(lastLine.replace(/\r/g, '').trim()));
          }
          if (!quiet) {
            const armed: { tail: string; timer: NodeJS.Timeout; elapsed: boolean } = { tail: this.tail, elapsed: false, timer: setTimeout(() => {
              armed.elapsed = true;
              this.pending?.();
            }, QUESTION_QUIET_MS) };
            quiet = armed;
          }
        }
        return undefined;
      }
    });
  }

  /** A device that echoes what was typed would otherwise put a password into an error message. */
  private redact(text: string): string {
    return this.secrets.reduce((out, secret) => out.split(secret).join('*****'), text);
  }

  close(): void {
    this.closed = true;
    this.channel.end();
    this.client.end();
  }
}

function stripEcho(output: string, command: string): string {
  const normalized = output.replace(/\r/g, '');
  const lines = normalized.split('\n');
  if (lines[0]?.trim() === command.trim()) lines.shift();
  return lines.join('\n').replace(/\n+$/, '\n');
}

/** Opens a session, runs `work`, always closes. */
export async function withCliSession<T>(target: CliTarget, work: (session: CliSession) => Promise<T>): Promise<T> {
  const session = await CliSession.open(target);
  try {
    return await work(session);
  } finally {
    session.close();
  }
}
