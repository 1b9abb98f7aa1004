// RemoteFiles over SSH (ssh2): SFTP for everything on an SFTP server; on an SCP server the image's
// bytes travel over `scp -t` (the sink side run remotely) while stat, rename and the small files
// use the same connection's SFTP subsystem (OpenSSH and asyncssh offer both; SCP itself cannot
// rename). Paths are `/<root>/<name>` as in the sftp:// and scp:// URLs devices use. SFTP resumes
// by writing at an offset; SCP always restarts.
import { once } from 'node:events';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { Client, type ClientChannel, type SFTPWrapper } from 'ssh2';
import { CONNECT_TIMEOUT_MS, DistributionError, rootSegments, type RemoteFiles } from './remote-files.ts';

export interface SshTarget {
  host: string;
  port: number;
  rootLocation: string;
  username?: string;
  password?: string;
}

/** SFTP status NO_SUCH_FILE. */
const NO_SUCH_FILE = 2;

function isNoSuchFile(error: unknown): boolean {
  return (error as { code?: unknown } | undefined)?.code === NO_SUCH_FILE;
}

function callback<T = void>(run: (done: (error: Error | null | undefined, value?: T) => void) => void): Promise<T> {
  return new Promise<T>((resolve, reject) => run((error, value) => (error ? reject(error) : resolve(value as T))));
}

function connect(target: SshTarget): Promise<Client> {
  const password = target.password ?? '';
  return new Promise((resolve, reject) => {
    const client = new Client();
    client.once('ready', () => resolve(client));
    client.once('error', (error) => {
      client.destroy();
      reject(new DistributionError(`SSH ${target.host}:${target.port}: ${error.message}`, { cause: error }));
    });
    client.on('keyboard-interactive', (_name, _instructions, _lang, prompts, finish) => finish(prompts.map(() => password)));
    client.connect({
      host: target.host,
      port: target.port,
      username: target.username ?? 'anonymous',
      password,
      tryKeyboard: true,
      readyTimeout: CONNECT_TIMEOUT_MS,
      // A server that vanishes mid-transfer is noticed within about 30 s.
      keepaliveInterval: 10_000,
      keepaliveCountMax: 3,
    });
  });
}

