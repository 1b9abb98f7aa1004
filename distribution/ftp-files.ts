// RemoteFiles over FTP (basic-ftp): binary mode, passive data connections, the session's working
// directory set to the root location (created if missing). FTP paths are relative to the login
// directory, as in the ftp:// URLs devices use (RFC 1738). Resuming appends with APPE.
import { PassThrough, Readable, Writable } from 'node:stream';
import { Client, FTPError } from 'basic-ftp';
import { DistributionError, IDLE_TIMEOUT_MS, rootSegments, type RemoteFiles } from './remote-files.ts';

export interface FtpTarget {
  host: string;
  port: number;
  rootLocation: string;
  username?: string;
  password?: string;
}

const NOT_FOUND = 550;

function isNotFound(error: unknown): boolean {
  return error instanceof FTPError && error.code === NOT_FOUND;
}

export async function openFtpFiles(target: FtpTarget): Promise<RemoteFiles> {
  const client = new Client(IDLE_TIMEOUT_MS);
  try {
    await client.access({
      host: target.host,
      port: target.port,
      user: target.username ?? 'anonymous',
      password: target.password ?? 'netswim@',
      secure: false,
    });
    const segments = rootSegments(target.rootLocation);
    // ensureDir creates each missing folder and leaves the session in the last one.
    if (segments.length > 0) await client.ensureDir(segments.join('/'));
  } catch (error) {
    client.close();
    throw new DistributionError(`FTP ${target.host}:${target.port}: ${(error as Error).message}`, { cause: error });
  }

  const remove = async (name: string): Promise<void> => {
    try {
      await client.remove(name);
    } catch (error) {
      if (!isNotFound(error)) throw error;
    }
  };

  return {
    canResume: true,
    async size(name) {
      try {
        return await client.size(name);
      } catch (error) {
        if (isNotFound(error)) return undefined;
        throw error;
      }
    },
    async readText(name, maxBytes) {
      const chunks: Buffer[] = [];
      let total = 0;
      let tooLarge = false;
      const sink = new Writable({
        write(chunk: Buffer, _encoding, done) {
          total += chunk.length;
          if (total > maxBytes) tooLarge = true;
          else chunks.push(chunk);
          done();
        },
      });
      try {
        await client.downloadTo(sink, name);
      } catch (error) {
        if (isNotFound(error)) return undefined;
        throw error;
      }
      return tooLarge ? undefined : Buffer.concat(chunks).toString('utf8');
    },
    async writeText(name, text) {
      await client.uploadFrom(Readable.from([Buffer.from(text, 'utf8')]), name);
    },
    remove,
    async rename(from, to) {
      // Not every server replaces an existing target on RNTO.
      await remove(to);
      await client.rename(from, to);
    },
    async upload(name, source, offset) {
      // basic-ftp listens for the source's errors only while the transfer runs; a PassThrough keeps
      // a source that fails early from throwing unhandled.
      const through = new PassThrough();
      source.on('error', (error) => through.destroy(error));
      source.pipe(through);
      if (offset > 0) await client.appendFrom(through, name);
      else await client.uploadFrom(through, name);
    },
    close() {
      client.close();
    },
  };
}
