// The IOS-XE command interpreter of one session: modes (`>`, `#`, `(config)#`), the commands a
// SWIM tool runs on a Catalyst 9300 in BUNDLE mode, their questions ([confirm], [yes/no],
// filenames) and their error messages.
import { applyFilter, parseCommand, tokenize, type CommandNode, type Token } from './cli-parser.ts';
import { CopyError, flashFileName, NoSpaceError, type SimDevice } from './device.ts';
import {
  dirFlash,
  showBoot,
  showClock,
  showRunningConfig,
  showStartupConfig,
  showVersion,
  type ConfigContext,
} from './formats.ts';
import type { Terminal } from './terminal.ts';
import { openSource, SUPPORTED_SCHEMES, type OpenedSource } from './transfers.ts';
import type { LabEvent } from './types.ts';

/** What a session needs from the device's host (the part that owns the network side). */
export interface CliHost {
  readonly device: SimDevice;
  /** Starts a reload: every session of the device is dropped, this one included. */
  reload(): void;
  emit(event: LabEvent): void;
}

type Mode = 'user' | 'exec' | 'config';
type Handler = (args: Token[]) => Promise<string[] | void>;

const BYTES_PER_MARK = 64 * 1024;
const BYTES_PER_DOT = 4 * 1024 * 1024;
const PROGRESS_EVENT_MS = 1000;
const FILE_NAME = /^[A-Za-z0-9][A-Za-z0-9._+-]{0,127}$/;

/** The URL as the device echoes it, with any password masked. */
export function maskUrl(url: string): string {
  return url.replace(/^([a-z]+:\/\/[^:/@]*:)[^@/]*@/i, '$1*****@');
}

export class CliSession {
  private mode: Mode;
  private pageLength: number;
  private ended = false;
  private caretShift = 0;
  /** Aborts work in progress (a transfer) when the session goes away. */
  private readonly onEnd = new Set<() => void>();
  private readonly userTree: CommandNode<Handler>;
  private readonly execTree: CommandNode<Handler>;
  private readonly configTree: CommandNode<Handler>;

  constructor(
    private readonly host: CliHost,
    private readonly term: Terminal,
  ) {
    this.mode = host.device.spec.enableSecret ? 'user' : 'exec';
    // Exec requests never page: nobody is there to press space.
    this.pageLength = term.interactive ? 24 : 0;
    const trees = this.buildTrees();
    this.userTree = trees.user;
    this.execTree = trees.exec;
    this.configTree = trees.config;
  }

  private get device(): SimDevice {
    return this.host.device;
  }

  get promptText(): string {
    const name = this.device.hostname;
    if (this.mode === 'user') return `${name}>`;
    if (this.mode === 'config') return `${name}(config)#`;
    return `${name}#`;
  }

  /** Interactive shell: prompt, read, execute until exit or the connection drops. */
  async runShell(): Promise<void> {
    this.term.write(`\r\n${this.promptText}`);
    while (!this.ended && !this.term.isClosed) {
      const line = await this.term.readLine();
      if (!line) break;
      if (line.ctrlZ && this.mode === 'config') {
        this.mode = 'exec';
      } else {
        await this.execute(line.text);
      }
      if (this.ended || this.term.isClosed) break;
      this.term.write(this.promptText);
    }
    this.finish();
  }

  /** `exec` request: one command, then the channel closes. */
  async runCommand(command: string): Promise<void> {
    await this.execute(command);
    this.finish();
  }

  /** Called when the transport goes away: aborts whatever the session was doing. */
  finish(): void {
    if (this.ended) return;
    this.ended = true;
    for (const abort of this.onEnd) abort();
    this.onEnd.clear();
  }

  get isEnded(): boolean {
    return this.ended;
  }

  // --- input helpers -------------------------------------------------------------------------

  /** Asks a question; undefined when the session went away (exec: EOF takes the default). */
  private async ask(question: string, echo = true): Promise<string | undefined> {
    this.term.write(question);
    const line = await this.term.readLine(echo);
    if (line) return line.text.trim();
    return this.term.interactive || this.term.isClosed ? undefined : '';
  }

  /** `[confirm]`: Enter or y confirms. */
  private async confirm(question: string): Promise<boolean> {
    const answer = await this.ask(`${question}[confirm]`);
    return answer !== undefined && (answer === '' || /^y/i.test(answer));
  }

  private out(lines: string[]): void {
    this.term.writeLines(lines);
  }

