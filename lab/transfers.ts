// The client side of `copy <url> flash:`: opens a real transfer from an HTTP(S), FTP, SCP, SFTP
// or TFTP server and hands back a byte stream plus the size the server announced (if it did), so
// the device can refuse a file that will not fit before any byte moves.
import { createSocket } from 'node:dgram';
import http from 'node:http';
import https from 'node:https';
import { PassThrough, type Readable } from 'node:stream';
import { Client as FtpClient } from 'basic-ftp';
import { Client as SshClient, type ClientChannel, type SFTPWrapper } from 'ssh2';

export interface OpenedSource {
  /** Bytes the server said the file has (Content-Length, FTP SIZE, SCP header, SFTP stat, TFTP tsize). */
  declaredSize: number | undefined;
  stream: Readable;
  /** Stops the transfer and releases its connection. */
  abort(): void;
}

/** The server could not be reached or does not have the file. */
export class OpenError extends Error {
  constructor(reason: string) {
    super(reason);
    this.name = 'OpenError';
  }
}

export const SUPPORTED_SCHEMES = ['http:', 'https:', 'ftp:', 'scp:', 'sftp:', 'tftp:'] as const;

const CONNECT_TIMEOUT_MS = 15_000;
const IDLE_TIMEOUT_MS = 30_000;

export function openSource(url: URL): Promise<OpenedSource> {
  switch (url.protocol) {
    case 'http:':
    case 'https:':
      return openHttp(url, 5);
    case 'ftp:':
      return openFtp(url);
    case 'scp:':
      return openScp(url);
    case 'sftp:':
      return openSftp(url);
    case 'tftp:':
      return openTftp(url);
    default:
      return Promise.reject(new OpenError(`unsupported scheme ${url.protocol}`));
  }
}

function credentials(url: URL, defaults: { user: string; password: string }): { user: string; password: string } {
  return {
    user: url.username ? decodeURIComponent(url.username) : defaults.user,
    password: url.password ? decodeURIComponent(url.password) : defaults.password,
  };
}

function openHttp(url: URL, redirectsLeft: number): Promise<OpenedSource> {
  return new Promise((resolve, reject) => {
    const auth = url.username ? `${decodeURIComponent(url.username)}:${decodeURIComponent(url.password)}` : undefined;
    const onResponse = (response: http.IncomingMessage): void => {
      const status = response.statusCode ?? 0;
      const location = response.headers.location;
      if (status >= 300 && status < 400 && location && redirectsLeft > 0) {
        response.resume();
        openHttp(new URL(location, url), redirectsLeft - 1).then(resolve, reject);
        return;
      }
      if (status !== 200) {
        response.resume();
        reject(new OpenError(`HTTP ${status}`));
        return;
      }
      const length = response.headers['content-length'];
      resolve({
        declaredSize: length !== undefined && /^\d+$/.test(length) ? Number(length) : undefined,
        stream: response,
        abort: () => {
          // Nobody reads the response any more: its "aborted" error has no one to tell.
          response.on('error', () => undefined);
          request.destroy();
        },
      });
    };
    // Lab distribution servers use self-signed certificates; a device configured with
    // `ip http client secure-trustpoint` would check them, the lab does not.
    const request =
      url.protocol === 'https:'
        ? https.get(url, { rejectUnauthorized: false, timeout: IDLE_TIMEOUT_MS, auth }, onResponse)
        : http.get(url, { timeout: IDLE_TIMEOUT_MS, auth }, onResponse);
    request.on('timeout', () => request.destroy(new Error('timed out')));
    request.on('error', (error) => reject(new OpenError(error.message)));
  });
}

async function openFtp(url: URL): Promise<OpenedSource> {
  const client = new FtpClient(IDLE_TIMEOUT_MS);
  const { user, password } = credentials(url, { user: 'anonymous', password: 'lab@netswim' });
  // IOS (like RFC 1738) reads the URL path relative to the login directory.
  const path = decodeURIComponent(url.pathname).replace(/^\/+/, '');
  try {
    await client.access({ host: url.hostname, port: url.port ? Number(url.port) : 21, user, password, secure: false });
  } catch (error) {
    client.close();
    throw new OpenError((error as Error).message);
  }
  let declaredSize: number | undefined;
  try {
    declaredSize = await client.size(path);
  } catch (error) {
    const code = (error as { code?: number }).code;
    // 550: no such file. Other codes: the server just does not implement SIZE.
    if (code === 550 || client.closed) {
      client.close();
      throw new OpenError((error as Error).message);
    }
  }
  // basic-ftp ends the stream it writes to even on failure; keep the caller's stream open until
  // the outcome is known so a failed RETR never looks like a complete empty file.
  const landing = new PassThrough();
  const out = new PassThrough();
  landing.pipe(out, { end: false });
  client.downloadTo(landing, path).then(
    () => {
      client.close();
      if (landing.readableEnded) out.end();
      else landing.once('end', () => out.end());
    },
    (error: Error) => {
      client.close();
      out.destroy(error);
    },
  );
  return {
    declaredSize,
    stream: out,
    abort: () => {
      client.close();
      out.destroy();
    },
  };
}

