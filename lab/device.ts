// One simulated switch without its network face: flash (entries backed by the blob store),
// running and startup boot lists, the image it runs, and what a reload does to them. Every
// change is persisted; the SSH server and the CLI act on the device only through this class.
import { createHash } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { Transform, type TransformCallback } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { BlobStore } from './blobs.ts';
import { DEFAULT_RELOAD_MS, hashNumber, syntheticMd5, syntheticSha256 } from './platform.ts';
import { fileOnFilesystem, packageFilesOf, profileOf, type PlatformProfile } from './platforms.ts';
import type { DeviceState, FlashEntry, StateFile } from './state.ts';
import type { OpenedSource } from './transfers.ts';
import type { DeviceSpec, DeviceStateView, LabEvent, LabFaults } from './types.ts';

/** The file does not fit in free flash (announced size or bytes that kept coming). */
export class NoSpaceError extends Error {
  constructor() {
    super('Not enough space on device');
    this.name = 'NoSpaceError';
  }
}

/** The transfer broke after it started. */
export class CopyError extends Error {
  /**
   * @param truncated the server announced a size and stopped short of it (as opposed to
   *   failing before it sent anything, which IOS reports like a file it could not open)
   */
  constructor(
    reason: string,
    readonly truncated = false,
  ) {
    super(reason);
    this.name = 'CopyError';
  }
}

export interface ReceivedFile {
  bytes: number;
  md5: string;
}

/** `flash:x.bin`, `flash:/x.bin` → `x.bin`; undefined for other file systems or bad names. */
export function flashFileName(path: string): string | undefined {
  const m = /^flash:\/?([^/\s]+)$/i.exec(path);
  return m?.[1];
}