  // --- dispatch ------------------------------------------------------------------------------

  async execute(rawLine: string): Promise<void> {
    const line = rawLine.replace(/\s+$/, '');
    // `do <command>` in config mode runs an exec command, pipes included.
    const doCommand = this.mode === 'config' ? /^(\s*do\s+)(\S.*)$/i.exec(line) : null;
    if (doCommand?.[1] && doCommand[2]) return this.doExec(doCommand[2], this.promptText.length + doCommand[1].length);
    const promptLength = this.promptText.length;
    const bar = line.indexOf('|');
    const commandPart = bar >= 0 ? line.slice(0, bar) : line;
    const tree = this.mode === 'user' ? this.userTree : this.mode === 'config' ? this.configTree : this.execTree;
    const parsed = parseCommand(tree, tokenize(commandPart));
    switch (parsed.kind) {
      case 'empty':
        if (bar >= 0) this.caret(promptLength + bar);
        return;
      case 'invalid':
        this.caret(promptLength + parsed.offset);
        return;
      case 'ambiguous':
        this.out([`% Ambiguous command:  "${line.trim()}"`]);
        return;
      case 'incomplete':
        this.out(['% Incomplete command.', '']);
        return;
      case 'ok':
        break;
    }
    let lines: string[] | void;
    try {
      lines = await parsed.handler(parsed.args);
    } catch (error) {
      this.out([`% ${(error as Error).message}`]);
      return;
    }
    if (!lines) return;
    if (bar >= 0) {
      const filtered = applyFilter(lines, line.slice(bar + 1), bar + 1);
      if (filtered.kind === 'invalid') return this.caret(promptLength + filtered.offset);
      if (filtered.kind === 'incomplete') return this.out(['% Incomplete command.', '']);
      lines = filtered.lines;
    }
    await this.term.page(lines, this.pageLength);
  }

  private caret(column: number): void {
    this.out([`${' '.repeat(column + this.caretShift)}^`, "% Invalid input detected at '^' marker.", '']);
  }

  private buildTrees(): { user: CommandNode<Handler>; exec: CommandNode<Handler>; config: CommandNode<Handler> } {
    const leaf = (handler: Handler, args: CommandNode<Handler>['args'] = 'none'): CommandNode<Handler> => ({
      handler,
      args,
    });
    const showVersionNode = leaf(() => Promise.resolve(this.showVersion()));
    const showCommon: Record<string, CommandNode<Handler>> = {
      version: showVersionNode,
      clock: leaf(() => Promise.resolve(showClock(new Date()))),
      boot: leaf(() => Promise.resolve(this.showBoot())),
      bootvar: leaf(() => Promise.resolve(this.showBoot())),
    };
    const terminal: CommandNode<Handler> = {
      children: {
        length: leaf((args) => this.terminalLength(args), 'required'),
        width: leaf(() => Promise.resolve(), 'required'),
        monitor: leaf(() => Promise.resolve()),
      },
    };
    const exit = leaf(() => {
      this.ended = true;
      return Promise.resolve();
    });
    const enable = leaf(() => this.enable());
    const user: CommandNode<Handler> = {
      children: {
        enable,
        terminal,
        show: { children: showCommon },
        exit,
        logout: exit,
      },
    };
    const save: Handler = () => Promise.resolve(this.writeMemory());
    const exec: CommandNode<Handler> = {
      children: {
        enable,
        disable: leaf(() => {
          this.mode = 'user';
          return Promise.resolve();
        }),
        terminal,
        show: {
          children: {
            ...showCommon,
            'running-config': leaf(() => Promise.resolve(this.showRunning())),
            'startup-config': leaf(() => Promise.resolve(this.showStartup())),
            'flash:': leaf(() => Promise.resolve(this.dir([]))),
          },
        },
        dir: leaf((args) => Promise.resolve(this.dir(args)), 'optional'),
        configure: {
          handler: () => this.configure(),
          children: { terminal: leaf(() => this.configureTerminal()) },
        },
        copy: {
          handler: (args) => this.copy(args),
          args: 'required',
          children: {
            'running-config': { children: { 'startup-config': leaf(() => this.copyRunStart()) } },
          },
        },
        write: { handler: save, children: { memory: leaf(save), terminal: leaf(() => Promise.resolve(this.showRunning())) } },
        verify: leaf((args) => this.verify(args), 'required'),
        delete: leaf((args) => this.delete(args), 'required'),
        reload: leaf(() => this.reload()),
        exit,
        logout: exit,
      },
    };
    const config: CommandNode<Handler> = {
      children: {
        boot: { children: { system: leaf((args) => Promise.resolve(this.bootSystem(args)), 'required') } },
        no: {
          children: {
            boot: { children: { system: leaf((args) => Promise.resolve(this.noBootSystem(args)), 'optional') } },
          },
        },
        'config-register': leaf((args) => Promise.resolve(this.configRegister(args)), 'required'),
        // With a command after it, `do` is handled before parsing (see execute()).
        do: leaf(() => Promise.resolve(), 'required'),
        end: leaf(() => {
          this.mode = 'exec';
          return Promise.resolve();
        }),
        exit: leaf(() => {
          this.mode = 'exec';
          return Promise.resolve();
        }),
      },
    };
    return { user, exec, config };
  }

