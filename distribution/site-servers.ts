// A site's distribution servers (SFTP, FTP, SCP, HTTP) and what netswim does with them: stage an
// image once per server (skipped when the same checksum is already there), and tell a device the
// URL to `copy <url> flash:` from. Staging streams (a 2 GB image never sits in memory), reports
// progress for heartbeats, and is safe to retry:
//   1. `<file>.sha256` (sha256sum format, written last) naming the image's SHA-256, and `<file>`
//      having the image's size → already there, skipped.
//   2. Otherwise the bytes go to `<file>.part`. Before the first byte, `<file>.part.sha256` records
//      which image the part file belongs to; a retry finding a shorter part of the same image
//      appends the rest (FTP APPE, SFTP write at offset), anything else starts over.
//   3. Complete (the server reports the full size): the old sidecar is removed, `<file>.part` is
//      renamed to `<file>`, then the sidecar is written. A dropped transfer therefore never leaves a
//      `<file>` that a later call would take for complete.
import { createReadStream } from 'node:fs';
import { Transform, type Readable } from 'node:stream';
import { isSafeFileName, SAFE_FILE_NAME_RULE } from '../domain/image-name.ts';
import { openFtpFiles } from './ftp-files.ts';
import { openHttpFiles } from './http-files.ts';
import { DistributionError, rootSegments, type RemoteFiles } from './remote-files.ts';
import { openSshFiles } from './ssh-files.ts';

export { DistributionError } from './remote-files.ts';

export const DISTRIBUTION_PROTOCOLS = ['sftp', 'ftp', 'scp', 'http'] as const;
export type DistributionProtocol = (typeof DISTRIBUTION_PROTOCOLS)[number];

export interface DistributionServer {
  protocol: DistributionProtocol;
  host: string;
  port: number;
  /** The folder images go to, as devices see it in the URL (`/images`, `images`, `/`). */
  rootLocation: string;
  username?: string;
  password?: string;
}

export const DEFAULT_PORTS: Record<DistributionProtocol, number> = { sftp: 22, scp: 22, ftp: 21, http: 80 };

/** The image to stage: where its bytes come from, and what they must be. */
export type StageImage = {
  fileName: string;
  sha256: string;
  sizeBytes: number;
} & (
  | { path: string }
  /** A stream of the image's bytes from `start` (inclusive) to the end. */
  | { open(start: number): Readable }
);

export interface StageResult {
  /** The same image (checksum and size) was already on the server: nothing moved. */
  skipped: boolean;
  /** Bytes this call sent (0 when skipped; less than the size when it resumed). */
  bytes: number;
  /** Where this call's upload started (0 unless it resumed a dropped one). */
  resumedFrom: number;
}

export interface StageOptions {
  /** Cancels the transfer (a cancelled activity); the call then rejects. */
  signal?: AbortSignal;
}

export type ProgressListener = (bytesDone: number, totalBytes: number) => void;

/** Sidecar files are one line; anything bigger is not ours. */
const SIDECAR_MAX_BYTES = 1024;
const SHA256_HEX = /^[0-9a-f]{64}$/;
const ROOT_LOCATION = /^\/?(?:[A-Za-z0-9_][A-Za-z0-9._-]*(?:\/[A-Za-z0-9_][A-Za-z0-9._-]*)*\/?)?$/;

export const sidecarName = (fileName: string): string => `${fileName}.sha256`;
export const partName = (fileName: string): string => `${fileName}.part`;
const partSidecarName = (fileName: string): string => `${fileName}.part.sha256`;

/** `sha256sum` format, so `sha256sum -c` checks the file on the server. */
function sidecarText(sha256: string, fileName: string): string {
  return `${sha256}  ${fileName}\n`;
}

function sidecarNames(text: string | undefined, sha256: string): boolean {
  return text !== undefined && text.trim().split(/\s+/)[0]?.toLowerCase() === sha256;
}

