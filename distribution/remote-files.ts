// What staging needs from a distribution server, whatever its protocol: a session on the server's
// root location that can stat, read and write small files, remove, rename, and stream one big
// upload. One implementation per protocol (ftp-files.ts, ssh-files.ts, http-files.ts); names are
// plain file names inside the root, already checked by the caller.
import type { Readable } from 'node:stream';

export interface RemoteFiles {
  /** Whether `upload` can append at an offset (a dropped upload then resumes instead of restarting). */
  readonly canResume: boolean;
  /** The file's size, or undefined when it is not there. */
  size(name: string): Promise<number | undefined>;
  /** A small text file's content (at most `maxBytes`), or undefined when it is not there or larger. */
  readText(name: string, maxBytes: number): Promise<string | undefined>;
  writeText(name: string, text: string): Promise<void>;
  /** Removes the file; no error when it is not there. */
  remove(name: string): Promise<void>;
  /** Renames `from` to `to`, replacing `to`. */
  rename(from: string, to: string): Promise<void>;
  /**
   * Streams `source` (`length` bytes) into `name`: from the start (truncating) when `offset` is 0,
   * else appended after the first `offset` bytes already there. Resolves once the server confirmed.
   */
  upload(name: string, source: Readable, offset: number, length: number): Promise<void>;
  /** Releases the connection (also what aborts an upload in flight). */
  close(): void;
}

/** A distribution server refused or broke a staging operation. */
export class DistributionError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'DistributionError';
  }
}

/** `a/b` from a root location (`/a/b/`, `a/b`, `/` → ``): no leading or trailing slash. */
export function rootSegments(rootLocation: string): string[] {
  return rootLocation.split('/').filter((segment) => segment !== '');
}

export const CONNECT_TIMEOUT_MS = 15_000;
export const IDLE_TIMEOUT_MS = 30_000;
