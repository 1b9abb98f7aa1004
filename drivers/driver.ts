// What differs between network operating systems, behind one interface (netmiko's one class per
// platform, NAPALM's uniform getters): workflows, activities and checks ask the driver and never
// test the OS name themselves. Drivers are pure data and functions, safe in workflow code.
import type { FlashListing } from '../domain/parsers/dir-flash.ts';
import type { ShowVersion } from '../domain/parsers/show-version.ts';
import type { PrecheckName } from '../domain/prechecks/types.ts';
import type { OsFamily } from './os-family.ts';

/** How a device takes a new image (see domain/upgrade.ts). */
export type ActivationMethod = 'boot-variable' | 'install-add-activate-commit' | 'install-all';

/** An activation command that reloads the device by itself, its questions, and its failure line. */
export interface InstallCommand {
  command: string;
  answers: { prompt: RegExp; reply: string }[];
  /** A line that says the command failed; the device stays as it was. */
  failure: RegExp;
}

export interface PlatformDriver {
  readonly os: OsFamily;
  /** The OS as people write it: `IOS-XE`, `NX-OS`. */
  readonly label: string;
  /** Whether a `show version` output is this OS's; drivers are asked in DRIVERS order. */
  recognises(showVersion: string): boolean;
  /**
   * The file system images are copied to and booted from when the device does not say (its boot
   * image came over the network, or `show version` names none), without the colon.
   */
  readonly defaultBootFilesystem: string;
  /**
   * The file system this device's images live on, without the colon: the one of the image it
   * booted (`bootflash:packages.conf` on an ASR 1000, `flash:cat9k….bin` on a Catalyst 9300,
   * `flash0:` on an ISR 3900), else defaultBootFilesystem.
   */
  bootFilesystemOf(version: Pick<ShowVersion, 'systemImage'>): string;
  /**
   * The image the device runs, as `<fs>:<path>`: the one `show version` names, or on an OS whose
   * `show version` names none (EOS) the one file on `flash` named for the running release, or a
   * DeviceOutputError saying why it cannot be shown; undefined where `show version` names none
   * on a platform that always does (bootImageOf then refuses).
   */
  runningImageOf(version: ShowVersion, flash: FlashListing): string | undefined;
  /**
   * The commands that print the boot list for the next reload (parseShowBoot reads them), tried
   * in order while the device answers `% Invalid input`: classic IOS routers know `show bootvar`,
   * Catalyst access switches on the same IOS only `show boot`.
   */
  readonly bootVariablesCommands: readonly string[];
  /**
   * Whether `reload` leaves unsaved configuration behind (its "Save?" answered no), so that a
   * marker in the running configuration proves, by being gone, that the device reloaded.
   */
  readonly keepsReloadMarker: boolean;
  /**
   * `reload`'s questions and netswim's replies: unsaved changes are not saved (setBootVariables
   * saved what netswim changed), the reload is confirmed.
   */
  readonly reloadAnswers: readonly { prompt: RegExp; reply: string }[];
  /**
   * The configuration command that defines an exec alias, the reload marker's carrier: `alias
   * exec` on Cisco, `alias` on EOS (where `alias exec …` would define an alias named "exec").
   */
  readonly aliasCommand: string;
  /** How many `boot system` entries the device keeps: EOS boots one image, so no fallback entry. */
  readonly maxBootEntries: number;
  /** The line `write memory` prints once the configuration is saved. */
  readonly saveConfirmed: RegExp;
  /** Whether netswim may delete unused images on its own to make room (flash cleanup). */
  readonly autoCleanup: boolean;
  /**
   * The readiness precheck commands, in the order the activity runs them; [] where the check runs
   * none (its check function then decides, or it builds its own probe).
   */
  readonly precheckCommands: Record<PrecheckName, readonly string[]>;
  /** Checks that do not apply on this OS, with the reason the result gives; not run at all. */
  readonly inapplicablePrechecks: Partial<Record<PrecheckName, string>>;
  activationMethod(installMode: 'INSTALL' | 'BUNDLE' | undefined): ActivationMethod;
  /**
   * The command of an activation method that reloads by itself; undefined for the boot variable.
   * `kickstart`: the kickstart image installed with `fileName` (the system image), where the
   * platform boots two images; undefined where it has no such command.
   */
  installCommand(method: ActivationMethod, filesystem: string, fileName: string, kickstart?: string): InstallCommand | undefined;
}
