// netswim's SCP service: the fallback for devices that cannot copy from the image service over
// HTTP(S). An SSH server (ssh2) that serves the image store read-only in SCP *source* mode: the
// device runs `copy scp://netswim-images:<password>@host:port/images/<sha256>/<file> flash:`, its
// SCP client execs `scp -f <path>` here and acts as the sink. Nothing else is served: no shell, no
// SFTP, no other command, no upload (`scp -t`), no path outside `/images/<sha256>/<file>` and the
// precheck's probe file.
//
// One account, `netswim-images`. Its password is derived from the installation's secret key
// (HMAC-SHA256), so the API process (which runs this server) and any worker process (which puts the
// password into the device's copy command) agree without storing or sharing anything more than
// NETSWIM_SECRET_KEY, which both already need. The host key is generated once into the data folder.
import { createHmac, generateKeyPair, timingSafeEqual } from 'node:crypto';
import { chmod, mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { Readable } from 'node:stream';
import ssh2, { type AuthContext, type Connection, type ParsedKey, type ServerChannel } from 'ssh2';
import { isSafeFileName } from '../domain/image-name.ts';
import type { ImageStore } from '../images/image-store.ts';
import type { Logger } from '../runtime/logger.ts';
import { PROBE_PATH } from './image-service.ts';

export const SCP_SERVICE_USER = 'netswim-images';

/** How a device reaches the SCP service. Carries the password: in-process only, never logged or returned. */
export interface ScpServiceAccess {
  host: string;
  port: number;
  username: string;
  password: string;
}

export interface ScpService {
  /** host, port (the public ones, else the bound port), user and password for devices. */
  access: ScpServiceAccess;
  /** Where it listens (the bound port when configured as 0). */
  listening: { host: string; port: number };
  /** `scp://netswim-images:***@host:port`, for logs and status. */
  display: string;
  close(): Promise<void>;
}

export interface ScpServiceOptions {
  host: string;
  port: number;
  /** The host devices use in URLs, when it differs from the listen address (NAT); default `host`. */
  publicHost?: string | undefined;
  /** The port devices use in URLs, when a NAT forwards another one; default the port listened on. */
  publicPort?: number | undefined;
  /** PEM private key (see loadOrCreateHostKey). */
  hostKey: string;
  password: string;
}

const IMAGE_PATH = /^\/?images\/([0-9a-f]{64})\/([^/]+)$/;
const PROBE = PROBE_PATH.replace(/^\//, '');
/** What the probe file holds: the same few bytes the image service serves at PROBE_PATH. */
const PROBE_BODY = Buffer.from('netswim image service probe\n');
/** How long the service waits for the device's next acknowledgement, and for a login. */
const STEP_TIMEOUT_MS = 60_000;
const LOGIN_TIMEOUT_MS = 30_000;
const MAX_AUTH_FAILURES = 3;

/** The installation's SCP password: HMAC-SHA256 of a fixed label under the secret key; URL- and CLI-safe. */
export function scpServicePassword(secretKey: Buffer): string {
  return createHmac('sha256', secretKey).update('netswim scp-service password v1').digest('base64url').slice(0, 24);
}

/** The host key in `file` (PEM, mode 0600), generated (RSA 3072, which every IOS and NX-OS accepts) on first use. */
export async function loadOrCreateHostKey(file: string): Promise<string> {
  try {
    return await readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  const pem = await new Promise<string>((resolve, reject) =>
    generateKeyPair(
      'rsa',
      { modulusLength: 3072, publicKeyEncoding: { type: 'pkcs1', format: 'pem' }, privateKeyEncoding: { type: 'pkcs1', format: 'pem' } },
      (error, _publicKey, privateKey) => (error ? reject(error) : resolve(privateKey)),
    ),
  );
  await mkdir(dirname(file), { recursive: true });
  try {
    await writeFile(file, pem, { mode: 0o600, flag: 'wx' });
  } catch (error) {
    // Another netswim process created it first: use theirs.
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return readFile(file, 'utf8');
    throw error;
  }
  await chmod(file, 0o600);
  return pem;
}

function urlHost(host: string): string {
  return host.includes(':') ? `[${host}]` : host;
}

/** `scp://` URL of a file on the service (`url` with the password, `display` with `***`). */
export function scpServiceUrl(access: ScpServiceAccess, path: string): { url: string; display: string } {
  const where = `${urlHost(access.host)}${access.port === 22 ? '' : `:${access.port}`}/${path.replace(/^\/+/, '').split('/').map(encodeURIComponent).join('/')}`;
  const user = encodeURIComponent(access.username);
  return { url: `scp://${user}:${encodeURIComponent(access.password)}@${where}`, display: `scp://${user}:***@${where}` };
}

function sameSecret(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/** Words of an exec command as a POSIX shell would split them (quotes and backslashes); undefined when unbalanced. */
export function shellWords(command: string): string[] | undefined {
  const words: string[] = [];
  let word: string | undefined;
  let i = 0;
  while (i < command.length) {
    const c = command.charAt(i);
    if (c === ' ' || c === '\t') {
      if (word !== undefined) words.push(word);
      word = undefined;
      i += 1;
    } else if (c === "'") {
      const end = command.indexOf("'", i + 1);
      if (end < 0) return undefined;
      word = (word ?? '') + command.slice(i + 1, end);
      i = end + 1;
    } else if (c === '"') {
      let j = i + 1;
      let text = '';
      while (j < command.length && command.charAt(j) !== '"') {
        if (command.charAt(j) === '\\' && /["\\$`]/.test(command.charAt(j + 1))) j += 1;
        text += command.charAt(j);
        j += 1;
      }
      if (j >= command.length) return undefined;
      word = (word ?? '') + text;
      i = j + 1;
    } else if (c === '\\') {
      if (i + 1 >= command.length) return undefined;
      word = (word ?? '') + command.charAt(i + 1);
      i += 2;
    } else {
      word = (word ?? '') + c;
      i += 1;
    }
  }
  if (word !== undefined) words.push(word);
  return words;
}

export type ScpRequest = { kind: 'image'; sha256: string; fileName: string } | { kind: 'probe'; fileName: string } | { kind: 'refused'; reason: string };

/** What an exec request asks for: only `scp -f <image or probe path>` is served. */
export function parseScpRequest(command: string): ScpRequest {
  const words = shellWords(command.trim());
  if (!words || words[0] !== 'scp') return { kind: 'refused', reason: 'only scp downloads are served' };
  const flags = new Set<string>();
  const paths: string[] = [];
  let optionsDone = false;
  for (const word of words.slice(1)) {
    if (!optionsDone && word === '--') optionsDone = true;
    else if (!optionsDone && /^-[a-zA-Z]+$/.test(word)) for (const f of word.slice(1)) flags.add(f);
    else paths.push(word);
  }
  if (flags.has('t')) return { kind: 'refused', reason: 'read-only: uploads are refused' };
  // -f: source mode (required); -p (times), -v, -q: harmless. Anything else (-r, -d, …) is refused.
  if (!flags.has('f') || [...flags].some((f) => !'fpvq'.includes(f))) return { kind: 'refused', reason: 'only scp -f <file> is served' };
  const [path] = paths;
  if (paths.length !== 1 || path === undefined) return { kind: 'refused', reason: 'exactly one file, please' };
  if (path.replace(/^\//, '') === PROBE) return { kind: 'probe', fileName: PROBE.split('/').pop() ?? PROBE };
  const match = IMAGE_PATH.exec(path);
  if (!match?.[1] || !match[2] || !isSafeFileName(match[2])) return { kind: 'refused', reason: `${JSON.stringify(path)}: No such file or directory` };
  return { kind: 'image', sha256: match[1], fileName: match[2] };
}

/** The device's side of the channel, one byte (or error line) at a time. */
class SinkReplies {
  private buffer = Buffer.alloc(0);
  private waiter: (() => void) | undefined;
  private closed = false;

  constructor(channel: ServerChannel) {
    channel.on('data', (data: Buffer) => {
      this.buffer = Buffer.concat([this.buffer, data]);
      this.waiter?.();
    });
    channel.on('close', () => {
      this.closed = true;
      this.waiter?.();
    });
  }

  /** Resolves on NUL (OK); rejects on a `\x01`/`\x02` error line, a closed channel or a timeout. */
  async ack(): Promise<void> {
    const deadline = Date.now() + STEP_TIMEOUT_MS;
    for (;;) {
      if (this.buffer.length > 0) {
        const first = this.buffer[0];
        if (first === 0) {
          this.buffer = this.buffer.subarray(1);
          return;
        }
        const newline = this.buffer.indexOf(0x0a);
        if (first === 1 || first === 2) {
          if (newline >= 0) throw new Error(`the device reported: ${this.buffer.subarray(1, newline).toString('utf8').trim()}`);
        } else {
          throw new Error('the device sent something other than an SCP acknowledgement');
        }
      }
      if (this.closed) throw new Error('the device closed the channel');
      const left = deadline - Date.now();
      if (left <= 0) throw new Error('the device did not acknowledge in time');
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.waiter = () => {
          clearTimeout(timer);
          this.waiter = undefined;
          resolve();
        };
      });
    }
  }
}

/** Writes `stream` to the channel with backpressure; the stream is never held whole in memory. */
async function streamTo(channel: ServerChannel, stream: Readable): Promise<number> {
  let sent = 0;
  let closed = false;
  const onClose = (): void => {
    closed = true;
  };
  channel.once('close', onClose);
  try {
    for await (const chunk of stream) {
      if (closed) throw new Error('the device closed the channel during the transfer');
      const data = chunk as Buffer;
      sent += data.length;
      if (!channel.write(data)) {
        await new Promise<void>((resolve) => {
          const done = (): void => {
            channel.off('drain', done);
            channel.off('close', done);
            resolve();
          };
          channel.on('drain', done);
          channel.on('close', done);
        });
      }
    }
    if (closed) throw new Error('the device closed the channel during the transfer');
    return sent;
  } finally {
    stream.destroy();
    channel.off('close', onClose);
  }
}

function finish(channel: ServerChannel, code: number): void {
  try {
    channel.exit(code);
    channel.end();
  } catch {
    // The device already went away.
  }
}

/** SCP source mode for one request: `C0644 <size> <name>`, the bytes, NUL, each acknowledged. */
async function serve(store: ImageStore, logger: Logger, channel: ServerChannel, request: ScpRequest, client: string): Promise<void> {
  const replies = new SinkReplies(channel);
  const refuse = (reason: string): void => {
    channel.write(`\x01scp: ${reason}\n`);
    finish(channel, 1);
  };
  if (request.kind === 'refused') {
    logger.warn('scp request refused', { client, reason: request.reason });
    return refuse(request.reason);
  }
  let size: number;
  let open: () => Readable;
  if (request.kind === 'probe') {
    size = PROBE_BODY.length;
    open = () => Readable.from([PROBE_BODY]);
  } else {
    const { sha256 } = request;
    if (!(await store.has(sha256))) return refuse(`/images/${sha256}/${request.fileName}: No such file or directory`);
    size = await store.sizeOf(sha256);
    open = () => store.openRead(sha256);
  }
  try {
    await replies.ack(); // the sink is ready
    channel.write(`C0644 ${size} ${request.fileName}\n`);
    await replies.ack();
    if (request.kind === 'image') logger.info('image download over scp', { sha256: request.sha256, file: request.fileName, client });
    const sent = await streamTo(channel, open());
    if (sent !== size) throw new Error(`the store gave ${sent} of ${size} bytes`);
    channel.write(Buffer.from([0]));
    await replies.ack();
    finish(channel, 0);
  } catch (error) {
    logger.warn('scp transfer ended early', { client, file: request.fileName, error: (error as Error).message });
    finish(channel, 1);
  }
}

function parseHostKey(pem: string): ParsedKey {
  const parsed = ssh2.utils.parseKey(pem);
  if (parsed instanceof Error) throw new Error(`scp service host key: ${parsed.message}`);
  const key: ParsedKey | undefined = Array.isArray(parsed) ? (parsed as ParsedKey[])[0] : parsed;
  if (key === undefined) throw new Error('scp service host key: no key in the file');
  return key;
}

export async function startScpService(store: ImageStore, logger: Logger, options: ScpServiceOptions): Promise<ScpService> {
  const connections = new Set<Connection>();
  const hostKey = parseHostKey(options.hostKey);
  const server = new ssh2.Server({ hostKeys: [{ key: hostKey }], ident: 'netswim-scp' }, (connection, info) => {
    const client = info.ip;
    connections.add(connection);
    let failures = 0;
    const loginTimer = setTimeout(() => connection.end(), LOGIN_TIMEOUT_MS);
    const refused = (ctx: AuthContext): void => {
      failures += 1;
      // Never the password: who tried and how is enough to investigate.
      logger.warn('scp login refused', { client, username: ctx.username, method: ctx.method });
      if (failures >= MAX_AUTH_FAILURES) connection.end();
      else ctx.reject(['password', 'keyboard-interactive']);
    };
    connection.on('authentication', (ctx) => {
      if (ctx.method === 'none') return ctx.reject(['password', 'keyboard-interactive']);
      if (ctx.method === 'password') {
        return ctx.username === SCP_SERVICE_USER && sameSecret(ctx.password, options.password) ? ctx.accept() : refused(ctx);
      }
      if (ctx.method === 'keyboard-interactive') {
        if (ctx.username !== SCP_SERVICE_USER) return refused(ctx);
        return ctx.prompt([{ prompt: 'Password: ', echo: false }], (answers) => (answers.length === 1 && sameSecret(answers[0] ?? '', options.password) ? ctx.accept() : refused(ctx)));
      }
      return ctx.reject(['password', 'keyboard-interactive']);
    });
    connection.on('ready', () => {
      clearTimeout(loginTimer);
      connection.on('session', (accept) => {
        const session = accept();
        session.on('pty', (_accept, reject) => reject());
        session.on('shell', (_accept, reject) => reject());
        session.on('subsystem', (_accept, reject) => reject());
        session.on('x11', (_accept, reject) => reject());
        session.on('exec', (acceptExec, _reject, { command }) => {
          const channel = acceptExec();
          serve(store, logger, channel, parseScpRequest(command), client).catch((error: Error) => {
            logger.warn('scp service error', { client, error: error.message });
            finish(channel, 1);
          });
        });
      });
      connection.on('tcpip', (_accept, reject) => reject());
      connection.on('openssh.streamlocal', (_accept, reject) => reject());
      connection.on('request', (_accept, reject) => reject?.());
    });
    connection.on('error', () => undefined);
    connection.on('close', () => {
      clearTimeout(loginTimer);
      connections.delete(connection);
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  server.on('error', (error: Error) => logger.warn('scp service error', { error: error.message }));
  const address = server.address();
  const port = address && typeof address === 'object' ? address.port : options.port;
  const access: ScpServiceAccess = { host: options.publicHost ?? options.host, port: options.publicPort ?? port, username: SCP_SERVICE_USER, password: options.password };
  const display = scpServiceUrl(access, '').display.replace(/\/$/, '');
  logger.info('scp service listening', { listen: `${urlHost(options.host)}:${port}`, url: display });
  return {
    access,
    listening: { host: options.host, port },
    display,
    close: () =>
      new Promise<void>((resolve) => {
        for (const connection of connections) connection.end();
        connections.clear();
        server.close(() => resolve());
      }),
  };
}
