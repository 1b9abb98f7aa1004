// Real file servers for transfer tests, all on 127.0.0.1 and free ports: HTTPS (node:https with a
// self-signed certificate made by openssl at start), an HTTP upload server (node:http: GET, HEAD,
// PUT, DELETE, MOVE), FTP (pyftpdlib), SFTP/SCP (asyncssh) and TFTP (tftpy), the last three
// as Python processes from the venv pinned in test/servers/requirements.txt (built once per machine
// by scripts/python-env.ts). Each launcher waits until its server answers, and each handle's
// close() stops what it started (by its own process handle) and removes its files.
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { createSocket } from 'node:dgram';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, mkdtemp, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import http from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import { connect as tcpConnect } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { pipeline } from 'node:stream/promises';
import { promisify } from 'node:util';
import { ensurePythonEnv } from '../../scripts/python-env.ts';

const run = promisify(execFile);
const SERVERS_DIR = resolve(dirname(fileURLToPath(import.meta.url)), '..', 'servers');
export const SERVERS_REQUIREMENTS = join(SERVERS_DIR, 'requirements.txt');
const TFTP_SCRIPT = join(SERVERS_DIR, 'tftp_server.py');
const SFTP_SCRIPT = join(SERVERS_DIR, 'sftp_server.py');
const HOST = '127.0.0.1';
const START_TIMEOUT_MS = 20_000;

/** Files a server offers, by path relative to its root (`images/x.bin`). */
export type ServedFiles = Record<string, Buffer>;

export interface TransferServer {
  port: number;
  /** The URL of a served file (`path` relative to the server's root, no leading slash needed). */
  url(path: string): string;
  close(): Promise<void>;
}

/** The interpreter of the pinned venv (built on first use; minutes at most, then cached). */
export async function serversPython(onProgress?: (message: string) => void): Promise<string> {
  const env = await ensurePythonEnv({ requirements: SERVERS_REQUIREMENTS, ...(onProgress ? { onProgress } : {}) });
  return env.python;
}

async function writeTree(files: ServedFiles): Promise<string> {
  const root = await mkdtemp(join(tmpdir(), 'netswim-served-'));
  for (const [path, body] of Object.entries(files)) {
    const target = join(root, path.replace(/^\/+/, ''));
    await mkdir(dirname(target), { recursive: true });
    await writeFile(target, body);
  }
  return root;
}

// --- HTTPS -----------------------------------------------------------------------------------

/** A self-signed certificate for 127.0.0.1, valid one day, made by the machine's openssl. */
export async function selfSignedCertificate(openssl = process.env.NETSWIM_OPENSSL ?? 'openssl'): Promise<{ key: Buffer; cert: Buffer }> {
  const dir = await mkdtemp(join(tmpdir(), 'netswim-cert-'));
  try {
    const keyPath = join(dir, 'key.pem');
    const certPath = join(dir, 'cert.pem');
    await run(openssl, ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '1', '-subj', '/CN=127.0.0.1', '-keyout', keyPath, '-out', certPath], {
      timeout: 60_000,
    });
    return { key: await readFile(keyPath), cert: await readFile(certPath) };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** HTTPS file server (GET, Content-Length, 404 for anything else) with a fresh self-signed certificate. */
export async function startHttpsServer(files: ServedFiles): Promise<TransferServer & { cert: Buffer }> {
  const { key, cert } = await selfSignedCertificate();
  const byPath = new Map(Object.entries(files).map(([path, body]) => [`/${path.replace(/^\/+/, '')}`, body]));
  const server = https.createServer({ key, cert }, (req, res) => {
    const body = req.method === 'GET' ? byPath.get(decodeURIComponent((req.url ?? '').split('?')[0] ?? '')) : undefined;
    if (!body) {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
      return;
    }
    res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': body.length });
    res.end(body);
  });
  await new Promise<void>((resolveListen, reject) => {
    server.once('error', reject);
    server.listen(0, HOST, resolveListen);
  });
  const { port } = server.address() as AddressInfo;
  return {
    port,
    cert,
    url: (path) => `https://${HOST}:${port}/${path.replace(/^\/+/, '')}`,
    close: () =>
      new Promise<void>((resolveClose) => {
        server.closeAllConnections();
        server.close(() => resolveClose());
      }),
  };
}

// --- Python server processes -----------------------------------------------------------------

interface Started {
  child: ChildProcess;
  /** The first capture of `announce` in the process's output. */
  match: RegExpExecArray;
  output: () => string;
}

/** Spawns a server and waits for the line that announces it listening. */
function spawnServer(command: string, args: string[], announce: RegExp, what: string): Promise<Started> {
  return new Promise((resolveStart, reject) => {
    // stdin stays an open pipe: the TFTP script exits when it closes (the test process died).
    const child = spawn(command, args, { stdio: ['pipe', 'pipe', 'pipe'] });
    let output = '';
    let settled = false;
    const timer = setTimeout(() => fail(new Error(`${what} did not start within ${START_TIMEOUT_MS} ms; output: ${output.trim()}`)), START_TIMEOUT_MS);
    const fail = (error: Error): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      child.kill('SIGKILL');
      reject(error);
    };
    const onData = (chunk: Buffer): void => {
      output = (output + chunk.toString('utf8')).slice(-8000);
      const match = announce.exec(output);
      if (match && !settled) {
        settled = true;
        clearTimeout(timer);
        resolveStart({ child, match, output: () => output });
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    child.on('error', (error) => fail(error));
    child.on('exit', (code, signal) => fail(new Error(`${what} exited (${signal ?? `code ${code}`}) before it listened; output: ${output.trim()}`)));
  });
}

/** Stops one child by its handle: SIGTERM, then SIGKILL if it lingers. */
async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolveExit) => child.once('exit', () => resolveExit()));
  child.stdin?.end();
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 3000);
  await exited;
  clearTimeout(timer);
}

