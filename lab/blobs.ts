// Content-addressed bytes of the lab's virtual flash: every file copied into any device is
// stored once under `<stateDir>/blobs/<sha256>`, so a thousand devices holding the same image
// cost one copy on disk. Transfers land in a temp file first and move in when complete.
import { randomBytes } from 'node:crypto';
import { createReadStream, type ReadStream } from 'node:fs';
import { mkdir, rename, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';

export class BlobStore {
  private readonly tempDir: string;

  constructor(private readonly root: string) {
    this.tempDir = join(root, 'tmp');
  }

  async init(): Promise<void> {
    await mkdir(this.tempDir, { recursive: true });
    // Temp files are leftovers of transfers a stopped lab never finished.
    await rm(this.tempDir, { recursive: true, force: true });
    await mkdir(this.tempDir, { recursive: true });
  }

  pathOf(sha256: string): string {
    if (!/^[0-9a-f]{64}$/.test(sha256)) throw new Error(`not a sha256: ${sha256}`);
    return join(this.root, sha256);
  }

  /** A fresh path for an incoming transfer. */
  tempPath(): string {
    return join(this.tempDir, `${Date.now()}-${randomBytes(6).toString('hex')}.part`);
  }

  /** Moves a finished temp file into the store under its hash (or drops it if already there). */
  async commit(tempPath: string, sha256: string): Promise<void> {
    const target = this.pathOf(sha256);
    if (await this.has(sha256)) {
      await rm(tempPath, { force: true });
      return;
    }
    await rename(tempPath, target);
  }

  async discard(tempPath: string): Promise<void> {
    await rm(tempPath, { force: true });
  }

  async has(sha256: string): Promise<boolean> {
    try {
      await stat(this.pathOf(sha256));
      return true;
    } catch {
      return false;
    }
  }

  open(sha256: string): ReadStream {
    return createReadStream(this.pathOf(sha256));
  }
}