  // --- modes ---------------------------------------------------------------------------------

  private async enable(): Promise<void> {
    if (this.mode !== 'user') return;
    const secret = this.device.spec.enableSecret;
    if (!secret) {
      this.mode = 'exec';
      return;
    }
    const answer = await this.ask('Password: ', false);
    if (answer === secret) this.mode = 'exec';
    else if (answer !== undefined) this.out(['% Access denied', '']);
  }

  private terminalLength(args: Token[]): Promise<void> {
    const n = Number(args[0]?.text);
    if (!Number.isInteger(n) || n < 0 || n > 512 || args.length > 1) {
      this.caret(this.promptText.length + (args[0]?.offset ?? 0));
      return Promise.resolve();
    }
    this.pageLength = n;
    return Promise.resolve();
  }

  private async configure(): Promise<void> {
    const answer = await this.ask('Configuring from terminal, memory, or network [terminal]? ');
    if (answer === undefined) return;
    if (answer === '' || 'terminal'.startsWith(answer.toLowerCase())) return this.configureTerminal();
    this.out(['?Must be "terminal", "memory" or "network"']);
  }

  private configureTerminal(): Promise<void> {
    this.out(['Enter configuration commands, one per line.  End with CNTL/Z.']);
    this.mode = 'config';
    return Promise.resolve();
  }

  /** Runs a privileged command from config mode and stays in config mode. */
  private async doExec(command: string, column: number): Promise<void> {
    this.mode = 'exec';
    // Carets still point into the line as typed after the config prompt.
    this.caretShift = column - this.promptText.length;
    try {
      await this.execute(command);
    } finally {
      this.caretShift = 0;
      if (!this.ended) this.mode = 'config';
    }
  }

  // --- show ----------------------------------------------------------------------------------

  private showVersion(): string[] {
    return showVersion({
      state: this.device.snapshot,
      flashSizeBytes: this.device.flashSizeBytes,
      configRegister: this.device.configRegister,
      nextConfigRegister: this.device.nextConfigRegister,
      now: new Date(),
    });
  }

  private showBoot(): string[] {
    const s = this.device.snapshot;
    return showBoot(s.bootVariables, s.savedBootVariables);
  }

  private configContext(boot: string[]): ConfigContext {
    return {
      hostname: this.device.hostname,
      version: this.device.version || '17.06.05',
      bootVariables: boot,
      configRegister: this.device.nextConfigRegister ?? this.device.configRegister,
      username: this.device.spec.username,
      address: this.device.spec.address,
    };
  }

  private showRunning(): string[] {
    const s = this.device.snapshot;
    return showRunningConfig(this.configContext(s.bootVariables), new Date(s.configChangedAt ?? s.bootedAt));
  }

  private showStartup(): string[] {
    const s = this.device.snapshot;
    return showStartupConfig(s.startupConfigPresent ? this.configContext(s.savedBootVariables) : undefined);
  }

  private dir(args: Token[]): string[] {
    const target = args[0]?.text ?? 'flash:';
    if (args.length > 1 || !/^flash:\/?$/i.test(target)) {
      return [`%Error opening ${target} (No such file or directory)`];
    }
    return dirFlash([...this.device.files()], this.device.flashSizeBytes, this.device.freeBytes());
  }

  // --- configuration -------------------------------------------------------------------------

  /** `boot system [switch all] flash:<file>`: appended to the running boot list. */
  private bootSystem(args: Token[]): void {
    const rest = args[0]?.text.toLowerCase() === 'switch' ? args.slice(2) : args;
    const target = rest[0];
    if (!target || rest.length > 1 || !flashFileName(target.text)) {
      this.caret(this.promptText.length + (target ?? args[0])!.offset);
      return;
    }
    this.device.addBootVariable(`flash:${flashFileName(target.text)}`);
  }