/** What is wrong with the server's definition, or undefined. */
export function checkServer(server: DistributionServer): string | undefined {
  if (!(DISTRIBUTION_PROTOCOLS as readonly string[]).includes(server.protocol)) return `unsupported protocol ${String(server.protocol)}`;
  if (!/^[A-Za-z0-9.-]+$/.test(server.host) && !/^\[[0-9A-Fa-f:.]+\]$/.test(server.host)) return `bad host ${JSON.stringify(server.host)}`;
  if (!Number.isInteger(server.port) || server.port < 1 || server.port > 65_535) return `bad port ${server.port}`;
  if (server.rootLocation.length > 255 || !ROOT_LOCATION.test(server.rootLocation) || rootSegments(server.rootLocation).some((s) => s === '.' || s === '..')) {
    return `bad root location ${JSON.stringify(server.rootLocation)}: folder names of letters, digits, . _ - separated by /`;
  }
  if (server.protocol !== 'http' && !server.username) return `${server.protocol} needs a username`;
  return undefined;
}

function checkImage(image: StageImage): string | undefined {
  if (!isSafeFileName(image.fileName)) return `bad file name ${JSON.stringify(image.fileName)}: ${SAFE_FILE_NAME_RULE}`;
  if (!SHA256_HEX.test(image.sha256)) return `not a lower-case hex SHA-256: ${image.sha256}`;
  if (!Number.isSafeInteger(image.sizeBytes) || image.sizeBytes < 0) return `bad size ${image.sizeBytes}`;
  return undefined;
}

function openFiles(server: DistributionServer): Promise<RemoteFiles> {
  switch (server.protocol) {
    case 'ftp':
      return openFtpFiles(server);
    case 'sftp':
    case 'scp':
      return openSshFiles(server, server.protocol);
    case 'http':
      return openHttpFiles(server);
  }
}

function openSource(image: StageImage, start: number): Readable {
  return 'path' in image ? createReadStream(image.path, { start, highWaterMark: 256 * 1024 }) : image.open(start);
}

/**
 * Puts the image at `<root>/<fileName>` on the server, streaming, unless the same image is already
 * there. Progress is reported as bytes on the server (a resumed upload starts at its offset).
 */
export async function stageImage(
  server: DistributionServer,
  image: StageImage,
  onProgress: ProgressListener = () => undefined,
  options: StageOptions = {},
): Promise<StageResult> {
  const problem = checkServer(server) ?? checkImage(image);
  if (problem) throw new DistributionError(problem);
  const { signal } = options;
  signal?.throwIfAborted();
  const total = image.sizeBytes;
  const files = await openFiles(server);
  const onAbort = (): void => files.close();
  signal?.addEventListener('abort', onAbort, { once: true });
  try {
    const name = image.fileName;
    if (sidecarNames(await files.readText(sidecarName(name), SIDECAR_MAX_BYTES), image.sha256) && (await files.size(name)) === total) {
      onProgress(total, total);
      return { skipped: true, bytes: 0, resumedFrom: 0 };
    }

    let offset = 0;
    if (files.canResume) {
      const partSize = await files.size(partName(name));
      if (
        partSize !== undefined &&
        partSize > 0 &&
        partSize <= total &&
        sidecarNames(await files.readText(partSidecarName(name), SIDECAR_MAX_BYTES), image.sha256)
      ) {
        offset = partSize;
      }
    }
    if (offset === 0) {
      await files.remove(partName(name));
      if (files.canResume) await files.writeText(partSidecarName(name), sidecarText(image.sha256, partName(name)));
    }

    let done = offset;
    onProgress(done, total);
    if (offset < total || total === 0) {
      const counter = new Transform({
        transform(chunk: Buffer, _encoding, next) {
          done += chunk.length;
          if (done > total) {
            next(new DistributionError(`the image source gave more than ${total} bytes`));
            return;
          }
          onProgress(done, total);
          next(null, chunk);
        },
      });
      const source = openSource(image, offset);
      source.on('error', (error) => counter.destroy(error));
      const stop = (): void => {
        source.destroy(new DistributionError('staging cancelled'));
      };
      signal?.addEventListener('abort', stop, { once: true });
      try {
        await files.upload(partName(name), source.pipe(counter), offset, total - offset);
      } finally {
        signal?.removeEventListener('abort', stop);
        source.destroy();
      }
    }
    signal?.throwIfAborted();

    const landed = await files.size(partName(name));
    if (landed !== total) {
      // Wrong size: never resume from it.
      await files.remove(partName(name));
      throw new DistributionError(`upload incomplete: the server has ${landed ?? 0} of ${total} bytes of ${partName(name)}`);
    }
    await files.remove(sidecarName(name));
    await files.rename(partName(name), name);
    await files.writeText(sidecarName(name), sidecarText(image.sha256, name));
    if (files.canResume) await files.remove(partSidecarName(name));
    return { skipped: false, bytes: total - offset, resumedFrom: offset };
  } catch (error) {
    if (signal?.aborted) throw new DistributionError('staging cancelled', { cause: error });
    throw error instanceof DistributionError
      ? error
      : new DistributionError(`${server.protocol} ${server.host}:${server.port}: ${(error as Error).message}`, { cause: error });
  } finally {
    signal?.removeEventListener('abort', onAbort);
    files.close();
  }
}