/** Makes sure a child does not outlive this process, even when a test forgets close(). */
function tieToProcess(child: ChildProcess): () => void {
  const onExit = (): void => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  };
  process.once('exit', onExit);
  return () => process.removeListener('exit', onExit);
}

/** Resolves once a TCP server at the port greets with a line starting with `greeting`. */
function awaitGreeting(port: number, greeting: string, timeoutMs = START_TIMEOUT_MS): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  const attempt = (): Promise<boolean> =>
    new Promise((resolveAttempt) => {
      const socket = tcpConnect({ host: HOST, port });
      let text = '';
      const done = (ok: boolean): void => {
        socket.destroy();
        resolveAttempt(ok);
      };
      socket.setTimeout(2000, () => done(false));
      socket.on('error', () => done(false));
      socket.on('data', (chunk: Buffer) => {
        text += chunk.toString('latin1');
        if (text.includes('\n')) {
          socket.write('QUIT\r\n');
          done(text.startsWith(greeting));
        }
      });
    });
  return (async () => {
    while (Date.now() < deadline) {
      if (await attempt()) return;
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error(`no ${greeting} greeting on ${HOST}:${port}`);
  })();
}

export interface FtpServerOptions {
  python: string;
  /** Files to serve from a fresh temp folder (default none)… */
  files?: ServedFiles;
  /** …or an existing folder to serve, kept on close. */
  root?: string;
  /** Grants the user write access (upload, append, rename, delete, mkdir). Default read-only. */
  writable?: boolean;
  /** The one account (pyftpdlib's -u/-P); anonymous logins are then refused. */
  user: string;
  password: string;
}

export interface FtpLogin {
  user: string;
  password: string;
}

/**
 * Serves a folder with a Python server process: `files` written to a fresh temp folder (removed on
 * close), or an existing `root` (kept: a test can stop a server and start another on the same
 * folder). Spawns it, reads its port from its start-up line, ties its life to this process, waits
 * until `ready(port)`, and on close stops it. Any failure on the way cleans up the same way.
 */
async function startPythonServer(
  python: string,
  content: { files: ServedFiles } | { root: string },
  args: (root: string) => string[],
  portLine: RegExp,
  name: string,
  ready: (port: number) => Promise<void>,
): Promise<Omit<TransferServer, 'url'> & { root: string }> {
  const owned = 'files' in content;
  const root = owned ? await writeTree(content.files) : content.root;
  const removeRoot = async (): Promise<void> => {
    if (owned) await rm(root, { recursive: true, force: true });
  };
  let started: Started;
  try {
    started = await spawnServer(python, args(root), portLine, name);
  } catch (error) {
    await removeRoot();
    throw error;
  }
  const untie = tieToProcess(started.child);
  const port = Number(started.match[1]);
  const close = async (): Promise<void> => {
    await stopChild(started.child);
    untie();
    await removeRoot();
  };
  try {
    await ready(port);
  } catch (error) {
    await close();
    throw error;
  }
  return { port, root, close };
}

