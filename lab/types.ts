// The lab's public contract: what tests, the demo and `npm run lab` use to run simulated devices.
// netswim itself never imports the lab; it talks to lab devices over SSH like to real ones.

/** Platforms the lab can simulate. Issue 3 adds classic IOS, IOS-XE install mode and NX-OS. */
export type LabPlatform = 'cat9300';

export interface DeviceSpec {
  hostname: string;
  /** Loopback address the device's SSH server binds, e.g. 127.20.0.1. */
  address: string;
  /** SSH port; 0 lets the OS choose a free one (read the chosen port from LabDevice.port). */
  port: number;
  platform: LabPlatform;
  username: string;
  password: string;
  /** When set, the user logs in at the `>` prompt and needs `enable` + this secret for `#`. */
  enableSecret?: string;
  site?: string;
  role?: string;
  /** Image the device runs when its state is first created (default: the platform's image). */
  runningImage?: string;
  /** Flash capacity in bytes (default: the platform's). */
  flashSizeBytes?: number;
  /** How long a reload keeps the device unreachable (default 5000 ms). */
  reloadDurationMs?: number;
}

/** Faults a test can switch on per device at run time. */
export interface LabFaults {
  /** Every file copied into flash arrives with altered bytes (its MD5 differs from the source). */
  corruptTransfer: boolean;
}

export interface FlashFileView {
  name: string;
  size: number;
  md5: string;
}

export interface DeviceStateView {
  hostname: string;
  /** Version the device runs now, as `show version` prints it (e.g. 17.06.05). */
  version: string;
  /** File name (without `flash:`) of the image the device booted. */
  runningImage: string;
  /** Boot variable in the running configuration, in order, as `flash:<file>` entries. */
  bootVariables: string[];
  /** Boot variable saved in the startup configuration (what the next reload uses). */
  savedBootVariables: string[];
  flash: FlashFileView[];
  flashSizeBytes: number;
  flashFreeBytes: number;
  /** How many times the device has reloaded since its state was created. */
  reloadCount: number;
  /** ISO time the device last finished booting. */
  bootedAt: string;
  /** False while a reload is in progress (SSH connections are refused). */
  reachable: boolean;
}

export interface LabDevice {
  readonly hostname: string;
  readonly address: string;
  /** The port the SSH server actually listens on. */
  readonly port: number;
  readonly spec: DeviceSpec;
  state(): DeviceStateView;
  setFaults(faults: Partial<LabFaults>): void;
  /** Changes the flash capacity at run time (the "flash too small" fault). */
  setFlashSize(bytes: number): void;
}

export interface Lab {
  readonly devices: LabDevice[];
  device(hostname: string): LabDevice;
  stop(): Promise<void>;
}

export interface LabOptions {
  /** Folder that keeps each device's flash, boot variables and running image across restarts. */
  stateDir: string;
  devices: DeviceSpec[];
  /** Sees what happens in the lab (devices started, reloads, copy progress), e.g. to log it. */
  onEvent?: (event: LabEvent) => void;
}

/** Something that happened on a lab device; `time` is ISO. */
export type LabEvent =
  | { event: 'started'; hostname: string; address: string; port: number; version: string; time: string }
  | {
      event: 'reload';
      hostname: string;
      /** down: sessions dropped; up: booted `runningImage`; rommon: nothing bootable. */
      phase: 'down' | 'up' | 'rommon';
      runningImage?: string;
      version?: string;
      time: string;
    }
  | {
      event: 'copy';
      hostname: string;
      phase: 'start' | 'progress' | 'done' | 'failed';
      /** Source URL with any password masked. */
      url: string;
      file: string;
      bytes: number;
      totalBytes?: number;
      error?: string;
      time: string;
    };
