// The download of an image from an HTTP, HTTPS or FTP URL into the repository: streamed through
// the content-addressed store (never whole in memory), size-limited, heartbeating its progress,
// stopped by cancellation. The URL (maybe with credentials) is opened from its sealed record here
// and nowhere else; every message that leaves names the display form only.
import http from 'node:http';
import https from 'node:https';
import { PassThrough, Transform, Writable, type Readable } from 'node:stream';
import { Context } from '@temporalio/activity';
import { ApplicationFailure } from '@temporalio/common';
import { Client as FtpClient, FTPError } from 'basic-ftp';
import { importImage, type ImportRequest } from '../images/import-image.ts';
import { EmptyImageError, ImageStoreFullError, ImageTooLargeError, type ImageStore } from '../images/image-store.ts';
import { checkDataConnection, ImportRefusedError, pinnedLookup, resolveImportTarget, type ImportGuard, type ImportTarget } from '../images/import-guard.ts';
import type { Logger } from '../runtime/logger.ts';
import type { Queryable } from '../store/database.ts';
import type { ImageRecord } from '../store/images.ts';
import type { SecretBox } from '../store/secret-box.ts';
import { openUrlImport } from '../store/url-imports.ts';

export interface ImageImportActivityDeps {
  db: Queryable;
  secretBox: SecretBox;
  imageStore: ImageStore;
  maxImageBytes: number;
  /** Accept self-signed HTTPS certificates (lab use only: NETSWIM_IMPORT_INSECURE_TLS=1). */
  insecureTls: boolean;
  /** Which addresses a download may connect to (NETSWIM_IMPORT_ALLOW, netswim's own services). */
  guard: ImportGuard;
  logger: Logger;
}

export interface ImageImportInput {
  importId: string;
  displayUrl: string;
  fileName: string;
  version?: string;
  platform?: string;
}

export interface ImportProgress {
  bytes: number;
  totalBytes?: number;
  percent?: number;
}

export interface ImageImportResult {
  image: ImageRecord;
  created: boolean;
}

/**
 * Failure types: the first ones are final, `Unreachable` and `DownloadStopped` are retried.
 * `StoreFull` is final: the workflow's retries come within seconds, a full disk does not empty
 * itself that fast, and each attempt would download the image again from its first byte only to
 * fill the disk once more. The operator frees space and imports again.
 */
export const IMPORT_FAILURE_TYPES = ['Refused', 'NotFound', 'LoginRefused', 'TooLarge', 'BadResponse', 'EmptyImage', 'StoreFull', 'Unreachable', 'DownloadStopped'] as const;
export type ImportFailureType = (typeof IMPORT_FAILURE_TYPES)[number];
const RETRYABLE: ReadonlySet<ImportFailureType> = new Set(['Unreachable', 'DownloadStopped']);

class ImportError extends Error {
  constructor(
    readonly type: ImportFailureType,
    message: string,
  ) {
    super(message);
    this.name = 'ImportError';
  }
}

const IDLE_TIMEOUT_MS = 60_000;
const NETWORK_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'EHOSTUNREACH', 'ENETUNREACH', 'ETIMEDOUT', 'ENOTFOUND', 'EAI_AGAIN', 'EPIPE']);

function percentOf(bytes: number, total: number | undefined): number | undefined {
  return total ? Math.min(100, Math.floor((100 * bytes) / total)) : undefined;
}

/**
 * Counts bytes into `progress` and fails the stream when it ends short of the announced size, so
 * that a truncated download never reaches the store as an image.
 */
/**
 * Counts bytes into `progress`, and ends only once the transfer itself has settled (`transferDone`):
 * basic-ftp ends its data stream even when a transfer fails, and a partial file must never be saved.
 */
function byteCounter(progress: ImportProgress, transferDone: () => Promise<void>): Transform {
  return new Transform({
    transform(chunk: Buffer, _encoding, done) {
      progress.bytes += chunk.length;
      progress.percent = percentOf(progress.bytes, progress.totalBytes);
      done(null, chunk);
    },
    flush(done) {
      if (progress.totalBytes !== undefined && progress.bytes < progress.totalBytes) {
        done(new ImportError('DownloadStopped', `download stopped after ${progress.bytes} of ${progress.totalBytes} bytes`));
      } else {
        transferDone().then(() => done(), (error: Error) => done(error));
      }
    },
  });
}

interface Opened {
  body: Readable;
  totalBytes?: number;
  /** Settles when the transfer itself is done (FTP's control answer); rejects on its failure. */
  done: Promise<void>;
  abort(): void;
}

/**
 * GET to the checked address only: the lookup answers `target` whatever the name resolves to now
 * (the Host header and the TLS server name stay the URL's host). A redirect is never followed and
 * its Location never shown: it may point anywhere, refused addresses included.
 */