function shellQuote(text: string): string {
  return `'${text.replace(/'/g, `'\\''`)}'`;
}

/** Waits for the SCP source-side acknowledgement: NUL is OK, 1/2 carry an error line. */
function scpAck(channel: ClientChannel): Promise<void> {
  return new Promise((resolve, reject) => {
    let text = '';
    const cleanup = (): void => {
      channel.removeListener('data', onData);
      channel.removeListener('close', onClose);
    };
    const onClose = (): void => {
      cleanup();
      reject(new DistributionError(`scp: connection closed${text ? `: ${text.trim()}` : ''}`));
    };
    const onData = (chunk: Buffer): void => {
      if (text === '' && chunk[0] === 0) {
        cleanup();
        resolve();
        return;
      }
      text += chunk.toString('utf8');
      if (text.includes('\n')) {
        cleanup();
        // The first byte is the status (1 warning, 2 fatal), the rest the message.
        reject(new DistributionError(`scp: ${text.slice(text.charCodeAt(0) <= 2 ? 1 : 0).trim()}`));
      }
    };
    channel.on('data', onData);
    channel.once('close', onClose);
  });
}

/** `scp -t <path>`: we are the source; one file of `length` bytes from `source`. */
async function scpUpload(client: Client, path: string, source: Readable, length: number): Promise<void> {
  const channel = await callback<ClientChannel>((done) => client.exec(`scp -t ${shellQuote(path)}`, done));
  channel.stderr.on('data', () => undefined);
  const closed = new Promise<void>((resolve) => channel.once('close', () => resolve()));
  try {
    await scpAck(channel);
    const base = path.split('/').pop() ?? path;
    channel.write(`C0644 ${length} ${base}\n`);
    await scpAck(channel);
    let sent = 0;
    for await (const chunk of source as AsyncIterable<Buffer>) {
      sent += chunk.length;
      if (!channel.write(chunk)) {
        await Promise.race([
          once(channel, 'drain'),
          closed.then(() => {
            throw new DistributionError('scp: connection closed during transfer');
          }),
        ]);
      }
    }
    if (sent !== length) throw new DistributionError(`scp: the source gave ${sent} bytes, ${length} announced`);
    channel.write(Buffer.from([0]));
    await scpAck(channel);
  } finally {
    channel.end();
    source.destroy();
  }
}

export async function openSshFiles(target: SshTarget, transport: 'sftp' | 'scp'): Promise<RemoteFiles> {
  const client = await connect(target);
  // ssh2 leaves SFTP requests in flight unanswered when the connection drops: every operation
  // races this, which rejects once the connection is gone.
  let lastError: Error | undefined;
  client.on('error', (error) => (lastError = error));
  const lost = new Promise<never>((_resolve, reject) =>
    client.once('close', () => reject(new DistributionError(`connection to ${target.host}:${target.port} lost${lastError ? `: ${lastError.message}` : ''}`))),
  );
  lost.catch(() => undefined);
  const call = <T = void>(run: (done: (error: Error | null | undefined, value?: T) => void) => void): Promise<T> => Promise.race([callback<T>(run), lost]);
  let sftp: SFTPWrapper;
  const dir = `/${rootSegments(target.rootLocation).join('/')}`;
  const pathOf = (name: string): string => (dir === '/' ? `/${name}` : `${dir}/${name}`);
  try {
    sftp = await call<SFTPWrapper>((done) => client.sftp(done));
    // mkdir -p of the root location.
    let current = '';
    for (const segment of rootSegments(target.rootLocation)) {
      current += `/${segment}`;
      try {
        await call<unknown>((done) => sftp.stat(current, done));
      } catch (error) {
        if (!isNoSuchFile(error)) throw error;
        await call((done) => sftp.mkdir(current, done));
      }
    }
  } catch (error) {
    client.end();
    throw error instanceof DistributionError
      ? error
      : new DistributionError(`SFTP ${target.host}:${target.port}: ${(error as Error).message}`, { cause: error });
  }

  const remove = async (name: string): Promise<void> => {
    try {
      await call((done) => sftp.unlink(pathOf(name), done));
    } catch (error) {
      if (!isNoSuchFile(error)) throw error;
    }
  };

  const size = async (name: string): Promise<number | undefined> => {
    try {
      const stats = await call<{ size: number }>((done) => sftp.stat(pathOf(name), done));
      return stats.size;
    } catch (error) {
      if (isNoSuchFile(error)) return undefined;
      throw error;
    }
  };

  return {
    canResume: transport === 'sftp',
    size,
    async readText(name, maxBytes) {
      const bytes = await size(name);
      if (bytes === undefined || bytes > maxBytes) return undefined;
      const data = await call<Buffer>((done) => sftp.readFile(pathOf(name), done));
      return data.toString('utf8');
    },
    async writeText(name, text) {
      await call((done) => sftp.writeFile(pathOf(name), text, done));
    },
    remove,
    async rename(from, to) {
      // posix-rename@openssh.com replaces the target atomically; plain SFTPv3 rename refuses an
      // existing one.
      try {
        await call((done) => sftp.ext_openssh_rename(pathOf(from), pathOf(to), done));
        return;
      } catch {
        // not supported by this server: fall back
      }
      await remove(to);
      await call((done) => sftp.rename(pathOf(from), pathOf(to), done));
    },
    async upload(name, source, offset, length) {
      if (transport === 'scp') {
        if (offset > 0) throw new DistributionError('scp cannot resume');
        await Promise.race([scpUpload(client, pathOf(name), source, length), lost]);
        return;
      }
      const stream = sftp.createWriteStream(pathOf(name), { flags: offset > 0 ? 'r+' : 'w', start: offset, highWaterMark: 256 * 1024 });
      // The handle is closed (autoClose) after the last write was acknowledged.
      const closed = new Promise<void>((resolve) => stream.once('close', () => resolve()));
      try {
        await Promise.race([pipeline(source, stream), lost]);
        await Promise.race([closed, lost]);
      } finally {
        source.destroy();
      }
    },
    close() {
      client.end();
    },
  };
}