  private noBootSystem(args: Token[]): void {
    const rest = args[0]?.text.toLowerCase() === 'switch' ? args.slice(2) : args;
    const target = rest[0];
    if (target && !flashFileName(target.text)) {
      this.caret(this.promptText.length + target.offset);
      return;
    }
    this.device.removeBootVariables(target ? `flash:${flashFileName(target.text)}` : undefined);
  }

  private configRegister(args: Token[]): void {
    const value = args[0];
    if (!value || args.length > 1 || !/^0x[0-9a-f]{1,4}$/i.test(value.text)) {
      this.caret(this.promptText.length + (value ?? args[0])!.offset);
      return;
    }
    this.device.setConfigRegister(`0x${value.text.slice(2).toUpperCase().replace(/^0+(?=.)/, '')}`);
  }

  private writeMemory(): string[] {
    this.device.saveConfig();
    return ['Building configuration...', '[OK]'];
  }

  private async copyRunStart(): Promise<string[] | void> {
    const answer = await this.ask('Destination filename [startup-config]? ');
    if (answer === undefined) return;
    return this.writeMemory();
  }

  // --- flash ---------------------------------------------------------------------------------

  /** `flash:x`, `flash:/x` or a bare `x` → `x`; undefined when it names another file system. */
  private localFile(text: string): string | undefined {
    if (!text.includes(':')) return text.replace(/^\/+/, '');
    return flashFileName(text);
  }

  private async copy(args: Token[]): Promise<void> {
    const [source, destination] = args;
    if (!source || !destination) {
      this.out(['% Incomplete command.', '']);
      return;
    }
    if (args.length > 2) return this.caret(this.promptText.length + (args[2]?.offset ?? 0));
    let url: URL;
    try {
      url = new URL(source.text);
    } catch {
      return this.caret(this.promptText.length + source.offset);
    }
    if (!(SUPPORTED_SCHEMES as readonly string[]).includes(url.protocol)) {
      return this.caret(this.promptText.length + source.offset);
    }
    if (!/^flash:/i.test(destination.text)) return this.caret(this.promptText.length + destination.offset);
    const shown = maskUrl(source.text);
    const named = destination.text.replace(/^flash:\/?/i, '');
    const fallback = named || decodeURIComponent(url.pathname).split('/').pop() || '';
    const answer = await this.ask(`Destination filename [${fallback}]? `);
    if (answer === undefined) return;
    const name = answer.replace(/^flash:\/?/i, '') || fallback;
    if (!FILE_NAME.test(name)) {
      this.out([`%Error opening flash:${name} (Invalid argument)`]);
      return;
    }
    if (this.device.findFile(name)) {
      this.out(['%Warning:There is a file already existing with this name']);
      if (!(await this.confirm('Do you want to over write? '))) return;
    }
    await this.transfer(url, shown, name);
  }

  private async transfer(url: URL, shown: string, name: string): Promise<void> {
    const hostname = this.device.hostname;
    const event = (phase: 'start' | 'progress' | 'done' | 'failed', bytes: number, extra: { totalBytes?: number; error?: string } = {}): void =>
      this.host.emit({ event: 'copy', phase, hostname, url: shown, file: name, bytes, ...extra, time: new Date().toISOString() });
    this.out([`Accessing ${shown}...`]);
    event('start', 0);
    const started = Date.now();
    let source: OpenedSource;
    try {
      source = await openSource(url);
    } catch (error) {
      event('failed', 0, { error: (error as Error).message });
      this.out([`%Error opening ${shown} (No such file or directory)`]);
      return;
    }
    if (this.ended) {
      source.abort();
      return;
    }
    const abort = (): void => source.abort();
    this.onEnd.add(abort);
    try {
      await this.receive(source, shown, name, started, event);
    } finally {
      this.onEnd.delete(abort);
    }
  }