function openHttp(url: URL, target: ImportTarget, displayUrl: string, insecureTls: boolean, maxBytes: number): Promise<Opened> {
  return new Promise((resolve, reject) => {
    const options = { headers: { 'user-agent': 'netswim-image-import' }, lookup: pinnedLookup(target), ...(url.protocol === 'https:' ? { rejectUnauthorized: !insecureTls } : {}) };
    const onResponse = (res: http.IncomingMessage): void => {
      const status = res.statusCode ?? 0;
      if (status !== 200) {
        res.resume();
        request.destroy();
        const type: ImportFailureType = status === 404 || status === 410 ? 'NotFound' : status === 401 || status === 403 ? 'LoginRefused' : status >= 500 ? 'Unreachable' : 'BadResponse';
        const redirect = status >= 300 && status < 400 ? ' (redirects are not followed: import the final URL)' : '';
        reject(new ImportError(type, `${displayUrl} answered HTTP ${status} ${res.statusMessage ?? ''}`.trim() + redirect));
        return;
      }
      const length = res.headers['content-length'] === undefined ? undefined : Number(res.headers['content-length']);
      if (length !== undefined && length > maxBytes) {
        request.destroy();
        reject(new ImportError('TooLarge', `${displayUrl} is ${length} bytes, over the configured limit of ${maxBytes} bytes`));
        return;
      }
      resolve({
        body: res,
        ...(length !== undefined && Number.isFinite(length) ? { totalBytes: length } : {}),
        done: Promise.resolve(),
        abort: () => request.destroy(),
      });
    };
    const request = url.protocol === 'https:' ? https.get(url, options, onResponse) : http.get(url, options, onResponse);
    request.setTimeout(IDLE_TIMEOUT_MS, () => request.destroy(Object.assign(new Error(`no data from ${displayUrl} for ${IDLE_TIMEOUT_MS / 1000} s`), { code: 'ETIMEDOUT' })));
    request.once('error', reject);
  });
}

/** A sink for basic-ftp that forwards bytes but not the end (basic-ftp ends its destination even on failure). */
function forwardingSink(target: PassThrough): Writable {
  return new Writable({
    write(chunk: Buffer, _encoding, callback) {
      if (target.write(chunk)) callback();
      else target.once('drain', () => callback());
    },
    final(callback) {
      callback();
    },
  });
}

/**
 * basic-ftp opens the data connection to the control connection's address (never to another host
 * a PASV answer names: allowSeparateTransferHost false); the port it gets is checked here too.
 */
function guardDataConnections(client: FtpClient, guard: ImportGuard): void {
  let strategy = client.prepareTransfer;
  const guarded: typeof strategy = async (ftp) => {
    const response = await strategy(ftp);
    // basic-ftp replaces prepareTransfer with the strategy that worked: keep that one, behind the check.
    if (client.prepareTransfer !== guarded) strategy = client.prepareTransfer;
    client.prepareTransfer = guarded;
    const socket = ftp.dataSocket;
    if (!socket?.remoteAddress || !socket.remotePort) throw new ImportRefusedError('refused: the FTP data connection has no peer address');
    await checkDataConnection(guard, socket.remoteAddress, socket.remotePort);
    return response;
  };
  client.prepareTransfer = guarded;
}

async function openFtp(url: URL, target: ImportTarget, guard: ImportGuard, displayUrl: string, maxBytes: number): Promise<Opened> {
  const client = new FtpClient(IDLE_TIMEOUT_MS, { allowSeparateTransferHost: false });
  guardDataConnections(client, guard);
  const path = decodeURIComponent(url.pathname);
  try {
    await client.access({
      host: target.address,
      port: target.port,
      user: url.username ? decodeURIComponent(url.username) : 'anonymous',
      password: url.password ? decodeURIComponent(url.password) : 'anonymous@',
    });
  } catch (error) {
    client.close();
    if (error instanceof FTPError && error.code === 530) throw new ImportError('LoginRefused', `FTP login to ${url.host} refused (${error.code})`);
    throw error;
  }
  let totalBytes: number | undefined;
  try {
    totalBytes = await client.size(path);
  } catch (error) {
    if (error instanceof FTPError && error.code === 550) {
      client.close();
      throw new ImportError('NotFound', `${displayUrl}: no such file on the FTP server`);
    }
    // SIZE not supported: download without a known total.
  }
  if (totalBytes !== undefined && totalBytes > maxBytes) {
    client.close();
    throw new ImportError('TooLarge', `${displayUrl} is ${totalBytes} bytes, over the configured limit of ${maxBytes} bytes`);
  }
  const body = new PassThrough();
  const done = client
    .downloadTo(forwardingSink(body), path)
    .then(
      () => {
        body.end();
      },
      (error: unknown) => {
        const failure = error instanceof FTPError && error.code === 550 ? new ImportError('NotFound', `${displayUrl}: no such file on the FTP server`) : error;
        body.destroy(failure instanceof Error ? failure : new Error(String(failure)));
        throw failure;
      },
    )
    .finally(() => client.close());
  done.catch(() => undefined); // observed through the body's error as well
  return { body, ...(totalBytes !== undefined ? { totalBytes } : {}), done, abort: () => client.close() };
}