/** `x.bin` on any file system (`flash:x.bin`, `bootflash:///x.bin`). */
function anyFileName(path: string): string | undefined {
  return /^[a-z0-9]+:\/*([^/\s]+)$/i.exec(path)?.[1];
}

/** Faults whose trigger is "the device was upgraded (or reloaded) after the fault was set". */
const AFTER_UPGRADE = ['cpuHighAfterUpgrade', 'fewerRoutesAfterUpgrade', 'interfaceDownAfterUpgrade'] as const;

export class SimDevice {
  readonly faults: LabFaults = { corruptTransfer: false };
  readonly profile: PlatformProfile;
  /** Version and reload count when an after-upgrade fault was switched on. */
  private upgradeBaseline: { version: string; reloadCount: number } | undefined;
  private flashSizeOverride: number | undefined;
  /** Bytes of transfers in flight: they count against free space until they land or fail. */
  private inFlightBytes = 0;
  private reloading = false;

  constructor(
    readonly spec: DeviceSpec,
    private readonly state: DeviceState,
    private readonly file: StateFile,
    private readonly blobs: BlobStore,
    private readonly emit: (event: LabEvent) => void,
  ) {
    this.reloading = state.reloadingSince !== undefined;
    this.profile = profileOf(spec.platform);
  }

  get hostname(): string {
    return this.spec.hostname;
  }

  /** Read-only view for formatters; callers must not mutate it. */
  get snapshot(): Readonly<DeviceState> {
    return this.state;
  }

  get reloadDurationMs(): number {
    return this.spec.reloadDurationMs ?? DEFAULT_RELOAD_MS;
  }

  /** Up and answering: not reloading and not stuck in ROMMON. */
  get reachable(): boolean {
    return !this.reloading && this.state.runningImage !== '';
  }

  get pendingReload(): boolean {
    return this.state.reloadingSince !== undefined;
  }

  get version(): string {
    if (this.state.runningImage === 'packages.conf') return this.state.installedVersion ?? '';
    return this.profile.versionOfImage(this.state.runningImage) ?? '';
  }

  get configRegister(): string {
    return this.state.configRegister ?? this.profile.configRegister;
  }

  get flashSizeBytes(): number {
    return this.flashSizeOverride ?? this.spec.flashSizeBytes ?? this.profile.flashSizeBytes;
  }

  /** `flash:x` (or `bootflash:x` on NX-OS) → `x`; undefined for another file system. */
  localName(path: string): string | undefined {
    return fileOnFilesystem(path, this.profile.filesystem);
  }

  get domainName(): string {
    return this.state.domainName ?? 'lab.netswim.example';
  }

  get rsaKeyBits(): number {
    return this.state.rsaKeyBits ?? 2048;
  }

  get startupConfigPresent(): boolean {
    return this.state.startupConfigPresent;
  }

  /** An after-upgrade fault applies: another version runs, or a reload happened, since it was set. */
  get upgradedSinceFault(): boolean {
    const base = this.upgradeBaseline;
    return base !== undefined && (base.version !== this.version || base.reloadCount < this.state.reloadCount);
  }

  get scpServer(): boolean {
    return this.state.scpServer === true;
  }

  setScpServer(on: boolean): void {
    this.state.scpServer = on;
    this.configChanged();
  }

  setDomainName(name: string): void {
    this.state.domainName = name;
    this.configChanged();
  }

  /** `crypto key generate rsa [modulus N]`; 0 removes the key (`crypto key zeroize rsa`). */
  setRsaKey(bits: number): void {
    this.state.rsaKeyBits = bits;
    this.changed();
  }

  setFlashSize(bytes: number): void {
    if (!Number.isSafeInteger(bytes) || bytes < 0) throw new Error(`invalid flash size ${bytes}`);
    this.flashSizeOverride = bytes;
  }

  setFaults(faults: Partial<LabFaults>): void {
    const wasWatching = AFTER_UPGRADE.some((k) => this.faults[k]);
    for (const [key, value] of Object.entries(faults) as [keyof LabFaults, unknown][]) {
      if (value === undefined) delete (this.faults as Partial<LabFaults>)[key];
      else Object.assign(this.faults, { [key]: value });
    }
    const watching = AFTER_UPGRADE.some((k) => this.faults[k]);
    if (watching && !wasWatching) this.upgradeBaseline = { version: this.version, reloadCount: this.state.reloadCount };
    if (!watching) this.upgradeBaseline = undefined;
    // Configuration faults change the configuration itself (and persist with it).
    let changed = false;
    if (faults.noRsaKey) {
      this.state.rsaKeyBits = 0;
      changed = true;
    }
    if (faults.noDomainName) {
      this.state.domainName = '';
      changed = true;
    }
    if (faults.configRegister !== undefined) {
      this.state.configRegister = faults.configRegister;
      this.state.nextConfigRegister = undefined;
      changed = true;
    }
    if (faults.noStartupConfig) {
      this.state.startupConfigPresent = false;
      this.state.savedBootVariables = [];
      changed = true;
    }
    if (changed) this.changed();
  }

  /** Only the faults that are on. */
  activeFaults(): Partial<LabFaults> {
    return Object.fromEntries(Object.entries(this.faults).filter(([, v]) => v !== undefined && v !== false && v !== 0));
  }

  usedBytes(): number {
    return this.state.flash.reduce((sum, f) => sum + f.size, 0);
  }

  freeBytes(): number {
    if (this.faults.flashFull) return 0;
    return Math.max(0, this.flashSizeBytes - this.usedBytes());
  }

  files(): readonly FlashEntry[] {
    return this.state.flash;
  }

  findFile(name: string): FlashEntry | undefined {
    return this.state.flash.find((f) => f.name === name);
  }

  view(): DeviceStateView {
    return {
      hostname: this.hostname,
      version: this.version,
      runningImage: this.state.runningImage,
      ...(this.state.kickstart ? { runningKickstart: this.state.kickstart.running, savedKickstartBootVariables: [...this.state.kickstart.saved] } : {}),
      bootVariables: [...this.state.bootVariables],
      savedBootVariables: [...this.state.savedBootVariables],
      flash: this.state.flash.map((f) => ({ name: f.name, size: f.size, md5: f.md5 })),
      flashSizeBytes: this.flashSizeBytes,
      flashFreeBytes: this.freeBytes(),
      reloadCount: this.state.reloadCount,
      bootedAt: this.state.bootedAt,
      reachable: this.reachable,
      platform: this.spec.platform,
      ...(this.state.installedVersion ? { installedVersion: this.state.installedVersion } : {}),
      ...(this.profile.installMode ? { activeSmus: [...(this.state.activeSmus ?? [])] } : {}),
      aliases: [...this.aliases],
      savedAliases: [...this.savedAliases],
      faults: this.activeFaults(),
    };
  }

  private changed(): void {
    this.file.save(this.state);
  }

  private configChanged(): void {
    this.state.configModified = true;
    this.state.configChangedAt = new Date().toISOString();
    this.changed();
  }

  // --- configuration -------------------------------------------------------------------------

  get configModified(): boolean {
    return this.state.configModified;
  }

  addBootVariable(entry: string): void {
    this.state.bootVariables.push(entry);
    this.configChanged();
  }

  /** `no boot system` (all) or `no boot system flash:x` (that entry). */
  removeBootVariables(entry?: string): void {
    this.state.bootVariables = entry === undefined ? [] : this.state.bootVariables.filter((e) => e !== entry);
    this.configChanged();
  }

  setConfigRegister(value: string): void {
    this.state.nextConfigRegister = value === this.configRegister ? undefined : value;
    this.configChanged();
  }

  get nextConfigRegister(): string | undefined {
    return this.state.nextConfigRegister;
  }

  /** `alias exec` lines of the running configuration (`<name> <command>`). */
  get aliases(): readonly string[] {
    return this.state.aliases ?? [];
  }

  get savedAliases(): readonly string[] {
    return this.state.savedAliases ?? [];
  }

  /** `alias exec <name> <command>`: replaces an alias of that name. */
  setAlias(name: string, command: string): void {
    this.state.aliases = [...this.aliases.filter((a) => a.split(' ')[0] !== name), `${name} ${command}`];
    this.configChanged();
  }

  /** `no alias exec <name>`. */
  removeAlias(name: string): void {
    this.state.aliases = this.aliases.filter((a) => a.split(' ')[0] !== name);
    this.configChanged();
  }

  /** `write memory`: the running boot list becomes the startup one. */
  saveConfig(): void {
    this.state.savedAliases = [...this.aliases];
    this.state.savedBootVariables = [...this.state.bootVariables];
    this.state.startupConfigPresent = true;
    this.state.configModified = false;
    this.changed();
  }

  // --- flash ---------------------------------------------------------------------------------

  deleteFile(name: string): boolean {
    const before = this.state.flash.length;
    this.state.flash = this.state.flash.filter((f) => f.name !== name);
    if (this.state.flash.length === before) return false;
    this.changed();
    return true;
  }

  /**
   * Streams a transfer into flash under `name`, hashing as bytes arrive. Refuses up front when
   * the announced size does not fit, and stops as soon as more bytes came than fit.
   */
  async receiveFile(name: string, source: OpenedSource, onProgress: (bytes: number) => void): Promise<ReceivedFile> {
    const limit = this.freeBytes() - this.inFlightBytes;
    if (source.declaredSize !== undefined && source.declaredSize > limit) {
      source.abort();
      throw new NoSpaceError();
    }
    const temp = this.blobs.tempPath();
    const md5 = createHash('md5');
    const sha256 = createHash('sha256');
    let received = 0;
    let corrupt = this.faults.corruptTransfer;
    let altered = false;
    const dropAt = this.faults.transferDropAt;
    const dropAfter =
      dropAt !== undefined && dropAt > 0 && dropAt < 1 && source.declaredSize !== undefined
        ? Math.floor(source.declaredSize * dropAt)
        : undefined;
    const rate = this.faults.slowLinkBytesPerSecond;
    const started = Date.now();
    const meter = new Transform({
      transform: (chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void => {
        if (received + chunk.length > limit) {
          callback(new NoSpaceError());
          return;
        }
        if (dropAfter !== undefined && received + chunk.length > dropAfter) {
          // The transferDropAt fault: the connection breaks part way.
          callback(new CopyError(`connection reset after ${received} bytes`, true));
          return;
        }
        // The slowLinkBytesPerSecond fault: hold each chunk until the rate allows it.
        const wait = rate && rate > 0 ? started + ((received + chunk.length) / rate) * 1000 - Date.now() : 0;
        const done = (error: Error | null, data?: Buffer): void => {
          if (wait > 0) setTimeout(() => callback(error, data), wait);
          else callback(error, data);
        };
        received += chunk.length;
        this.inFlightBytes += chunk.length;
        let data = chunk;
        if (corrupt && data.length > 0) {
          // The corruptTransfer fault: one flipped byte, same size, different checksums.
          data = Buffer.from(chunk);
          data[0] = (data[0] ?? 0) ^ 0xff;
          corrupt = false;
          altered = true;
        }
        md5.update(data);
        sha256.update(data);
        onProgress(received);
        done(null, data);
      },
    });
    try {
      await pipeline(source.stream, meter, createWriteStream(temp));
      if (source.declaredSize !== undefined && received !== source.declaredSize) {
        throw new CopyError(`connection closed after ${received} of ${source.declaredSize} bytes`, true);
      }
    } catch (error) {
      source.abort();
      await this.blobs.discard(temp);
      if (error instanceof NoSpaceError || error instanceof CopyError) throw error;
      throw new CopyError((error as Error).message);
    } finally {
      this.inFlightBytes -= received;
    }
    const sha = sha256.digest('hex');
    await this.blobs.commit(temp, sha);
    const entry: FlashEntry = {
      name,
      size: received,
      md5: md5.digest('hex'),
      sha256: sha,
      mtime: new Date().toISOString(),
      inode: this.state.nextInode++,
      synthetic: false,
      ...(altered ? { corrupt: true } : {}),
    };
    this.state.flash = [...this.state.flash.filter((f) => f.name !== name), entry];
    this.changed();
    return { bytes: received, md5: entry.md5 };
  }

  /**
   * Flash damage after the fact (a fault for tests): the file keeps its name and size, its bytes
   * no longer hash to what was written, and it fails its signature check at boot. False when there
   * is no such file.
   */
  damageFile(name: string): boolean {
    const entry = this.findFile(name);
    if (!entry) return false;
    this.state.flash = this.state.flash.map((f) => (f === entry ? { ...f, md5: syntheticMd5(`${f.name} damaged ${f.md5}`), corrupt: true } : f));
    this.changed();
    return true;
  }

  /**
   * `verify /md5`: the MD5 of the bytes stored on flash, computed as they were written (a corrupt
   * transfer's altered bytes included). Not read again here: a real device verifies on its own
   * CPU, in parallel with the others, while the lab is one process for a whole fleet, where 50
   * devices hashing 200 MB one after another would measure the lab, not netswim.
   */
  computeMd5(name: string, onProgress: (bytes: number) => void): Promise<string | undefined> {
    const entry = this.findFile(name);
    if (!entry) return Promise.resolve(undefined);
    onProgress(entry.size);
    return Promise.resolve(entry.md5);
  }

  // --- reload --------------------------------------------------------------------------------

  /** The device goes down: the reload is recorded so a restarted lab can finish it. */
  beginReload(): void {
    this.reloading = true;
    this.state.reloadingSince = new Date().toISOString();
    this.changed();
    this.emit({ event: 'reload', phase: 'down', hostname: this.hostname, time: new Date().toISOString() });
  }

  /**
   * ROMMON picks the image: the first saved boot entry that exists and is an image; with no
   * boot variable, the first image on flash. A corrupted image fails its signature check and
   * ROMMON moves on to the next entry. Nothing bootable leaves the device in ROMMON.
   */
  private chooseBootImage(): string | undefined {
    const bootable = (name: string | undefined): name is string => {
      const entry = name === undefined ? undefined : this.findFile(name);
      if (entry === undefined || entry.corrupt || entry.name === this.faults.badImage) return false;
      if (entry.name === 'packages.conf') return this.profile.installMode && this.state.installedVersion !== undefined;
      return this.profile.versionOfImage(entry.name) !== undefined;
    };
    const saved = this.state.savedBootVariables;
    if (saved.length > 0) return saved.map(anyFileName).find(bootable);
    return this.state.flash.map((f) => f.name).find(bootable);
  }

  /**
   * INSTALL mode `install add … activate`: expands the bundle into its packages on flash and
   * points packages.conf at its version for the next boot. Returns the package file names.
   */
  installPackages(version: string): string[] {
    const files = packageFilesOf(this.profile, version);
    const now = new Date().toISOString();
    const names = new Set(files.map((f) => f.name));
    this.state.flash = this.state.flash.filter((f) => !names.has(f.name));
    for (const f of files) {
      this.state.flash.push({
        name: f.name,
        size: f.size,
        md5: syntheticMd5(f.name),
        sha256: syntheticSha256(f.name),
        mtime: now,
        inode: this.state.nextInode++,
        synthetic: true,
      });
    }
    const conf = this.findFile('packages.conf');
    if (conf) conf.mtime = now;
    else {
      this.state.flash.push({
        name: 'packages.conf',
        size: 7_179 + (hashNumber(version) % 200),
        md5: syntheticMd5(`packages.conf ${version}`),
        sha256: syntheticSha256(`packages.conf ${version}`),
        mtime: now,
        inode: this.state.nextInode++,
        synthetic: true,
      });
    }
    this.state.pendingInstalledVersion = version;
    this.state.bootVariables = [`${this.profile.filesystem}:packages.conf`];
    this.state.savedBootVariables = [`${this.profile.filesystem}:packages.conf`];
    this.state.configModified = false;
    this.changed();
    return files.filter((f) => f.name.endsWith('.pkg')).map((f) => f.name);
  }

  /** INSTALL mode: SMU files activated and committed on the running release. */
  get activeSmus(): readonly string[] {
    return this.state.activeSmus ?? [];
  }

  /**
   * INSTALL mode `install add file flash:<smu> activate commit`: the SMU is activated and
   * committed; the reload that follows (a cold SMU) boots the same release with it.
   */
  activateSmu(name: string): void {
    const active = this.state.activeSmus ?? [];
    if (!active.includes(name)) this.state.activeSmus = [...active, name];
    this.state.configModified = false;
    this.changed();
  }

  /** NX-OS `install all nxos bootflash:<file>`: the boot variable becomes that image, saved. */
  setBootImage(name: string): void {
    this.state.savedAliases = [...this.aliases];
    this.state.bootVariables = [`${this.profile.filesystem}:${name}`];
    this.state.savedBootVariables = [...this.state.bootVariables];
    this.state.startupConfigPresent = true;
    this.state.configModified = false;
    this.changed();
  }

  /** NX-OS `install all kickstart bootflash:<k> system bootflash:<s>`: both boot variables become the pair, saved. */
  setBootPair(kickstart: string, system: string): void {
    const entry = `${this.profile.filesystem}:${kickstart}`;
    this.state.kickstart = { running: this.state.kickstart?.running ?? '', boot: [entry], saved: [entry] };
    this.setBootImage(system);
  }

  /**
   * The kickstart the loader boots with `system`: the saved kickstart variable's file when it is on
   * flash, sound and of the system image's release; undefined (the switch stays at its loader) otherwise.
   */
  private chooseKickstart(system: string | undefined): string | undefined {
    const ks = this.profile.kickstart;
    const name = this.state.kickstart?.saved.map(anyFileName)[0];
    const entry = name === undefined ? undefined : this.findFile(name);
    if (!ks || !system || !entry || entry.corrupt || entry.name === this.faults.badImage) return undefined;
    return ks.versionOfImage(entry.name) === this.profile.versionOfImage(system) ? entry.name : undefined;
  }

  completeBoot(now = new Date()): void {
    const releaseBefore = this.version;
    if (this.state.pendingInstalledVersion) {
      this.state.installedVersion = this.state.pendingInstalledVersion;
      delete this.state.pendingInstalledVersion;
    }
    let image = this.chooseBootImage();
    if (this.state.kickstart) {
      const kickstart = this.chooseKickstart(image);
      if (!kickstart) image = undefined;
      this.state.kickstart = { ...this.state.kickstart, running: kickstart ?? '', boot: [...this.state.kickstart.saved] };
    }
    this.state.runningImage = image ?? '';
    this.state.reloadCount += 1;
    this.state.bootedAt = now.toISOString();
    this.state.lastReloadReason = 'Reload Command';
    // Unsaved changes are lost: the running config is read back from startup.
    this.state.bootVariables = [...this.state.savedBootVariables];
    this.state.aliases = [...this.savedAliases];
    this.state.configModified = false;
    // SMUs patch one release: booting another one leaves them behind.
    if (this.version !== releaseBefore) delete this.state.activeSmus;
    if (this.state.nextConfigRegister) {
      this.state.configRegister = this.state.nextConfigRegister;
      this.state.nextConfigRegister = undefined;
    }
    delete this.state.reloadingSince;
    this.reloading = false;
    this.changed();
    this.emit({
      event: 'reload',
      phase: image ? 'up' : 'rommon',
      hostname: this.hostname,
      runningImage: this.state.runningImage,
      version: this.version,
      time: now.toISOString(),
    });
  }

  flush(): Promise<void> {
    return this.file.flush();
  }
}