function shellQuote(text: string): string {
  return `'${text.replace(/'/g, `'\\''`)}'`;
}

function connectSsh(url: URL): Promise<SshClient> {
  const { user, password } = credentials(url, { user: 'anonymous', password: '' });
  return new Promise((resolve, reject) => {
    const client = new SshClient();
    client.once('ready', () => resolve(client));
    client.once('error', (error) => {
      client.destroy();
      reject(new OpenError(error.message));
    });
    client.on('keyboard-interactive', (_name, _instructions, _lang, prompts, finish) => {
      finish(prompts.map(() => password));
    });
    client.connect({
      host: url.hostname,
      port: url.port ? Number(url.port) : 22,
      username: user,
      password,
      tryKeyboard: true,
      readyTimeout: CONNECT_TIMEOUT_MS,
    });
  });
}

/**
 * SCP, source side run remotely: we exec `scp -f <path>` and act as the sink. The source
 * sends `C<mode> <size> <name>\n`, we answer NUL, it sends the bytes and a NUL, we answer NUL.
 * A `\x01`/`\x02` line is an error (e.g. `scp: /x: No such file or directory`).
 */
async function openScp(url: URL): Promise<OpenedSource> {
  const path = decodeURIComponent(url.pathname);
  if (!path || path === '/') throw new OpenError('no file in URL');
  const client = await connectSsh(url);
  let channel: ClientChannel;
  try {
    channel = await new Promise<ClientChannel>((resolve, reject) => {
      client.exec(`scp -f ${shellQuote(path)}`, (error, stream) => (error ? reject(error) : resolve(stream)));
    });
  } catch (error) {
    client.end();
    throw new OpenError((error as Error).message);
  }
  const out = new PassThrough();
  const finish = (): void => {
    channel.end();
    client.end();
  };
  return new Promise<OpenedSource>((resolve, reject) => {
    let header = Buffer.alloc(0);
    let remaining = -1; // -1: reading a control line; >= 0: bytes of file data still to come
    let awaitingStatus = false;
    let settled = false;
    /** The stream went to the caller: errors from now on are reported on it. */
    let handedOut = false;
    const fail = (reason: string): void => {
      finish();
      if (!settled) {
        settled = true;
        reject(new OpenError(reason));
      } else if (handedOut) {
        out.destroy(new Error(reason));
      }
    };
    const onData = (chunk: Buffer): void => {
      let data = chunk;
      while (data.length > 0) {
        if (remaining > 0) {
          const part = data.subarray(0, remaining);
          remaining -= part.length;
          data = data.subarray(part.length);
          if (!out.write(part)) {
            channel.pause();
            out.once('drain', () => channel.resume());
          }
          if (remaining === 0) awaitingStatus = true;
          continue;
        }
        if (awaitingStatus) {
          awaitingStatus = false;
          remaining = -1;
          if (data[0] !== 0) return fail('source reported an error after the data');
          channel.write(Buffer.from([0]));
          out.end();
          finish();
          return;
        }
        // Control line.
        const newline = data.indexOf(0x0a);
        if (newline < 0) {
          header = Buffer.concat([header, data]);
          return;
        }
        const line = Buffer.concat([header, data.subarray(0, newline)]).toString('utf8');
        header = Buffer.alloc(0);
        data = data.subarray(newline + 1);
        const kind = line[0];
        if (kind === '\x01' || kind === '\x02') return fail(line.slice(1).trim() || 'scp error');
        if (kind === 'T') {
          channel.write(Buffer.from([0]));
          continue;
        }
        const m = /^C[0-7]{4} (\d+) (.+)$/.exec(line);
        if (!m) return fail(`unexpected scp line ${JSON.stringify(line)}`);
        remaining = Number(m[1]);
        channel.write(Buffer.from([0]));
        if (!settled) {
          settled = true;
          handedOut = true;
          resolve({
            declaredSize: remaining,
            stream: out,
            abort: () => {
              finish();
              out.destroy();
            },
          });
        }
        if (remaining === 0) awaitingStatus = true;
      }
    };
    channel.on('data', onData);
    channel.stderr.on('data', () => undefined);
    channel.on('close', () => {
      if (!settled) fail('connection closed');
      else if (handedOut && !out.writableEnded) out.destroy(new Error('connection closed during transfer'));
    });
    client.on('error', (error) => fail(error.message));
    // The sink speaks first: one NUL says "ready".
    channel.write(Buffer.from([0]));
  });
}

/**
 * SFTP: stat for the size, then a read stream of the file (the path as in the URL, like IOS's
 * `copy sftp://user:pass@host/dir/file flash:`). The connection closes when the stream ends or
 * fails, or on abort.
 */
async function openSftp(url: URL): Promise<OpenedSource> {
  const path = decodeURIComponent(url.pathname);
  if (!path || path === '/') throw new OpenError('no file in URL');
  const client = await connectSsh(url);
  let sftp: SFTPWrapper;
  let size: number;
  try {
    sftp = await new Promise<SFTPWrapper>((resolve, reject) => client.sftp((error, opened) => (error ? reject(error) : resolve(opened))));
    size = await new Promise<number>((resolve, reject) =>
      sftp.stat(path, (error, stats) => (error ? reject(error) : stats.isFile() ? resolve(stats.size) : reject(new Error('not a file')))),
    );
  } catch (error) {
    client.end();
    throw new OpenError((error as Error).message);
  }
  const reader = sftp.createReadStream(path, { highWaterMark: 64 * 1024 });
  // The caller's stream ends only after every byte came; a dropped connection is an error on it.
  const out = new PassThrough();
  let received = 0;
  reader.on('data', (chunk: Buffer) => {
    received += chunk.length;
    if (!out.write(chunk)) {
      reader.pause();
      out.once('drain', () => reader.resume());
    }
  });
  reader.on('end', () => {
    client.end();
    if (received === size) out.end();
    else out.destroy(new Error(`connection closed after ${received} of ${size} bytes`));
  });
  reader.on('error', (error: Error) => {
    client.end();
    out.destroy(error);
  });
  client.on('error', (error) => out.destroy(error));
  client.on('close', () => {
    if (!out.writableEnded) out.destroy(new Error('connection closed during transfer'));
  });
  return {
    declaredSize: size,
    stream: out,
    abort: () => {
      client.end();
      out.destroy();
    },
  };
}

const TFTP = { RRQ: 1, DATA: 3, ACK: 4, ERROR: 5, OACK: 6 } as const;

/** TFTP (RFC 1350) read with the blksize and tsize options (RFC 2348/2349) when offered. */
function openTftp(url: URL): Promise<OpenedSource> {
  const path = decodeURIComponent(url.pathname).replace(/^\/+/, '');
  const host = url.hostname;
  const port = url.port ? Number(url.port) : 69;
  const socket = createSocket('udp4');
  const out = new PassThrough();
  let peerPort = 0;
  let blockSize = 512;
  let expected = 1;
  let lastSent: Buffer;
  let retries = 0;
  let timer: NodeJS.Timeout | undefined;
  let closed = false;

  const close = (): void => {
    if (closed) return;
    closed = true;
    if (timer) clearTimeout(timer);
    socket.close();
  };
  const send = (packet: Buffer, toPort: number): void => {
    lastSent = packet;
    socket.send(packet, toPort, host);
  };
  const ack = (block: number): Buffer => {
    const b = Buffer.alloc(4);
    b.writeUInt16BE(TFTP.ACK, 0);
    b.writeUInt16BE(block & 0xffff, 2);
    return b;
  };

  return new Promise((resolve, reject) => {
    let settled = false;
    const fail = (reason: string): void => {
      close();
      if (!settled) {
        settled = true;
        reject(new OpenError(reason));
      } else out.destroy(new Error(reason));
    };
    const open = (size: number | undefined): void => {
      if (settled) return;
      settled = true;
      resolve({ declaredSize: size, stream: out, abort: () => { close(); out.destroy(); } });
    };
    const arm = (): void => {
      if (timer) clearTimeout(timer);
      timer = setTimeout(() => {
        if (++retries > 5) return fail('timed out');
        socket.send(lastSent, peerPort || port, host);
        arm();
      }, 3000);
    };
    socket.on('error', (error) => fail(error.message));
    socket.on('message', (msg, rinfo) => {
      if (peerPort === 0) peerPort = rinfo.port;
      if (rinfo.port !== peerPort) return;
      retries = 0;
      const opcode = msg.readUInt16BE(0);
      if (opcode === TFTP.ERROR) {
        return fail(msg.subarray(4, msg.indexOf(0, 4) < 0 ? undefined : msg.indexOf(0, 4)).toString() || 'TFTP error');
      }
      if (opcode === TFTP.OACK) {
        const fields = msg.subarray(2).toString('latin1').split('\0');
        let size: number | undefined;
        for (let i = 0; i + 1 < fields.length; i += 2) {
          const name = fields[i]?.toLowerCase();
          if (name === 'blksize') blockSize = Number(fields[i + 1]);
          if (name === 'tsize') size = Number(fields[i + 1]);
        }
        open(size);
        send(ack(0), peerPort);
        arm();
        return;
      }
      if (opcode !== TFTP.DATA) return;
      open(undefined);
      const block = msg.readUInt16BE(2);
      if (block !== (expected & 0xffff)) {
        send(ack(block), peerPort); // duplicate: re-acknowledge
        return;
      }
      const data = msg.subarray(4);
      const last = data.length < blockSize;
      expected += 1;
      const proceed = (): void => {
        send(ack(block), peerPort);
        if (last) {
          close();
          out.end();
        } else arm();
      };
      // Stop-and-wait: holding the ACK until our side drained is the backpressure.
      if (out.write(data)) proceed();
      else out.once('drain', proceed);
    });
    const request = Buffer.concat([
      Buffer.from([0, TFTP.RRQ]),
      Buffer.from([path, 'octet', 'blksize', '8192', 'tsize', '0', ''].join('\u0000'), 'latin1'),
    ]);
    send(request, port);
    arm();
  });
}
