// Whether an image fits a device, and whether installing it is a downgrade. A wrong image copied,
// set as the boot image and reloaded is an outage: what cannot be shown to fit is refused, with
// both sides named. Used by POST /upgrades, by campaigns for each device, and by the upgrade
// workflow once its inventory has read what the device really runs.
import { describeImageFileName } from './image-name.ts';
import { driverFor, type OsFamily } from '../drivers/index.ts';
import { comparableVersions, compareVersions, parseCiscoVersion } from './version.ts';

/**
 * The device families each Cisco image platform (the first part of its file name) runs on. A
 * platform missing here fits only the families an operator assigned to the image.
 */
const PLATFORM_FAMILIES: Record<string, readonly string[]> = {
  cat9k: ['cat9300', 'cat9400', 'cat9500', 'cat9600'],
  cat9k_lite: ['cat9200'],
  c9800: ['c9800', 'c9800cl'],
  cat3k: ['cat3850'],
  c2960x: ['cat2960x'],
  cat4500e: ['cat4948'],
  c1900: ['isr1900'],
  c2900: ['isr2900'],
  c3900: ['isr3900'],
  isr4300: ['isr4300'],
  isr4400: ['isr4400'],
  asr1000: ['asr1000'],
  asr1000rpx86: ['asr1000'],
  // The fixed-configuration ASRs have images of their own (asr1001x-universalk9.17.09.04a.SPA.bin).
  asr1001: ['asr1000'],
  asr1001x: ['asr1000'],
  asr1002x: ['asr1000'],
  c8000v: ['c8000v'],
  csr1000v: ['csr1000v'],
  nxos: ['n9k', 'n3k'],
  nxos64: ['n9k', 'n3k'],
  // Kickstart + system pairs (n5000-uk9-kickstart.7.3.8.N1.1.bin with n5000-uk9.7.3.8.N1.1.bin).
  n3000: ['n3k'],
  n5000: ['n5k'],
  n6000: ['n6k'],
};

const IMAGE_OS: Record<'ios' | 'iosxe' | 'nxos' | 'eos', OsFamily> = { ios: 'ios', iosxe: 'ios-xe', nxos: 'nx-os', eos: 'eos' };


export interface FitImage {
  fileName: string;
  /** Families an operator assigned (PATCH /images/:id); empty when none. */
  families: readonly string[];
}

/** The network OS an image runs, read from its Cisco file name; undefined when the name is not one. */
export function osOfImage(fileName: string): OsFamily | undefined {
  const info = describeImageFileName(fileName);
  return info && IMAGE_OS[info.os];
}

/** The families an image runs on: the assigned ones, else those its file name's platform is known for. */
export function familiesOfImage(image: FitImage): readonly string[] | undefined {
  if (image.families.length > 0) return image.families;
  const info = describeImageFileName(image.fileName);
  if (!info) return undefined;
  const lite = info.platform === 'cat9k' && info.featureSet?.startsWith('lite');
  return PLATFORM_FAMILIES[lite ? 'cat9k_lite' : info.platform];
}

/**
 * Why `image` does not fit a device of `family` (as inventory read it, or as registered), or
 * undefined when it does. A device whose family is not known yet is checked by the workflow
 * against the OS it reads (osMismatch); an image whose families cannot be told is refused.
 */
export function familyMismatch(device: { hostname: string; family: string | null }, image: FitImage): string | undefined {
  if (!device.family) return undefined;
  const families = familiesOfImage(image);
  if (!families) {
    return `netswim cannot tell which devices ${image.fileName} runs on: assign its families (PATCH /images/<id> {"families": ["${device.family}"]})`;
  }
  if (!families.includes(device.family)) {
    return `${image.fileName} is an image for ${families.join(', ')}; ${device.hostname} is a ${device.family}`;
  }
  return undefined;
}

/** Why the image's OS is not the one the device runs, or undefined (also when the name tells no OS). */
export function osMismatch(hostname: string, deviceOs: OsFamily, fileName: string): string | undefined {
  const imageOs = osOfImage(fileName);
  if (!imageOs || imageOs === deviceOs) return undefined;
  return `${fileName} is an ${driverFor(imageOs).label} image; ${hostname} runs ${driverFor(deviceOs).label}`;
}

export type UpgradeDirection = 'upgrade' | 'downgrade' | 'same' | 'unknown';

/** Whether going from `running` to `target` is an upgrade, a downgrade, the same release, or cannot be told. */
export function upgradeDirection(running: string | null | undefined, target: string): UpgradeDirection {
  if (!running) return 'unknown';
  try {
    const a = parseCiscoVersion(running);
    const b = parseCiscoVersion(target);
    if (!comparableVersions(a, b)) return 'unknown';
    const order = compareVersions(b, a);
    return order < 0 ? 'downgrade' : order > 0 ? 'upgrade' : 'same';
  } catch {
    return 'unknown';
  }
}

/** The refusal of a downgrade that was not asked for explicitly. */
export function downgradeRefusal(hostname: string, running: string, target: string): string {
  return `${target} is a downgrade from ${running}, which ${hostname} runs: refused unless the request says allowDowngrade: true (CLI --allow-downgrade)`;
}

/** What a kickstart + system pair check needs of an image: its file name, type and release. */
export interface PairImage {
  fileName: string;
  imageType: string;
  version: string;
}

/**
 * Why `kickstart` cannot go with `system`, or undefined: it must be a kickstart image, the system
 * image must not be one, and both must be of one platform and one release (a kickstart of another
 * release does not boot the system image: the switch stops at its loader).
 */
export function kickstartPairMismatch(system: PairImage, kickstart: PairImage): string | undefined {
  if (kickstart.imageType !== 'kickstart') return `${kickstart.fileName} is a ${kickstart.imageType} image, not a kickstart image`;
  if (system.imageType === 'kickstart') return `${system.fileName} is a kickstart image: the upgrade's image is the system image, the kickstart goes with it`;
  if (kickstart.version !== system.version) {
    return `kickstart ${kickstart.fileName} is release ${kickstart.version}, system ${system.fileName} is ${system.version}: a kickstart boots only the system image of its own release`;
  }
  const platformOf = (name: string) => describeImageFileName(name)?.platform;
  const [k, s] = [platformOf(kickstart.fileName), platformOf(system.fileName)];
  if (k && s && k !== s) return `kickstart ${kickstart.fileName} is for ${k}, system ${system.fileName} for ${s}`;
  return undefined;
}

/**
 * Why the images offered do not suit how the device boots, or undefined: a device that booted a
 * kickstart image (show version's `kickstart image file is:`) takes only a kickstart + system
 * pair, a device that boots one image never gets a pair.
 */
export function bootStyleMismatch(hostname: string, runningKickstart: string | undefined, offered: { system: string; kickstart?: string }): string | undefined {
  if (runningKickstart && !offered.kickstart) {
    return `${hostname} boots kickstart ${runningKickstart} with its system image: it needs a kickstart + system pair, and ${offered.system} comes without a kickstart image (import its kickstart of the same release, or name it with kickstartImageId)`;
  }
  if (!runningKickstart && offered.kickstart) {
    return `${hostname} boots a single image (no kickstart image in show version): it takes no kickstart image, and ${offered.kickstart} was offered with ${offered.system}`;
  }
  return undefined;
}
