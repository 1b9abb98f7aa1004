// One running lab device: the simulated switch plus its SSH server, and the reload cycle that
// ties them (drop sessions, stay unreachable, boot, listen again).
import type { BlobStore } from './blobs.ts';
import { SimDevice } from './device.ts';
import { profileOf } from './platforms.ts';
import { DeviceSshServer } from './ssh-server.ts';
import { initialState, StateFile } from './state.ts';
import type { CliHost } from './cli.ts';
import type { DeviceSpec, DeviceStateView, LabDevice, LabEvent, LabFaults } from './types.ts';

const RELISTEN_RETRY_MS = 500;

export class LabNode implements LabDevice, CliHost {
  private readonly ssh: DeviceSshServer;
  private stopped = false;
  private reloadTask: Promise<void> | undefined;
  private wakeSleeper: (() => void) | undefined;
  private sleepTimer: NodeJS.Timeout | undefined;

  private constructor(
    readonly device: SimDevice,
    hostKey: string,
    private readonly emitter: (event: LabEvent) => void,
  ) {
    this.ssh = new DeviceSshServer(this, hostKey, device.spec.address, device.spec.port);
  }

  /** Loads (or creates) the device's state, finishes an interrupted reload, starts listening. */
  static async start(
    spec: DeviceSpec,
    stateDir: string,
    blobs: BlobStore,
    hostKey: string,
    emit: (event: LabEvent) => void,
  ): Promise<LabNode> {
    const profile = profileOf(spec.platform);
    if (spec.runningImage !== undefined && profile.versionOfImage(spec.runningImage) === undefined) {
      throw new Error(`${spec.hostname}: "${spec.runningImage}" is not a ${spec.platform} image (like ${profile.defaultImage})`);
    }
    const file = new StateFile(stateDir, spec.hostname);
    const loaded = await file.load();
    const state = loaded ?? initialState(spec, new Date());
    const device = new SimDevice(spec, state, file, blobs, emit);
    if (!loaded) file.save(state);
    // The lab stopped while this device was reloading: the reload completes now.
    if (device.pendingReload) device.completeBoot();
    const node = new LabNode(device, hostKey, emit);
    if (device.reachable) await node.ssh.listen();
    await device.flush();
    emit({
      event: 'started',
      hostname: spec.hostname,
      address: spec.address,
      port: node.port,
      version: device.version,
      time: new Date().toISOString(),
    });
    return node;
  }

  get hostname(): string {
    return this.device.hostname;
  }

  get address(): string {
    return this.device.spec.address;
  }

  get port(): number {
    return this.ssh.port;
  }

  get spec(): DeviceSpec {
    return this.device.spec;
  }

  state(): DeviceStateView {
    return { ...this.device.view(), ssh: { hostKey: this.ssh.hostKeyInfo, authAttempts: { ...this.ssh.authAttempts } } };
  }

  setFaults(faults: Partial<LabFaults>): void {
    this.device.setFaults(faults);
    // The sshRefused fault: the listener closes, so connections are refused at the TCP level.
    if ('sshRefused' in faults) this.applySshRefused();
    // A device sitting in ROMMON tries to boot again when its faults change (someone at the
    // console typing `boot`): with badImage cleared it comes up.
    if (!this.device.reachable && !this.reloadTask && !this.device.pendingReload && !this.stopped) this.reload();
  }

  private applySshRefused(): void {
    if (this.reloadTask || this.stopped || !this.device.reachable) return;
    const task = this.device.faults.sshRefused ? this.ssh.close() : this.ssh.listen();
    task.catch((error: Error) => process.emitWarning(`lab device ${this.hostname}: ${error.message}`));
  }

  faults(): LabFaults {
    return { ...this.device.faults };
  }

  damageFile(name: string): boolean {
    return this.device.damageFile(name);
  }

  setFlashSize(bytes: number): void {
    this.device.setFlashSize(bytes);
  }

  emit(event: LabEvent): void {
    this.emitter(event);
  }

  reload(): void {
    if (this.reloadTask || this.stopped) return;
    this.device.beginReload();
    this.reloadTask = this.runReload()
      .catch((error: Error) => {
        process.emitWarning(`lab device ${this.hostname}: reload failed: ${error.message}`);
      })
      .finally(() => {
        this.reloadTask = undefined;
      });
  }

  private async runReload(): Promise<void> {
    await this.ssh.close();
    await this.sleep(this.device.reloadDurationMs);
    // The reloadNeverReturns fault: the device stays down for as long as the fault is on.
    while (this.device.faults.reloadNeverReturns && !this.stopped) await this.sleep(200);
    if (this.stopped) return; // left pending on disk: the next lab start finishes it
    this.device.completeBoot();
    if (!this.device.reachable) return; // ROMMON: nothing to boot, stays unreachable
    while (!this.stopped && !this.device.faults.sshRefused) {
      try {
        await this.ssh.listen();
        return;
      } catch (error) {
        // The port may still be held briefly by the old listener's sockets.
        if ((error as NodeJS.ErrnoException).code !== 'EADDRINUSE') throw error;
        await this.sleep(RELISTEN_RETRY_MS);
      }
    }
  }

  /** A sleep that stop() cuts short. */
  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      this.wakeSleeper = resolve;
      this.sleepTimer = setTimeout(resolve, ms);
    });
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.sleepTimer) clearTimeout(this.sleepTimer);
    this.wakeSleeper?.();
    await this.reloadTask;
    await this.ssh.close();
    await this.device.flush();
  }
}