/**
 * pyftpdlib's standalone server (`python -m pyftpdlib`), one user whose home is a temp folder
 * holding `files` (or the existing folder `root`); read-only unless `writable`. `url(path)` carries
 * that user's credentials, `url(path, null)` none (anonymous) and `url(path, { user, password })` others.
 */
function contentOf(options: { files?: ServedFiles; root?: string }): { files: ServedFiles } | { root: string } {
  return options.root !== undefined ? { root: options.root } : { files: options.files ?? {} };
}

export async function startFtpServer(
  options: FtpServerOptions,
): Promise<TransferServer & { root: string; url(path: string, as?: FtpLogin | null): string }> {
  const server = await startPythonServer(
    options.python,
    contentOf(options),
    (root) => ['-m', 'pyftpdlib', '-i', HOST, '-p', '0', '-u', options.user, '-P', options.password, '-d', root, ...(options.writable ? ['-w'] : [])],
    /starting FTP server on [\d.]+:(\d+)/,
    'pyftpdlib',
    (port) => awaitGreeting(port, '220'),
  );
  const enc = encodeURIComponent;
  return {
    ...server,
    url: (path: string, as: FtpLogin | null = { user: options.user, password: options.password }) =>
      `ftp://${as ? `${enc(as.user)}:${enc(as.password)}@` : ''}${HOST}:${server.port}/${path.replace(/^\/+/, '')}`,
  };
}

/** Resolves once the TFTP server answers a read request (for a file that does not exist) at all. */
async function awaitTftpAnswer(port: number, timeoutMs = START_TIMEOUT_MS): Promise<void> {
  const socket = createSocket('udp4');
  const request = Buffer.concat([Buffer.from([0, 1]), Buffer.from('netswim-readiness-probe\0octet\0', 'latin1')]);
  try {
    await new Promise<void>((resolveAnswer, reject) => {
      const deadline = Date.now() + timeoutMs;
      let timer: NodeJS.Timeout | undefined;
      const ask = (): void => {
        if (Date.now() > deadline) return reject(new Error(`the TFTP server on ${HOST}:${port} does not answer`));
        socket.send(request, port, HOST);
        timer = setTimeout(ask, 250);
      };
      socket.on('message', () => {
        clearTimeout(timer);
        resolveAnswer();
      });
      socket.on('error', (error) => {
        clearTimeout(timer);
        reject(error);
      });
      socket.bind(0, HOST, ask);
    });
  } finally {
    socket.close();
  }
}

export interface TftpServerOptions {
  python: string;
  files: ServedFiles;
}

/** tftpy's TftpServer (test/servers/tftp_server.py) serving a temp folder holding `files`. */
export async function startTftpServer(options: TftpServerOptions): Promise<TransferServer> {
  const server = await startPythonServer(
    options.python,
    { files: options.files },
    (root) => ['-u', TFTP_SCRIPT, root, '0', HOST],
    /listening on [\d.]+:(\d+)/,
    'tftpy',
    (port) => awaitTftpAnswer(port),
  );
  return { ...server, url: (path) => `tftp://${HOST}:${server.port}/${path.replace(/^\/+/, '')}` };
}

// --- SFTP / SCP ------------------------------------------------------------------------------

export interface SftpServerOptions {
  python: string;
  /** An existing folder to serve (kept on close); default a fresh temp folder holding `files`. */
  root?: string;
  files?: ServedFiles;
  username: string;
  password: string;
}

/**
 * asyncssh's SFTP and SCP server (test/servers/sftp_server.py), read-write, chrooted at its folder,
 * one user with a password, a host key generated at start. `url(path)` is an `sftp://` URL with the
 * user's credentials (`url(path, 'scp')` the `scp://` one).
 */
export async function startSftpServer(
  options: SftpServerOptions,
): Promise<TransferServer & { root: string; url(path: string, scheme?: 'sftp' | 'scp'): string }> {
  const server = await startPythonServer(
    options.python,
    contentOf(options),
    (root) => ['-u', SFTP_SCRIPT, root, '0', options.username, options.password, HOST],
    /listening on [\d.]+:(\d+)/,
    'asyncssh',
    (port) => awaitGreeting(port, 'SSH-'),
  );
  const enc = encodeURIComponent;
  return {
    ...server,
    url: (path: string, scheme: 'sftp' | 'scp' = 'sftp') =>
      `${scheme}://${enc(options.username)}:${enc(options.password)}@${HOST}:${server.port}/${path.replace(/^\/+/, '')}`,
  };
}

