// The network face of one device: an SSH server (ssh2) on the device's address and port that
// checks its credentials and runs a CLI session per shell or exec request. A reload closes the
// listener and every connection, so clients see "connection refused" until it boots again.
import { createHash, timingSafeEqual } from 'node:crypto';
import ssh2, { type AuthContext, type Connection, type ParsedKey, type Server, type ServerChannel } from 'ssh2';
import { CliSession, type CliHost } from './cli.ts';
import { runScpSink, scpSinkTarget } from './scp-sink.ts';
import { Terminal } from './terminal.ts';

function sameSecret(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/** Host keys parsed once per lab process (every re-listen after a reload reuses the device's). */
const parsedHostKeys = new Map<string, ParsedKey>();

function parsedHostKey(pem: string): ParsedKey {
  const known = parsedHostKeys.get(pem);
  if (known) return known;
  const parsed = ssh2.utils.parseKey(pem);
  if (parsed instanceof Error) throw new Error(`lab host key: ${parsed.message}`);
  const key: ParsedKey | undefined = Array.isArray(parsed) ? (parsed as ParsedKey[])[0] : parsed;
  if (key === undefined) throw new Error('lab host key: no key in the file');
  parsedHostKeys.set(pem, key);
  return key;
}

/** What clients tried against the device's SSH server (tests check that a refused host key got nothing). */
export interface SshAuthAttempts {
  password: number;
  keyboardInteractive: number;
  /** `none`, `publickey` and any other method. */
  other: number;
}

export class DeviceSshServer {
  private server: Server | undefined;
  /** Since the lab process started this device; kept across reloads. */
  readonly authAttempts: SshAuthAttempts = { password: 0, keyboardInteractive: 0, other: 0 };
  private readonly connections = new Set<Connection>();
  private boundPort: number;

  constructor(
    private readonly host: CliHost,
    private readonly hostKey: string,
    private readonly address: string,
    port: number,
  ) {
    this.boundPort = port;
  }

  /** The port in use (the OS-chosen one once listening on port 0). */
  get port(): number {
    return this.boundPort;
  }

  /** The host key's OpenSSH SHA256 fingerprint and type, as a client sees them. */
  get hostKeyInfo(): { fingerprint: string; keyType: string } {
    const key = parsedHostKey(this.hostKey);
    const blob = key.getPublicSSH();
    return { fingerprint: `SHA256:${createHash('sha256').update(blob).digest('base64').replace(/=+$/, '')}`, keyType: key.type };
  }

  get listening(): boolean {
    return this.server !== undefined;
  }

  /** Starts accepting connections; after the first bind it always reuses the same port. */
  async listen(): Promise<void> {
    if (this.server) return;
    const server = new ssh2.Server({ hostKeys: [{ key: parsedHostKey(this.hostKey) }], ident: 'Cisco-1.25' }, (client) => this.accept(client));
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.boundPort, this.address, () => {
        server.off('error', reject);
        resolve();
      });
    });
    server.on('error', () => undefined);
    const address = server.address();
    if (address && typeof address === 'object') this.boundPort = address.port;
    this.server = server;
  }

  /** Stops listening and drops every connection (reload, lab stop). */
  async close(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    this.dropConnections();
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  dropConnections(): void {
    for (const connection of this.connections) connection.end();
    this.connections.clear();
  }

  private accept(client: Connection): void {
    const spec = this.host.device.spec;
    if (!this.host.device.reachable) {
      client.end();
      return;
    }
    // Interactive CLI traffic: without this, Nagle's algorithm holds the prompt written after a
    // command's output until the client's delayed ACK (~40 ms per command on Linux).
    // (ssh2 has Connection.setNoDelay; @types/ssh2 omits it.)
    (client as Connection & { setNoDelay(noDelay: boolean): void }).setNoDelay(true);
    this.connections.add(client);
    client.on('close', () => this.connections.delete(client));
    client.on('error', () => this.connections.delete(client));
    client.on('authentication', (ctx: AuthContext) => {
      const methods: ('password' | 'keyboard-interactive')[] = ['password', 'keyboard-interactive'];
      // The sshAuthFailure fault: every login is rejected.
      const userOk = sameSecret(ctx.username, spec.username) && !this.host.device.faults.sshAuthFailure;
      if (ctx.method === 'password') this.authAttempts.password += 1;
      else if (ctx.method === 'keyboard-interactive') this.authAttempts.keyboardInteractive += 1;
      else this.authAttempts.other += 1;
      if (ctx.method === 'password') {
        if (userOk && sameSecret(ctx.password, spec.password)) ctx.accept();
        else ctx.reject(methods);
      } else if (ctx.method === 'keyboard-interactive') {
        ctx.prompt([{ prompt: 'Password: ', echo: false }], (answers) => {
          if (userOk && sameSecret(answers[0] ?? '', spec.password)) ctx.accept();
          else ctx.reject(methods);
        });
      } else {
        ctx.reject(methods);
      }
    });
    client.on('ready', () => {
      client.on('session', (acceptSession) => {
        const session = acceptSession();
        let pty = false;
        session.on('pty', (accept) => {
          pty = true;
          accept?.();
        });
        session.on('window-change', (accept) => accept?.());
        session.on('env', (accept) => accept?.());
        session.on('shell', (accept) => this.run(client, accept(), pty, undefined));
        session.on('exec', (accept, reject, info) => {
          const target = scpSinkTarget(info.command);
          if (target === undefined) return this.run(client, accept(), false, info.command);
          // Without `ip scp server enable` / `feature scp-server` the device refuses scp.
          if (!this.host.device.scpServer) return reject?.();
          const channel = accept();
          runScpSink(this.host.device, channel, target)
            .then(
              () => channel.exit(0),
              () => channel.exit(1),
            )
            .finally(() => channel.end());
        });
      });
    });
  }

  private run(client: Connection, channel: ServerChannel, interactive: boolean, command: string | undefined): void {
    const term = new Terminal((text) => {
      if (channel.writable) channel.write(text);
    }, interactive);
    const cli = new CliSession(this.host, term);
    channel.on('data', (data: Buffer) => term.feed(data.toString('utf8')));
    channel.on('end', () => term.endInput());
    channel.on('close', () => {
      term.close();
      cli.finish();
    });
    channel.on('error', () => undefined);
    const work = command === undefined ? cli.runShell() : cli.runCommand(command);
    void work
      .catch((error: Error) => term.write(`\r\n% ${error.message}\r\n`))
      .finally(() => {
        term.close();
        if (channel.writable) {
          channel.exit(0);
          channel.end();
        }
        // A vty that exits closes the SSH connection, as on IOS.
        if (command === undefined) client.end();
      });
  }
}