  private async receive(
    source: OpenedSource,
    shown: string,
    name: string,
    started: number,
    event: (phase: 'progress' | 'done' | 'failed', bytes: number, extra?: { totalBytes?: number; error?: string }) => void,
  ): Promise<void> {
    this.term.write(`Loading ${shown} `);
    let marks = 0;
    let lastEvent = Date.now();
    let received = 0;
    try {
      const result = await this.device.receiveFile(name, source, (bytes) => {
        received = bytes;
        const due = Math.floor(bytes / BYTES_PER_MARK);
        if (due > marks) {
          this.term.write('!'.repeat(due - marks));
          marks = due;
        }
        if (Date.now() - lastEvent >= PROGRESS_EVENT_MS) {
          lastEvent = Date.now();
          event('progress', bytes, source.declaredSize !== undefined ? { totalBytes: source.declaredSize } : {});
        }
      });
      const seconds = Math.max((Date.now() - started) / 1000, 0.001);
      event('done', result.bytes, { totalBytes: result.bytes });
      this.term.write('\r\n');
      this.out([`${result.bytes} bytes copied in ${seconds.toFixed(3)} secs (${Math.floor(result.bytes / seconds)} bytes/sec)`]);
    } catch (error) {
      event('failed', received, { error: (error as Error).message });
      this.term.write('\r\n');
      if (error instanceof NoSpaceError) {
        this.out([`%Error copying ${shown} (Not enough space on device)`]);
      } else if (error instanceof CopyError && (received > 0 || error.truncated)) {
        this.out([`%Error copying ${shown} (I/O error)`]);
      } else if (error instanceof CopyError) {
        // Failed before the first byte (an FTP RETR refused after SIZE was not supported, …).
        this.out([`%Error opening ${shown} (No such file or directory)`]);
      } else {
        throw error;
      }
    }
  }

  private async verify(args: Token[]): Promise<void> {
    const [algorithm, fileArg, expected] = args;
    if (!algorithm || algorithm.text.toLowerCase() !== '/md5') {
      return this.caret(this.promptText.length + (algorithm?.offset ?? 0));
    }
    if (!fileArg) {
      this.out(['% Incomplete command.', '']);
      return;
    }
    const name = this.localFile(fileArg.text);
    const path = `flash:${name ?? ''}`;
    let dots = 0;
    const md5 =
      name === undefined
        ? undefined
        : await this.device.computeMd5(name, (bytes) => {
            const due = Math.max(1, Math.floor(bytes / BYTES_PER_DOT));
            if (due > dots) {
              this.term.write('.'.repeat(due - dots));
              dots = due;
            }
          });
    if (md5 === undefined) {
      this.out([`%Error opening ${name === undefined ? fileArg.text : path} (No such file or directory)`]);
      return;
    }
    this.term.write('Done!\r\n');
    if (!expected) {
      this.out([`verify /md5 (${path}) = ${md5}`]);
    } else if (expected.text.toLowerCase() === md5) {
      this.out([`Verified (${path}) = ${md5}`]);
    } else {
      this.out([`%Error verifying ${path}`, `Computed signature   = ${md5}`, `Submitted signature  = ${expected.text.toLowerCase()}`]);
    }
  }

  private async delete(args: Token[]): Promise<void> {
    const force = args[0]?.text.toLowerCase() === '/force';
    const rest = force ? args.slice(1) : args;
    const target = rest[0];
    if (!target) {
      this.out(['% Incomplete command.', '']);
      return;
    }
    let name = this.localFile(target.text);
    if (name === undefined || rest.length > 1) return this.caret(this.promptText.length + target.offset);
    if (!force) {
      const answer = await this.ask(`Delete filename [${name}]? `);
      if (answer === undefined) return;
      if (answer !== '') {
        const other = this.localFile(answer);
        if (other === undefined) return this.out([`%Error deleting ${answer} (Invalid argument)`]);
        name = other;
      }
      if (!(await this.confirm(`Delete flash:/${name}? `))) return;
    }
    if (!this.device.deleteFile(name)) {
      this.out([`%Error deleting flash:/${name} (No such file or directory)`]);
    }
  }

  // --- reload --------------------------------------------------------------------------------

  private async reload(): Promise<void> {
    if (this.device.configModified) {
      for (;;) {
        const answer = await this.ask('System configuration has been modified. Save? [yes/no]: ');
        if (answer === undefined) return;
        if (/^y(es?)?$/i.test(answer)) {
          this.out(this.writeMemory());
          break;
        }
        if (/^no?$/i.test(answer)) break;
        this.out(["% Please answer 'yes' or 'no'."]);
      }
    }
    this.out(['Reload command is being issued on Active unit, this will reload the whole stack']);
    if (!(await this.confirm('Proceed with reload? '))) return;
    this.term.write('\r\n');
    this.ended = true;
    this.host.reload();
  }
}