/** The failure Temporal records: a message naming only the display URL, and whether to retry. */
function toFailure(error: unknown, secrets: string[], displayUrl: string, progress: ImportProgress): ApplicationFailure {
  let type: ImportFailureType;
  let message: string;
  if (error instanceof ImportError) {
    type = error.type;
    message = error.message;
  } else if (error instanceof ImportRefusedError) {
    type = 'Refused';
    message = `${displayUrl}: ${error.message}`;
  } else if (error instanceof ImageTooLargeError) {
    type = 'TooLarge';
    message = `${displayUrl} is over the configured limit of ${error.limitBytes} bytes`;
  } else if (error instanceof ImageStoreFullError) {
    type = 'StoreFull';
    message = `download of ${displayUrl} stopped: ${error.message}`;
  } else if (error instanceof EmptyImageError) {
    type = 'EmptyImage';
    message = `${displayUrl} is empty`;
  } else if (progress.bytes > 0 || (progress.totalBytes !== undefined && error instanceof Error)) {
    type = 'DownloadStopped';
    const of = progress.totalBytes !== undefined ? ` of ${progress.totalBytes}` : '';
    message = `download stopped after ${progress.bytes}${of} bytes: ${error instanceof Error ? error.message : String(error)}`;
  } else {
    const code = (error as NodeJS.ErrnoException | undefined)?.code;
    type = code && NETWORK_CODES.has(code) ? 'Unreachable' : 'BadResponse';
    message = `${displayUrl} is unreachable: ${error instanceof Error ? error.message : String(error)}`;
    if (type === 'BadResponse') message = `download of ${displayUrl} failed: ${error instanceof Error ? error.message : String(error)}`;
  }
  // Belt and braces: no library message may carry the full URL or its credentials out.
  const [fullUrl, ...credentials] = secrets;
  if (fullUrl) message = message.split(fullUrl).join(displayUrl);
  for (const secret of credentials) if (secret) message = message.split(secret).join('***');
  return RETRYABLE.has(type) ? ApplicationFailure.retryable(message, type) : ApplicationFailure.nonRetryable(message, type);
}

export function createImageImportActivities(deps: ImageImportActivityDeps) {
  return {
    /** Downloads the import's URL into the store and records the image (same bytes twice: one image). */
    async downloadImage(input: ImageImportInput): Promise<ImageImportResult> {
      const ctx = Context.current();
      const opened = await openUrlImport(deps.db, deps.secretBox, input.importId);
      if (!opened) throw ApplicationFailure.nonRetryable(`no URL import ${input.importId}`, 'BadResponse');
      const url = new URL(opened.url);
      // The full URL first (shown as the display form), then the credentials (shown as ***).
      const secrets = url.username || url.password ? [opened.url, url.password, decodeURIComponent(url.password)].filter((s) => s.length > 0) : [];
      const progress: ImportProgress = { bytes: 0 };
      ctx.heartbeat(progress);
      const timer = setInterval(() => ctx.heartbeat(progress), 2_000);
      let source: Opened | undefined;
      const onCancel = () => source?.abort();
      ctx.cancellationSignal.addEventListener('abort', onCancel);
      try {
        // Resolved once, every address checked, and only the checked one connected to (no DNS rebinding).
        const target = await resolveImportTarget(deps.guard, url);
        source = url.protocol === 'ftp:' ? await openFtp(url, target, deps.guard, opened.displayUrl, deps.maxImageBytes) : await openHttp(url, target, opened.displayUrl, deps.insecureTls, deps.maxImageBytes);
        if (ctx.cancellationSignal.aborted) source.abort();
        if (source.totalBytes !== undefined) {
          progress.totalBytes = source.totalBytes;
          progress.percent = 0;
        }
        const transfer = source;
        const counter = byteCounter(progress, () => transfer.done);
        source.body.once('error', (error) => counter.destroy(error));
        source.body.once('close', () => {
          if (!source?.body.readableEnded) counter.destroy(new ImportError('DownloadStopped', `download stopped after ${progress.bytes} bytes: connection closed`));
        });
        // The same import path as an upload: ingest, metadata from the file name, one record per content.
        const request: ImportRequest = { fileName: input.fileName, source: opened.displayUrl };
        if (input.version) request.version = input.version;
        if (input.platform) request.platform = input.platform;
        const result = await importImage(deps.db, deps.imageStore, source.body.pipe(counter), request, deps.maxImageBytes);
        ctx.heartbeat(progress);
        deps.logger.info('image imported from URL', { importId: input.importId, url: opened.displayUrl, id: result.image.id, bytes: result.image.sizeBytes, created: result.created });
        return result;
      } catch (error) {
        source?.abort();
        if (ctx.cancellationSignal.aborted) throw error;
        const failure = toFailure(error, secrets, opened.displayUrl, progress);
        deps.logger.warn('image import failed', { importId: input.importId, url: opened.displayUrl, type: failure.type, error: failure.message });
        throw failure;
      } finally {
        clearInterval(timer);
        ctx.cancellationSignal.removeEventListener('abort', onCancel);
      }
    },
  };
}

export type ImageImportActivities = ReturnType<typeof createImageImportActivities>;
