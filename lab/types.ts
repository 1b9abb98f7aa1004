// The lab's public contract: what tests, the demo and `npm run lab` use to run simulated devices.
// netswim itself never imports the lab; it talks to lab devices over SSH like to real ones.

/**
 * Platforms the lab can simulate: Catalyst 9300 on IOS-XE in BUNDLE mode (`cat9300`) or INSTALL
 * mode (`cat9300-install`), an ISR G2 router on classic IOS 15 (`isr2900`), a Catalyst 2960-X
 * on classic IOS (`c2960x`), a Nexus 9000 on NX-OS (`n9k`), an ASR 1001-X router on IOS-XE in
 * INSTALL mode on `bootflash:` (`asr1000-install`), a Nexus 5548 on NX-OS 7.x with a kickstart and a
 * system image (`n5548`).
 */
export type LabPlatform = 'cat9300' | 'cat9300-install' | 'isr2900' | 'c2960x' | 'n9k' | 'asr1000-install' | 'n5548' | 'dcs7050sx3';

export const LAB_PLATFORMS: readonly LabPlatform[] = ['cat9300', 'cat9300-install', 'isr2900', 'c2960x', 'n9k', 'asr1000-install', 'n5548', 'dcs7050sx3'];

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
  /** Kickstart + system platforms: the kickstart it runs when its state is first created (default: the platform's). */
  runningKickstart?: string;
  /** Flash capacity in bytes (default: the platform's). */
  flashSizeBytes?: number;
  /** How long a reload keeps the device unreachable (default 5000 ms). */
  reloadDurationMs?: number;
  /** When its state is first created, the device booted this many seconds ago (default: days ago). */
  bootedSecondsAgo?: number;
}

/**
 * Faults a test can switch on per device at run time (`setFaults` merges a partial set; a field
 * set to `undefined`/`false`/`0` switches that fault off). Faults live in memory and are lost when
 * the lab restarts, except the configuration faults (noRsaKey, noDomainName, configRegister,
 * noStartupConfig): those change the device's configuration, which persists like any config
 * change and can be repaired from the CLI (`crypto key generate rsa`, `ip domain name`, …).
 */
export interface LabFaults {
  /** Every file copied into flash arrives with altered bytes (its MD5 differs from the source). */
  corruptTransfer: boolean;
  /** Flash reports (almost) no free space: `dir` shows 0 bytes free and copies fail. */
  flashFull?: boolean;
  /** Fraction (0-1) of a transfer after which the connection is cut (`%Error copying … (I/O error)`). */
  transferDropAt?: number;
  /** Transfers into flash go no faster than this. */
  slowLinkBytesPerSecond?: number;
  /** A reload never finishes while this is on (the device stays unreachable). */
  reloadNeverReturns?: boolean;
  /** This flash file fails to boot: ROMMON falls through to the next boot entry, or stays in ROMMON. */
  badImage?: string;
  /** SSH connections are dropped as soon as they open. */
  sshRefused?: boolean;
  /** Every SSH login is rejected. */
  sshAuthFailure?: boolean;
  /** The device clock is off by this many seconds (`show clock`, `show ntp status`). */
  clockSkewSeconds?: number;
  /** Removes the device's RSA key pair (configuration fault). */
  noRsaKey?: boolean;
  /** Removes `ip domain name` (configuration fault). */
  noDomainName?: boolean;
  /** Sets the configuration register in effect, e.g. '0x2142' (configuration fault). */
  configRegister?: string;
  /** Erases the startup configuration (configuration fault). */
  noStartupConfig?: boolean;
  /** The HTTPS server offers only TLS 1.0/1.1. */
  tlsBelow12?: boolean;
  /** The licenses report as not authorized / expired. */
  licenseInvalid?: boolean;
  /** CPU near 95% once the device runs another version, or reloaded, after the fault was set. */
  cpuHighAfterUpgrade?: boolean;
  /** The routing table is smaller after an upgrade (same trigger as cpuHighAfterUpgrade). */
  fewerRoutesAfterUpgrade?: boolean;
  /** An uplink interface is down after an upgrade (same trigger as cpuHighAfterUpgrade). */
  interfaceDownAfterUpgrade?: boolean;
  /** Delay before each command's output. */
  commandLatencyMs?: number;
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
  /** File name (without `flash:`) of the image the device booted (the system image where there is a kickstart). */
  runningImage: string;
  /** Kickstart + system platforms: the kickstart image it booted, and the kickstart boot variable saved for the next reload. */
  runningKickstart?: string;
  savedKickstartBootVariables?: string[];
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
  platform?: LabPlatform;
  /** INSTALL-mode devices: the version packages.conf boots. */
  installedVersion?: string;
  /** INSTALL-mode devices: SMU files (names on flash) activated and committed on the running release. */
  activeSmus?: string[];
  /** `alias exec` entries (`<name> <command>`) of the running and of the startup configuration. */
  aliases?: string[];
  savedAliases?: string[];
  /** Faults in effect (only the ones switched on). */
  faults?: Partial<LabFaults>;
  /**
   * The device's SSH host key (its own, kept in the lab state folder) and the authentication
   * attempts its SSH server received since the lab started (password, keyboard-interactive, other).
   */
  ssh?: { hostKey: { fingerprint: string; keyType: string }; authAttempts: { password: number; keyboardInteractive: number; other: number } };
}

export interface LabDevice {
  readonly hostname: string;
  readonly address: string;
  /** The port the SSH server actually listens on. */
  readonly port: number;
  readonly spec: DeviceSpec;
  state(): DeviceStateView;
  setFaults(faults: Partial<LabFaults>): void;
  /** The faults in effect now. */
  faults?(): LabFaults;
  /** Alters a flash file's bytes in place (flash damaged after a verified copy); false when absent. */
  damageFile(name: string): boolean;
  /** Changes the flash capacity at run time (the "flash too small" fault). */
  setFlashSize(bytes: number): void;
}

export interface Lab {
  readonly devices: LabDevice[];
  /** Base URL of the lab control API (`http://127.0.0.1:<port>`) when LabOptions.controlPort was given. */
  readonly controlUrl?: string;
  device(hostname: string): LabDevice;
  stop(): Promise<void>;
}

export interface LabOptions {
  /** Folder that keeps each device's flash, boot variables and running image across restarts. */
  stateDir: string;
  devices: DeviceSpec[];
  /** Sees what happens in the lab (devices started, reloads, copy progress), e.g. to log it. */
  onEvent?: (event: LabEvent) => void;
  /** Starts the lab control HTTP API on 127.0.0.1 at this port (0: any free port). */
  controlPort?: number;
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