export interface DeviceSourceUrl {
  /** What the device is given: `copy <url> flash:` (may carry the server's password). */
  url: string;
  /** The same with the password replaced by `***`, for logs, events and workflow history. */
  display: string;
}

/**
 * The URL a device copies the staged image from: `ftp://user:pass@host:port/root/file`,
 * `sftp://…`, `scp://…` (the device logs in with the server's account), `http://host:port/root/file`
 * (anonymous GET). The path is the root location then the file name, as on the server.
 */
export function deviceSourceUrl(server: DistributionServer, fileName: string): DeviceSourceUrl {
  const problem = checkServer(server) ?? (isSafeFileName(fileName) ? undefined : `bad file name ${JSON.stringify(fileName)}`);
  if (problem) throw new DistributionError(problem);
  const path = [...rootSegments(server.rootLocation), fileName].map(encodeURIComponent).join('/');
  const port = server.port === DEFAULT_PORTS[server.protocol] ? '' : `:${server.port}`;
  const where = `${server.host}${port}/${path}`;
  if (server.protocol === 'http' || !server.username) return { url: `${server.protocol}://${where}`, display: `${server.protocol}://${where}` };
  const user = encodeURIComponent(server.username);
  const password = server.password ? `:${encodeURIComponent(server.password)}` : '';
  return {
    url: `${server.protocol}://${user}${password}@${where}`,
    display: `${server.protocol}://${user}${server.password ? ':***' : ''}@${where}`,
  };
}

/** Wireless LAN controllers (AireOS and Catalyst 9800) take at most this many characters of path. */
export const WIRELESS_ROOT_LOCATION_MAX = 16;

/** Whether a platform family is a wireless LAN controller (`wireless-controller`, `wlc`, `c9800…`, `aireos`). */
export function isWirelessControllerFamily(family: string): boolean {
  const f = family.trim().toLowerCase();
  return f === 'wireless-controller' || f === 'aireos' || f.startsWith('c9800') || /(^|[-_ ])(wlc|wireless)([-_ ]|$)/.test(f);
}

export type RootLocationCheck = { ok: true } | { ok: false; reason: string };

/** Whether devices of `family` can use a server with this root location. */
export function checkRootLocation(family: string, rootLocation: string): RootLocationCheck {
  if (isWirelessControllerFamily(family) && rootLocation.length > WIRELESS_ROOT_LOCATION_MAX) {
    return {
      ok: false,
      reason: `root location ${JSON.stringify(rootLocation)} is ${rootLocation.length} characters: wireless controllers (family ${family}) accept at most ${WIRELESS_ROOT_LOCATION_MAX}`,
    };
  }
  return { ok: true };
}
