// Content-addressed image bytes: each image is stored once under its SHA-256. Ingest streams to
// a temporary file while hashing, so a 2 GB image never sits in memory, and a failed or
// oversized upload leaves nothing behind. A full disk (ENOSPC, EDQUOT) is an `ImageStoreFullError`
// naming the folder and the bytes, with the partial file removed.
import { createHash, randomUUID } from 'node:crypto';
import { createReadStream, createWriteStream, type ReadStream } from 'node:fs';
import { mkdir, rename, rm, stat, statfs } from 'node:fs/promises';
import { join } from 'node:path';
import { Transform, type Readable, type Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';

export interface ImageDigest {
  sizeBytes: number;
  md5: string;
  sha256: string;
  sha512: string;
}

export class ImageTooLargeError extends Error {
  constructor(readonly limitBytes: number) {
    super(`image is larger than the configured limit of ${limitBytes} bytes`);
    this.name = 'ImageTooLargeError';
  }
}

export class EmptyImageError extends Error {
  constructor() {
    super('image is empty');
    this.name = 'EmptyImageError';
  }
}

/** The store's disk (or quota) is full: nothing was stored, the partial file is gone. */
export class ImageStoreFullError extends Error {
  constructor(
    readonly directory: string,
    readonly bytesWritten: number,
    readonly bytesFree: number | undefined,
    readonly code: string,
  ) {
    const free = bytesFree === undefined ? '' : ` (${bytesFree} bytes free there once the partial file was removed)`;
    super(`the image store ${directory} is full (${code}): no space left after writing ${bytesWritten} bytes of the image${free}; nothing was stored: free space there and try again`);
    this.name = 'ImageStoreFullError';
  }
}

const DISK_FULL_CODES = new Set(['ENOSPC', 'EDQUOT']);

function diskFullCode(error: unknown): string | undefined {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  return code && DISK_FULL_CODES.has(code) ? code : undefined;
}

/** How the store opens the file an image is written to (a test injects a failing one). */
export type WriteStreamFactory = (path: string) => Writable;

export interface ImageStoreOptions {
  createWriteStream?: WriteStreamFactory;
}

const SHA256_HEX = /^[0-9a-f]{64}$/;

export class ImageStore {
  private readonly openWrite: WriteStreamFactory;

  constructor(
    private readonly root: string,
    options: ImageStoreOptions = {},
  ) {
    this.openWrite = options.createWriteStream ?? ((path) => createWriteStream(path));
  }

  pathOf(sha256: string): string {
    if (!SHA256_HEX.test(sha256)) throw new Error(`not a SHA-256: ${sha256}`);
    return join(this.root, 'sha256', sha256.slice(0, 2), sha256);
  }

  async has(sha256: string): Promise<boolean> {
    try {
      return (await stat(this.pathOf(sha256))).isFile();
    } catch {
      return false;
    }
  }

  async sizeOf(sha256: string): Promise<number> {
    return (await stat(this.pathOf(sha256))).size;
  }

  openRead(sha256: string, range?: { start: number; end: number }): ReadStream {
    return createReadStream(this.pathOf(sha256), range);
  }

  /** Removes the bytes of `sha256` (no error when they are not there). */
  async remove(sha256: string): Promise<void> {
    await rm(this.pathOf(sha256), { force: true });
  }

  /** Streams `source` into the store; returns its digests. Same bytes twice are stored once. */
  async ingest(source: Readable, maxBytes: number, onProgress?: (bytes: number) => void): Promise<ImageDigest> {
    const written = { bytes: 0 };
    try {
      return await this.ingestInto(source, maxBytes, written, onProgress);
    } catch (error) {
      const code = diskFullCode(error);
      if (!code) throw error;
      throw new ImageStoreFullError(this.root, written.bytes, await this.bytesFree(), code);
    }
  }

  /** Free bytes for an unprivileged writer on the store's file system; undefined when unknown. */
  private async bytesFree(): Promise<number | undefined> {
    try {
      const fs = await statfs(this.root);
      return fs.bavail * fs.bsize;
    } catch {
      return undefined;
    }
  }

  /** `written.bytes`: what reached the file (the file stream's count, else what was handed to it). */
  private async ingestInto(source: Readable, maxBytes: number, written: { bytes: number }, onProgress?: (bytes: number) => void): Promise<ImageDigest> {
    const tmpDir = join(this.root, 'tmp');
    await mkdir(tmpDir, { recursive: true });
    const tmpPath = join(tmpDir, `${randomUUID()}.part`);
    const md5 = createHash('md5');
    const sha256 = createHash('sha256');
    const sha512 = createHash('sha512');
    let size = 0;
    const hasher = new Transform({
      transform(chunk: Buffer, _encoding, done) {
        size += chunk.length;
        if (size > maxBytes) {
          done(new ImageTooLargeError(maxBytes));
          return;
        }
        md5.update(chunk);
        sha256.update(chunk);
        sha512.update(chunk);
        onProgress?.(size);
        done(null, chunk);
      },
    });
    try {
      const file = this.openWrite(tmpPath) as Writable & { bytesWritten?: number };
      try {
        await pipeline(source, hasher, file);
      } finally {
        written.bytes = file.bytesWritten ?? size;
      }
      if (size === 0) throw new EmptyImageError();
      const digest: ImageDigest = { sizeBytes: size, md5: md5.digest('hex'), sha256: sha256.digest('hex'), sha512: sha512.digest('hex') };
      const finalPath = this.pathOf(digest.sha256);
      await mkdir(join(finalPath, '..'), { recursive: true });
      await rename(tmpPath, finalPath);
      return digest;
    } finally {
      await rm(tmpPath, { force: true });
    }
  }
}
