// The IOS-XE command interpreter of one session: modes (`>`, `#`, `(config)#`), the commands a
// SWIM tool runs on a Catalyst 9300 in BUNDLE mode, their questions ([confirm], [yes/no],
// filenames) and their error messages.
import { applyFilter, parseCommand, tokenize, type CommandNode, type Token } from './cli-parser.ts';
import { CopyError, NoSpaceError, type SimDevice } from './device.ts';
import {
  dirFlash,
  showBoot,
  showClock,
  showRunningConfig,
  showStartupConfig,
  showVersion,
  type ConfigContext,
} from './formats.ts';
import {
  asrShowBoot,
  asrShowVersion,
  classicDir,
  classicShowBootvar,
  classicShowVersion,
  catalystClassicShowBoot,
  catalystClassicShowVersion,
  clockLine,
  cryptoKeys,
  httpSecureStatus,
  installSummary,
  inventory,
  ipInterfaceBrief,
  ipRouteSummary,
  licenseSummary,
  ntpStatus,
  nxosDir,
  nxosShowBoot,
  nxosShowVersion,
  processesCpu,
  type PlatformContext,
} from './formats-platforms.ts';
import { showPrivilege, showUserAccount } from './formats-tools.ts';
import { labInterfaces, showInterfaces, showIpInterface, showMemoryStatistics } from './formats-interfaces.ts';
import { hasJsonForm, isJsonPipe, jsonOutput } from './nxos-json.ts';
import { installAllKickstart, kickstartShowBoot, kickstartShowVersion } from './nxos-kickstart.ts';
import { EOS_COPIED, EOS_SAVE_QUESTION, eosDir, eosShowBootConfig, eosShowVersion } from './os-eos.ts';
import { hashNumber, identityOf, smuOfFile } from './platform.ts';
import { packageFilesOf, versionOfBasePackage } from './platforms.ts';
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
    // An NX-OS network-admin lands at `#`: NX-OS has no user EXEC mode.
    this.mode = host.device.spec.enableSecret && host.device.profile.family !== 'nx-os' ? 'user' : 'exec';
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

  private get family(): 'ios-xe' | 'ios' | 'nx-os' | 'eos' {
    return this.device.profile.family;
  }

  /**
   * The format of the outputs the lab prints only in Cisco form (clock, NTP, licences, interface
   * table): an EOS device prints IOS-XE's, not yet its own (see lab/os-eos.ts).
   */
  /** IOS or IOS-XE: the commands lab/formats-interfaces.ts and `ip scp server` serve. */
  private get iosFamily(): boolean {
    return this.family === 'ios' || this.family === 'ios-xe';
  }

  private get ciscoFamily(): 'ios-xe' | 'ios' | 'nx-os' {
    return this.family === 'eos' ? 'ios-xe' : this.family;
  }

  /** Who `install` output names: the stack member on a Catalyst, the route processor on an ASR. */
  private get installMember(): { id: string; name: string } {
    return this.device.profile.iosXeRouter ? { id: 'R0', name: 'R0' } : { id: '1', name: 'switch 1' };
  }

  /** `flash` or `bootflash`. */
  private get fs(): string {
    return this.device.profile.filesystem;
  }

  /** Device time, off by the clockSkewSeconds fault. */
  private now(): Date {
    return new Date(Date.now() + (this.device.faults.clockSkewSeconds ?? 0) * 1000);
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
    const latency = this.device.faults.commandLatencyMs;
    if (latency && latency > 0) await new Promise((resolve) => setTimeout(resolve, latency));
    let lines: string[] | void;
    try {
      lines = await parsed.handler(parsed.args);
    } catch (error) {
      this.out([`% ${(error as Error).message}`]);
      return;
    }
    if (!lines) return;
    const pipe = bar >= 0 ? line.slice(bar + 1) : '';
    if (this.family === 'nx-os' && isJsonPipe(pipe) && hasJsonForm(commandPart)) {
      lines = jsonOutput(commandPart, lines, pipe.includes('pretty'));
    } else if (bar >= 0) {
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
      clock: leaf(() => Promise.resolve(this.family === 'nx-os' ? clockLine(this.now(), true) : showClock(this.now()))),
      boot: leaf(() => Promise.resolve(this.showBoot())),
      // A Catalyst access switch knows `show boot` only.
      ...(this.device.profile.accessSwitch ? {} : { bootvar: leaf(() => Promise.resolve(this.showBoot())) }),
      // EOS prints its boot image with `show boot-config` (lab/os-eos.ts).
      ...(this.family === 'eos' ? { 'boot-config': leaf(() => Promise.resolve(this.showBoot())) } : {}),
      ntp: { children: { status: leaf(() => Promise.resolve(ntpStatus(this.ciscoFamily, this.device.faults.clockSkewSeconds ?? 0, this.now()))) } },
      inventory: leaf(() => Promise.resolve(inventory(this.device.profile, identityOf(this.device.hostname)))),
      // Ansible's cisco.ios terminal plugin asks at every login and after `enable`.
      privilege: leaf(() => Promise.resolve(showPrivilege(this.mode !== 'user'))),
      ...(this.family === 'nx-os'
        ? { 'user-account': leaf((args) => Promise.resolve(showUserAccount(this.device.spec.username, args[0]?.text)), 'optional') }
        : {}),
      // IOS-XE `show license summary`; classic IOS `show license`; NX-OS `show license usage`.
      license: {
        handler: () => Promise.resolve(licenseSummary(this.ciscoFamily, this.device.faults.licenseInvalid === true)),
        args: 'none',
        children: {
          summary: leaf(() => Promise.resolve(licenseSummary(this.ciscoFamily, this.device.faults.licenseInvalid === true))),
          usage: leaf(() => Promise.resolve(licenseSummary(this.ciscoFamily, this.device.faults.licenseInvalid === true))),
        },
      },
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
    const scpServer = (on: boolean): CommandNode<Handler> =>
      leaf(() => {
        this.device.setScpServer(on);
        return Promise.resolve();
      });
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
            [`${this.fs}:`]: leaf(() => Promise.resolve(this.dir([]))),
            install: { children: { summary: leaf(() => Promise.resolve(this.showInstallSummary())) } },
            crypto: {
              children: {
                key: {
                  children: {
                    mypubkey: {
                      children: {
                        rsa: leaf(() =>
                          Promise.resolve(
                            cryptoKeys(this.device.hostname, this.device.domainName, this.device.rsaKeyBits, identityOf(this.device.hostname)),
                          ),
                        ),
                      },
                    },
                  },
                },
              },
            },
            ip: {
              children: {
                http: {
                  children: {
                    server: {
                      children: {
                        secure: { children: { status: leaf(() => Promise.resolve(httpSecureStatus(this.device.faults.tlsBelow12 === true))) } },
                      },
                    },
                  },
                },
                route: { children: { summary: leaf(() => Promise.resolve(ipRouteSummary(this.afterUpgrade('fewerRoutesAfterUpgrade'), this.family === 'nx-os'))) } },
                interface: {
                  // `show ip interface` (IOS families): what Ansible's ios_facts reads addresses from.
                  ...(!this.iosFamily ? {} : { handler: () => Promise.resolve(showIpInterface(this.interfaces())), args: 'none' as const }),
                  children: {
                    brief: leaf(() =>
                      Promise.resolve(ipInterfaceBrief(this.ciscoFamily, this.device.spec.address, this.afterUpgrade('interfaceDownAfterUpgrade'))),
                    ),
                  },
                },
              },
            },
            ...(!this.iosFamily
              ? {}
              : {
                  interfaces: leaf(() => Promise.resolve(showInterfaces(this.device.hostname, this.interfaces()))),
                  // No interface has IPv6 enabled: a real device prints nothing.
                  ipv6: { children: { interface: leaf(() => Promise.resolve([])) } },
                  memory: { children: { statistics: leaf(() => Promise.resolve(showMemoryStatistics(hashNumber(this.device.hostname)))) } },
                }),
            // NX-OS `show file bootflash:<f> md5sum`: the digest alone (netmiko's file_transfer verify).
            ...(this.family === 'nx-os' ? { file: leaf((args) => Promise.resolve(this.showFileMd5(args)), 'required') } : {}),
            processes: {
              children: {
                cpu: leaf(
                  () => Promise.resolve(processesCpu(this.afterUpgrade('cpuHighAfterUpgrade'), hashNumber(this.device.hostname))),
                  'optional',
                ),
              },
            },
          },
        },
        install: leaf((args) => this.install(args), 'required'),
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
        boot: {
          children: {
            system: leaf((args) => Promise.resolve(this.bootSystem(args)), 'required'),
            nxos: leaf((args) => Promise.resolve(this.bootSystem(args)), 'required'),
          },
        },
        no: {
          children: {
            boot: {
              children: {
                system: leaf((args) => Promise.resolve(this.noBootSystem(args)), 'optional'),
                nxos: leaf((args) => Promise.resolve(this.noBootSystem(args)), 'optional'),
              },
            },
            // EOS: `no alias <name>` (lab/os-eos.ts).
            alias: this.family === 'eos' ? leaf((args) => Promise.resolve(this.noAlias(args)), 'required') : { children: { exec: leaf((args) => Promise.resolve(this.noAlias(args)), 'required') } },
            ...(this.family === 'nx-os' ? { feature: { children: { 'scp-server': scpServer(false) } } } : {}),
            ip: {
              children: {
                ...(this.iosFamily ? { scp: { children: { server: { children: { enable: scpServer(false) } } } } } : {}),
                domain: { children: { name: leaf(() => Promise.resolve(this.domainName([])), 'optional') } },
                'domain-name': leaf(() => Promise.resolve(this.domainName([])), 'optional'),
              },
            },
          },
        },
        'config-register': leaf((args) => Promise.resolve(this.configRegister(args)), 'required'),
        // The SCP server real devices run when configured (lab/scp-sink.ts serves `scp -t`).
        ...(this.family === 'nx-os' ? { feature: { children: { 'scp-server': scpServer(true) } } } : {}),
        // EOS: `alias <name> <command…>`.
        alias: this.family === 'eos' ? leaf((args) => Promise.resolve(this.alias(args)), 'required') : { children: { exec: leaf((args) => Promise.resolve(this.alias(args)), 'required') } },
        ip: {
          children: {
            ...(this.iosFamily ? { scp: { children: { server: { children: { enable: scpServer(true) } } } } } : {}),
            domain: { children: { name: leaf((args) => Promise.resolve(this.domainName(args)), 'required') } },
            'domain-name': leaf((args) => Promise.resolve(this.domainName(args)), 'required'),
          },
        },
        crypto: {
          children: {
            key: {
              children: {
                generate: { children: { rsa: leaf((args) => this.generateRsa(args), 'optional') } },
                zeroize: { children: { rsa: leaf(() => this.zeroizeRsa()) } },
              },
            },
          },
        },
        hostname: leaf((args) => Promise.resolve(this.hostname(args)), 'required'),
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

  /** IOS / IOS-XE interfaces (the ones `show ip interface brief` lists). */
  private interfaces(): ReturnType<typeof labInterfaces> {
    return labInterfaces(this.family === 'ios' ? 'ios' : 'ios-xe', this.device.spec.address, this.afterUpgrade('interfaceDownAfterUpgrade'));
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

  private platformContext(): PlatformContext {
    return {
      profile: this.device.profile,
      state: this.device.snapshot,
      version: this.device.version,
      flashSizeBytes: this.device.flashSizeBytes,
      configRegister: this.device.configRegister,
      nextConfigRegister: this.device.nextConfigRegister,
      now: new Date(),
    };
  }

  private afterUpgrade(fault: 'cpuHighAfterUpgrade' | 'fewerRoutesAfterUpgrade' | 'interfaceDownAfterUpgrade'): boolean {
    return this.device.faults[fault] === true && this.device.upgradedSinceFault;
  }

  private showInstallSummary(): string[] {
    if (this.family !== 'ios-xe') return ['                 ^', "% Invalid input detected at '^' marker.", ''];
    const running = this.device.version;
    const inactive = new Set<string>();
    for (const f of this.device.files()) {
      const v = versionOfBasePackage(this.device.profile, f.name);
      if (v && v !== running) inactive.add(v);
    }
    const pending = this.device.snapshot.pendingInstalledVersion;
    return installSummary(
      [
        ...[...inactive].filter((v) => v !== pending).map((version) => ({ state: 'I' as const, version })),
        ...(pending ? [{ state: 'U' as const, version: pending }] : []),
        { state: 'C' as const, version: running },
      ],
      this.device.activeSmus.map((name) => ({ state: 'C' as const, file: `${this.fs}:${name}` })),
    );
  }

  private showVersion(): string[] {
    if (this.family === 'eos') return eosShowVersion(this.platformContext());
    if (this.family === 'ios') return this.device.profile.accessSwitch ? catalystClassicShowVersion(this.platformContext()) : classicShowVersion(this.platformContext());
    if (this.device.profile.kickstart) return kickstartShowVersion(this.platformContext());
    if (this.family === 'nx-os') return nxosShowVersion(this.platformContext());
    if (this.device.profile.iosXeRouter) return asrShowVersion(this.platformContext());
    return showVersion({
      installedVersion: this.device.snapshot.installedVersion,
      state: this.device.snapshot,
      flashSizeBytes: this.device.flashSizeBytes,
      configRegister: this.device.configRegister,
      nextConfigRegister: this.device.nextConfigRegister,
      now: new Date(),
    });
  }

  private showBoot(): string[] {
    const s = this.device.snapshot;
    if (this.family === 'eos') return eosShowBootConfig(s.savedBootVariables);
    if (this.device.profile.accessSwitch) return catalystClassicShowBoot(s.savedBootVariables);
    if (this.family === 'ios') return classicShowBootvar(s.savedBootVariables, this.device.configRegister, this.device.nextConfigRegister);
    if (this.device.profile.kickstart) return kickstartShowBoot(s);
    if (this.family === 'nx-os') return nxosShowBoot(s.bootVariables, s.savedBootVariables);
    if (this.device.profile.iosXeRouter) return asrShowBoot(s.savedBootVariables, this.device.configRegister, this.device.nextConfigRegister);
    return showBoot(s.bootVariables, s.savedBootVariables);
  }

  private configContext(boot: string[], aliases: readonly string[]): ConfigContext {
    return {
      aliases,
      hostname: this.device.hostname,
      version: this.device.version || '17.06.05',
      bootVariables: boot,
      configRegister: this.device.nextConfigRegister ?? this.device.configRegister,
      username: this.device.spec.username,
      address: this.device.spec.address,
      domainName: this.device.domainName,
      ...(this.family === 'eos' ? { aliasCommand: 'alias' } : {}),
    };
  }

  private showRunning(): string[] {
    const s = this.device.snapshot;
    return showRunningConfig(this.configContext(s.bootVariables, this.device.aliases), new Date(s.configChangedAt ?? s.bootedAt));
  }

  private showStartup(): string[] {
    const s = this.device.snapshot;
    return showStartupConfig(s.startupConfigPresent ? this.configContext(s.savedBootVariables, this.device.savedAliases) : undefined);
  }

  private dir(args: Token[]): string[] {
    const target = args[0]?.text ?? `${this.fs}:`;
    // `dir flash:/<file>` lists that file alone (what netmiko's file_transfer checks).
    const one = new RegExp(`^${this.fs}:/*$`, 'i').test(target) ? undefined : this.device.localName(target);
    const file = one === undefined ? undefined : this.device.findFile(one);
    if (args.length > 1 || (one !== undefined && !file) || (one === undefined && !new RegExp(`^${this.fs}:/*$`, 'i').test(target))) {
      return [`%Error opening ${target} (No such file or directory)`];
    }
    if (file) return this.dirOf([file]).map((l) => l.replace(/^Directory of \S+$/, `Directory of ${this.fs}:/${file.name}`));
    return this.dirOf([...this.device.files()]);
  }

  private showFileMd5(args: Token[]): string[] {
    const name = args[0] ? this.device.localName(args[0].text) : undefined;
    const file = name === undefined ? undefined : this.device.findFile(name);
    if (args.length !== 2 || args[1]?.text.toLowerCase() !== 'md5sum' || !args[0]) return ['% Invalid command at \'^\' marker.'];
    if (!file) return [`/bin/cat: ${args[0].text}: No such file or directory`];
    return [file.md5];
  }

  private dirOf(files: ReturnType<SimDevice['files']>[number][]): string[] {
    if (this.family === 'eos') return eosDir(files, this.device.flashSizeBytes, this.device.freeBytes(), this.now());
    if (this.family === 'ios') return classicDir(files, this.device.flashSizeBytes, this.device.freeBytes());
    if (this.family === 'nx-os') return nxosDir(files, this.device.flashSizeBytes, this.device.freeBytes());
    return dirFlash(files, this.device.flashSizeBytes, this.device.freeBytes(), this.fs);
  }

  // --- configuration -------------------------------------------------------------------------

  /** `boot system [switch all] flash:<file>`: appended to the running boot list. */
  private bootSystem(args: Token[]): void {
    const rest = args[0]?.text.toLowerCase() === 'switch' ? args.slice(2) : args;
    const target = rest[0];
    const name = target ? this.device.localName(target.text) : undefined;
    if (!target || rest.length > 1 || !name) {
      this.caret(this.promptText.length + (target ?? args[0])!.offset);
      return;
    }
    // EOS boots one image: `boot system` replaces it.
    if (this.family === 'eos') this.device.removeBootVariables();
    this.device.addBootVariable(`${this.fs}:${name}`);
  }

  private noBootSystem(args: Token[]): void {
    const rest = args[0]?.text.toLowerCase() === 'switch' ? args.slice(2) : args;
    const target = rest[0];
    const name = target ? this.device.localName(target.text) : undefined;
    if (target && !name) {
      this.caret(this.promptText.length + target.offset);
      return;
    }
    this.device.removeBootVariables(name ? `${this.fs}:${name}` : undefined);
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
    if (this.family === 'eos') return EOS_COPIED;
    if (this.family === 'nx-os') {
      return ['[########################################] 100%', 'Copy complete, now saving to disk (please wait)...', 'Copy complete.'];
    }
    return ['Building configuration...', '[OK]'];
  }

  /** `alias exec <name> <command…>`. */
  private alias(args: Token[]): string[] | void {
    const [name, ...command] = args;
    if (!name || command.length === 0) return ['% Incomplete command.', ''];
    this.device.setAlias(name.text, command.map((t) => t.text).join(' '));
  }

  /** `no alias exec <name>`. */
  private noAlias(args: Token[]): void {
    if (args[0]) this.device.removeAlias(args[0].text);
  }

  private domainName(args: Token[]): void {
    this.device.setDomainName(args[0]?.text ?? '');
  }

  private hostname(args: Token[]): string[] | void {
    // The lab keys a device's state by its hostname: renaming is not simulated.
    if (args[0]?.text !== this.device.hostname) return ['% The lab does not support changing the hostname'];
  }

  private async generateRsa(args: Token[]): Promise<string[] | void> {
    if (!this.device.domainName) return ['% Please define a domain-name first.'];
    const modulusAt = args.findIndex((a) => a.text.toLowerCase() === 'modulus');
    let bits = modulusAt >= 0 ? Number(args[modulusAt + 1]?.text) : NaN;
    if (modulusAt < 0) {
      this.out([
        `The name for the keys will be: ${this.device.hostname}.${this.device.domainName}`,
        'Choose the size of the key modulus in the range of 512 to 4096 for your',
        '  General Purpose Keys. Choosing a key modulus greater than 512 may take',
        '  a few minutes.',
        '',
      ]);
      const answer = await this.ask('How many bits in the modulus [2048]: ');
      if (answer === undefined) return;
      bits = answer === '' ? 2048 : Number(answer);
    } else {
      this.out([`The name for the keys will be: ${this.device.hostname}.${this.device.domainName}`, '']);
    }
    if (!Number.isInteger(bits) || bits < 512 || bits > 4096) return ['% Key modulus size must be between 512 and 4096 bits'];
    this.device.setRsaKey(bits);
    return [`% Generating ${bits} bit RSA keys, keys will be non-exportable...`, '[OK] (elapsed time was 1 seconds)', ''];
  }

  private async zeroizeRsa(): Promise<string[] | void> {
    this.out(['% All keys will be removed.', '% All router certs issued using these keys will also be removed.']);
    const answer = await this.ask('Do you really want to remove these keys? [yes/no]: ');
    if (answer !== undefined && /^y(es?)?$/i.test(answer)) this.device.setRsaKey(0);
  }

  // --- install (IOS-XE INSTALL mode, NX-OS install all) ------------------------------------------

  private async install(args: Token[]): Promise<void> {
    const words = args.map((a) => a.text.toLowerCase());
    if (this.family === 'nx-os' && words[0] === 'all') return this.installAll(args);
    if (this.family !== 'ios-xe') return this.caret(this.promptText.length - 'install '.length + (args[0]?.offset ?? 0));
    // install add file flash:<bundle> activate commit [prompt-level none]
    if (words[0] !== 'add' || words[1] !== 'file' || !args[2] || words[3] !== 'activate' || words[4] !== 'commit') {
      return this.caret(this.promptText.length + (args[Math.min(args.length - 1, 3)]?.offset ?? 0));
    }
    const noPrompt = words[5] === 'prompt-level' && words[6] === 'none';
    const stamp = (): string => {
      const d = new Date();
      return `${['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'][d.getUTCDay()] ?? 'Sun'} ${d.toUTCString().slice(8, 11)} ${d.getUTCDate()} ${d.toISOString().slice(11, 19)} UTC ${d.getUTCFullYear()}`;
    };
    this.out([`install_add_activate_commit: START ${stamp()}`]);
    if (!this.device.profile.installMode) {
      this.out([
        `FAILED: install_add_activate_commit : Install operations are not supported in BUNDLE boot mode. Boot the system in INSTALL mode (${this.fs}:packages.conf).`,
        '',
      ]);
      return;
    }
    const path = args[2].text;
    const name = this.device.localName(path);
    const entry = name ? this.device.findFile(name) : undefined;
    const smu = entry ? smuOfFile(entry.name) : undefined;
    if (entry && smu) return this.installSmu(entry.name, smu.version, noPrompt, stamp);
    const version = entry ? this.device.profile.versionOfImage(entry.name) : undefined;
    this.out(['install_add_activate_commit: Adding PACKAGE', 'install_add_activate_commit: Checking whether new add is allowed ....', '']);
    if (!entry || !version) {
      this.out([`FAILED: install_add_activate_commit : ${path} is not a valid IOS-XE bundle or the file does not exist`, '']);
      return;
    }
    if (this.device.configModified) {
      this.out(['FAILED: install_add_activate_commit : System configuration has been modified. Please save configuration and resubmit command.', '']);
      return;
    }
    const m = this.installMember;
    this.out([
      '--- Starting initial file syncing ---',
      `[${m.id}]: Copying ${path} from ${m.name} to ${m.name}`,
      `[${m.id}]: Finished copying to ${m.name}`,
      `Info: Finished copying ${path} to the selected switch(es)`,
      'Finished initial file syncing',
      '',
      '--- Starting Add ---',
      'Performing Add on all members',
      `  [${m.id}] Add package(s) on ${m.name}`,
      `  [${m.id}] Finished Add on ${m.name}`,
      `Checking status of Add on [${m.id}]`,
      `Add: Passed on [${m.id}]`,
      'Finished Add',
      '',
      `Image added. Version: ${version}.0.${(hashNumber(version) % 9000) + 100}`,
      'install_add_activate_commit: Activating PACKAGE',
      'Following packages shall be activated:',
      ...packageFilesOf(this.device.profile, version).filter((f) => f.name.endsWith('.pkg')).map((f) => `/${this.fs}/${f.name}`),
      '',
    ]);
    if (!noPrompt && !(await this.confirmInstallReload(stamp))) return;
    this.device.installPackages(version);
    this.out([
      '--- Starting Activate ---',
      'Performing Activate on all members',
      `  [${m.id}] Activate package(s) on ${m.name}`,
      `  [${m.id}] Finished Activate on ${m.name}`,
      `Checking status of Activate on [${m.id}]`,
      `Activate: Passed on [${m.id}]`,
      'Finished Activate',
      '',
      '--- Starting Commit ---',
      'Performing Commit on all members',
      `  [${m.id}] Commit package(s) on ${m.name}`,
      `  [${m.id}] Finished Commit on ${m.name}`,
      `Checking status of Commit on [${m.id}]`,
      `Commit: Passed on [${m.id}]`,
      'Finished Commit operation',
      '',
      'Install will reload the system now!',
      `SUCCESS: install_add_activate_commit  ${stamp()}`,
    ]);
    this.ended = true;
    this.host.reload();
  }

  /**
   * `install add file flash:<smu> activate commit`: a SMU of the running release is added,
   * activated and committed, then the device reloads (the lab's SMUs are all cold: they need a
   * reload). A SMU of another release is refused and nothing changes.
   */
  private async installSmu(name: string, smuVersion: string, noPrompt: boolean, stamp: () => string): Promise<void> {
    const running = this.device.version;
    const path = `${this.fs}:${name}`;
    this.out(['install_add_activate_commit: Adding SMU', 'install_add_activate_commit: Checking whether new add is allowed ....', '']);
    if (smuVersion !== running) {
      this.out([`FAILED: install_add_activate_commit : SMU ${name} is not applicable to the running release ${running}`, '']);
      return;
    }
    if (this.device.activeSmus.includes(name)) {
      this.out([`FAILED: install_add_activate_commit : SMU ${name} is already activated and committed`, '']);
      return;
    }
    if (this.device.configModified) {
      this.out(['FAILED: install_add_activate_commit : System configuration has been modified. Please save configuration and resubmit command.', '']);
      return;
    }
    const phase = (title: string, op: string): string[] => [
      `--- Starting SMU ${title} operation ---`,
      `Performing ${op} on all members`,
      `  [1] ${op} package(s) on switch 1`,
      `  [1] Finished ${op} on switch 1`,
      `Checking status of ${op} on [1]`,
      `${op}: Passed on [1]`,
      `Finished SMU ${title} operation`,
      '',
    ];
    this.out([
      '--- Starting initial file syncing ---',
      `[1]: Copying ${path} from switch 1 to switch 1`,
      '[1]: Finished copying to switch 1',
      `Info: Finished copying ${path} to the selected switch(es)`,
      'Finished initial file syncing',
      '',
      ...phase('Add', 'SMU_ADD'),
      'install_add_activate_commit: Activating SMU',
      '',
    ]);
    if (!noPrompt && !(await this.confirmInstallReload(stamp))) return;
    this.device.activateSmu(name);
    this.out([...phase('Activate', 'SMU_ACTIVATE'), ...phase('Commit', 'SMU_COMMIT'), 'Install will reload the system now!', `SUCCESS: install_add_activate_commit /flash/${name} ${stamp()}`]);
    this.ended = true;
    this.host.reload();
  }

  /** The question `install … activate commit` asks before it reloads; false (and FAILED) on no. */
  private async confirmInstallReload(stamp: () => string): Promise<boolean> {
    for (;;) {
      const answer = await this.ask('This operation may require a reload of the system. Do you want to proceed? [y/n]');
      if (answer === undefined) return false;
      if (/^y(es)?$/i.test(answer)) return true;
      if (/^no?$/i.test(answer)) {
        this.out([`FAILED: install_add_activate_commit exit(1) ${stamp()}`, '']);
        return false;
      }
    }
  }

  /** NX-OS `install all nxos bootflash:<image>`: compatibility checks, question, reload into it. */
  private async installAll(args: Token[]): Promise<void> {
    if (this.device.profile.kickstart) return this.installAllPair(args);
    const words = args.map((a) => a.text.toLowerCase());
    const at = words.indexOf('nxos');
    const target = at >= 0 ? args[at + 1] : undefined;
    if (!target) {
      this.out(['% Incomplete command.', '']);
      return;
    }
    const name = this.device.localName(target.text);
    const entry = name ? this.device.findFile(name) : undefined;
    const version = entry ? this.device.profile.versionOfImage(entry.name) : undefined;
    const ok = '[####################] 100% -- SUCCESS';
    this.out(['Installer will perform compatibility check first. Please wait.', 'Installer is forced disruptive', '']);
    if (!entry || !name) {
      this.out([`Verifying image bootflash:/${name ?? target.text} for boot variable "nxos".`, '[####################] 100% -- FAIL.', '', `Return code 0x40930011 (Image file not present).`]);
      return;
    }
    if (!version || entry.corrupt) {
      this.out([`Verifying image bootflash:/${name} for boot variable "nxos".`, '[####################] 100% -- FAIL.', '', 'Return code 0x4093001E (Image verification failed).']);
      return;
    }
    this.out([
      `Verifying image bootflash:/${name} for boot variable "nxos".`,
      ok,
      '',
      'Verifying image type.',
      ok,
      '',
      `Preparing "nxos" version info using image bootflash:/${name}.`,
      ok,
      '',
      `Preparing "bios" version info using image bootflash:/${name}.`,
      ok,
      '',
      'Performing module support checks.',
      ok,
      '',
      'Notifying services about system upgrade.',
      ok,
      '',
      '',
      '',
      'Compatibility check is done:',
      'Module  bootable          Impact  Install-type  Reason',
      '------  --------  --------------  ------------  ------',
      '     1       yes      disruptive         reset  default upgrade is not hitless',
      '',
      '',
      '',
      'Images will be upgraded according to following table:',
      'Module       Image                  Running-Version(pri:alt)           New-Version  Upg-Required',
      '------  ----------  ----------------------------------------  --------------------  ------------',
      `     1        nxos  ${this.device.version.padStart(40)}  ${version.padStart(20)}  ${version === this.device.version ? '          no' : '         yes'}`,
      '     1        bios     v05.47(04/28/2022):v05.43(11/22/2020)    v05.47(04/28/2022)            no',
      '',
      '',
      'Switch will be reloaded for disruptive upgrade.',
    ]);
    const answer = await this.ask('Do you want to continue with the installation (y/n)?  [n] ');
    if (answer === undefined) return;
    if (!/^y(es)?$/i.test(answer)) {
      this.out(['Install is aborted by user.']);
      return;
    }
    this.out([
      '',
      'Install is in progress, please wait.',
      '',
      'Performing runtime checks.',
      ok,
      '',
      'Setting boot variables.',
      ok,
      '',
      'Performing configuration copy.',
      ok,
      '',
      'Module 1: Refreshing compact flash and upgrading bios/loader/bootrom.',
      'Warning: please do not remove or power off the module at this time.',
      ok,
      '',
      '',
      'Finishing the upgrade, switch will reboot in 10 seconds.',
    ]);
    this.device.setBootImage(name);
    this.ended = true;
    this.host.reload();
  }

  /** `install all kickstart … system …` on a kickstart + system platform (lab/nxos-kickstart.ts). */
  private installAllPair(args: Token[]): Promise<void> {
    return installAllKickstart(
      {
        out: (lines) => this.out(lines),
        ask: (question) => this.ask(question),
        profile: this.device.profile,
        version: this.device.version,
        runningKickstart: this.device.snapshot.kickstart?.running ?? '',
        file: (path) => {
          const name = this.device.localName(path);
          return name ? this.device.findFile(name) : undefined;
        },
        installAndReload: (kickstart, system) => {
          this.device.setBootPair(kickstart, system);
          this.ended = true;
          this.host.reload();
        },
      },
      args.map((a) => a.text),
    );
  }

  private async copyRunStart(): Promise<string[] | void> {
    if (this.family === 'nx-os' || this.family === 'eos') return this.writeMemory();
    const answer = await this.ask('Destination filename [startup-config]? ');
    if (answer === undefined) return;
    return this.writeMemory();
  }

  // --- flash ---------------------------------------------------------------------------------

  /** `flash:x`, `flash:/x` or a bare `x` → `x`; undefined when it names another file system. */
  private localFile(text: string): string | undefined {
    if (!text.includes(':')) return text.replace(/^\/+/, '');
    return this.device.localName(text);
  }

  private async copy(args: Token[]): Promise<void> {
    const [source, destination] = args;
    if (!source || !destination) {
      this.out(['% Incomplete command.', '']);
      return;
    }
    let url: URL;
    try {
      url = new URL(source.text);
    } catch {
      return this.caret(this.promptText.length + source.offset);
    }
    if (!(SUPPORTED_SCHEMES as readonly string[]).includes(url.protocol)) {
      return this.caret(this.promptText.length + source.offset);
    }
    const fsPrefix = new RegExp(`^${this.fs}:/*`, 'i');
    if (!fsPrefix.test(destination.text)) return this.caret(this.promptText.length + destination.offset);
    // NX-OS: `copy <url> bootflash: [vrf <name>]`, no questions.
    const nxos = this.family === 'nx-os';
    const extra = args.slice(2);
    if (extra.length > 0 && !(nxos && extra.length === 2 && extra[0]?.text.toLowerCase() === 'vrf')) {
      return this.caret(this.promptText.length + (extra[0]?.offset ?? 0));
    }
    const shown = maskUrl(source.text);
    const named = destination.text.replace(fsPrefix, '');
    const fallback = named || decodeURIComponent(url.pathname).split('/').pop() || '';
    // EOS copies to the named file (or the URL's) without asking.
    const quiet = nxos || this.family === 'eos';
    const answer = quiet ? '' : await this.ask(`Destination filename [${fallback}]? `);
    if (answer === undefined) return;
    const name = answer.replace(fsPrefix, '') || fallback;
    if (!FILE_NAME.test(name)) {
      this.out([`%Error opening ${this.fs}:${name} (Invalid argument)`]);
      return;
    }
    if (this.device.findFile(name) && !quiet) {
      // The real line ends in a space (test/fixtures/dialogues/ios-copy-overwrite.txt).
      this.out(['%Warning:There is a file already existing with this name ']);
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
      if (this.family === 'nx-os') this.out(['Copy complete, now saving to disk (please wait)...', 'Copy complete.']);
      else if (this.family === 'eos') this.out(EOS_COPIED);
      else this.out([`${result.bytes} bytes copied in ${seconds.toFixed(3)} secs (${Math.floor(result.bytes / seconds)} bytes/sec)`]);
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
    const path = `${this.fs}:${name ?? ''}`;
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
      if (!(await this.confirm(`Delete ${this.fs}:/${name}? `))) return;
    }
    if (!this.device.deleteFile(name)) {
      this.out([`%Error deleting ${this.fs}:/${name} (No such file or directory)`]);
    }
  }

  // --- reload --------------------------------------------------------------------------------

  private async reload(): Promise<void> {
    if (this.device.configModified) {
      for (;;) {
        const answer = await this.ask(this.family === 'eos' ? `${EOS_SAVE_QUESTION} ` : 'System configuration has been modified. Save? [yes/no]: ');
        if (answer === undefined) return;
        if (/^y(es?)?$/i.test(answer)) {
          this.out(this.writeMemory());
          break;
        }
        if (/^no?$/i.test(answer)) break;
        this.out(["% Please answer 'yes' or 'no'."]);
      }
    }
    if (this.family === 'nx-os') {
      const answer = await this.ask('This command will reboot the system. (y/n)?  [n] ');
      if (answer === undefined || !/^y/i.test(answer)) return;
    } else {
      if (this.family === 'ios-xe' && !this.device.profile.iosXeRouter) this.out(['Reload command is being issued on Active unit, this will reload the whole stack']);
      if (!(await this.confirm('Proceed with reload? '))) return;
    }
    this.term.write('\r\n');
    this.ended = true;
    this.host.reload();
  }
}