// --- HTTP upload server ----------------------------------------------------------------------

export interface HttpUploadServerOptions {
  /** The folder served (created if missing, kept on close); default a fresh temp folder, removed on close. */
  root?: string;
  /** When set, PUT, DELETE and MOVE need these Basic credentials; GET and HEAD stay anonymous. */
  username?: string;
  password?: string;
}

export interface HttpUploadServer extends TransferServer {
  root: string;
  /** Drops every open connection (a transfer in flight breaks), the server keeps listening. */
  dropConnections(): void;
}

/**
 * A plain-HTTP file server under a root folder, the way a web server with WebDAV-style uploads
 * (nginx `dav_methods PUT DELETE MOVE; create_full_put_path on`) behaves: GET and HEAD with
 * Content-Length, PUT streams the body to the file (parents created), DELETE, MOVE with a
 * `Destination` header (replaces the target). Paths never leave the root.
 */
export async function startHttpUploadServer(options: HttpUploadServerOptions = {}): Promise<HttpUploadServer> {
  const owned = options.root === undefined;
  const root = options.root ?? (await mkdtemp(join(tmpdir(), 'netswim-http-root-')));
  await mkdir(root, { recursive: true });
  const expectedAuth =
    options.username !== undefined ? `Basic ${Buffer.from(`${options.username}:${options.password ?? ''}`).toString('base64')}` : undefined;
  const local = (urlPath: string): string | undefined => {
    let decoded: string;
    try {
      decoded = decodeURIComponent(urlPath.split('?')[0] ?? '');
    } catch {
      return undefined;
    }
    const target = resolve(root, `.${decoded.startsWith('/') ? '' : '/'}${decoded}`);
    return target === root || target.startsWith(`${root}/`) ? target : undefined;
  };
  const server = http.createServer((req, res) => {
    const reply = (status: number, text = ''): void => {
      if (!res.headersSent) res.writeHead(status, { 'content-type': 'text/plain', 'content-length': Buffer.byteLength(text) });
      res.end(text);
    };
    const path = local(req.url ?? '/');
    if (!path) return reply(400, 'bad path');
    const method = req.method ?? 'GET';
    if (method !== 'GET' && method !== 'HEAD' && expectedAuth && req.headers.authorization !== expectedAuth) {
      req.resume();
      res.setHeader('www-authenticate', 'Basic realm="netswim"');
      return reply(401, 'unauthorized');
    }
    void (async () => {
      try {
        if (method === 'GET' || method === 'HEAD') {
          const info = await stat(path).catch(() => undefined);
          if (!info?.isFile()) return reply(404, 'not found');
          res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': info.size });
          if (method === 'HEAD') return void res.end();
          await pipeline(createReadStream(path), res);
        } else if (method === 'PUT') {
          await mkdir(dirname(path), { recursive: true });
          await pipeline(req, createWriteStream(path));
          reply(201);
        } else if (method === 'DELETE') {
          const existed = await stat(path).then(() => true, () => false);
          await rm(path, { force: true });
          reply(existed ? 204 : 404);
        } else if (method === 'MOVE') {
          const destination = req.headers.destination;
          const target = typeof destination === 'string' ? local(new URL(destination, 'http://x').pathname) : undefined;
          if (!target) return reply(400, 'bad destination');
          await mkdir(dirname(target), { recursive: true });
          await rename(path, target);
          reply(201);
        } else {
          reply(405, 'method not allowed');
        }
      } catch (error) {
        const code = (error as NodeJS.ErrnoException).code;
        if (!res.destroyed) reply(code === 'ENOENT' ? 404 : 500, (error as Error).message);
      }
    })();
  });
  await new Promise<void>((resolveListen, reject) => {
    server.once('error', reject);
    server.listen(0, HOST, resolveListen);
  });
  const { port } = server.address() as AddressInfo;
  return {
    port,
    root,
    url: (path) => `http://${HOST}:${port}/${path.replace(/^\/+/, '')}`,
    dropConnections: () => server.closeAllConnections(),
    close: async () => {
      await new Promise<void>((resolveClose) => {
        server.closeAllConnections();
        server.close(() => resolveClose());
      });
      if (owned) await rm(root, { recursive: true, force: true });
    },
  };
}
