// Compliance: does a device run its golden image?
//   compliant  — it runs the golden base image's version (and, when its boot file is a bundle
//                `.bin`, that very file; install mode boots `packages.conf`, so only the version counts)
//   outdated   — it runs something else; says which golden image it should run and whether getting
//                there is an upgrade, a downgrade or a change of image at the same version
//   no-golden  — no golden base image applies to its family / role / site
//   unknown    — its running version is not known yet (never inventoried), or cannot be read
import { resolveGolden, type GoldenDevice, type GoldenImage, type GoldenResolution, type GoldenTag } from './golden.ts';
import { compareVersions, comparableVersions, parseCiscoVersion, sameVersion } from './version.ts';

export interface ComplianceDevice extends GoldenDevice {
  runningVersion?: string;
  /** Boot file name as inventory read it, e.g. cat9k_iosxe.17.09.04a.SPA.bin or packages.conf. */
  runningImage?: string;
}

export type ComplianceStatus = 'compliant' | 'outdated' | 'no-golden' | 'unknown';

export type Compliance =
  | { status: 'compliant'; golden: GoldenResolution; reason: string }
  | {
      status: 'outdated';
      golden: GoldenResolution;
      /** The image the device should run. */
      target: GoldenImage;
      direction: 'upgrade' | 'downgrade' | 'same-version';
      reason: string;
    }
  | { status: 'no-golden'; reason: string }
  | { status: 'unknown'; golden?: GoldenResolution; reason: string };

const isBundleFile = (name: string): boolean => /\.(bin|tar|qcow2)$/i.test(name);

function sameRelease(a: string, b: string): boolean | undefined {
  if (sameVersion(a, b)) return true;
  try {
    const va = parseCiscoVersion(a);
    const vb = parseCiscoVersion(b);
    if (!comparableVersions(va, vb)) return false;
    return compareVersions(va, vb) === 0;
  } catch {
    return undefined;
  }
}

/** Classifies one device against its golden resolution (from resolveGolden; undefined = none). */
export function classifyDevice(device: ComplianceDevice, golden: GoldenResolution | undefined): Compliance {
  const running = device.runningVersion?.trim();
  if (!golden) {
    return { status: 'no-golden', reason: `no golden image for family ${device.family}${device.role ? `, role ${device.role}` : ''}${device.site ? `, site ${device.site}` : ''}` };
  }
  const target = golden.base;
  if (!running) return { status: 'unknown', golden, reason: 'running version not known yet (no inventory)' };
  const same = sameRelease(running, target.version);
  if (same === undefined) {
    return { status: 'unknown', golden, reason: `cannot compare running version ${running} with golden ${target.version}` };
  }
  if (same) {
    const image = device.runningImage?.trim();
    if (image && isBundleFile(image) && image !== target.fileName) {
      return {
        status: 'outdated',
        golden,
        target,
        direction: 'same-version',
        reason: `runs ${image}, golden is ${target.fileName} (same version ${target.version})`,
      };
    }
    return { status: 'compliant', golden, reason: `runs golden ${target.version}` };
  }
  let direction: 'upgrade' | 'downgrade' = 'upgrade';
  try {
    direction = compareVersions(running, target.version) > 0 ? 'downgrade' : 'upgrade';
  } catch {
    // Different lineages (e.g. IOS to IOS-XE 3.x): moving to the golden image is still an upgrade.
  }
  return { status: 'outdated', golden, target, direction, reason: `runs ${running}, golden is ${target.version} (${target.fileName})` };
}

/** Resolves and classifies each device; a conflict in the stored tags makes that device unknown. */
export function classifyDevices<D extends ComplianceDevice>(
  devices: readonly D[],
  tags: readonly GoldenTag[],
  images: readonly GoldenImage[],
): { device: D; compliance: Compliance }[] {
  return devices.map((device) => {
    let golden: GoldenResolution | undefined;
    try {
      golden = resolveGolden(device, tags, images);
    } catch (e) {
      return { device, compliance: { status: 'unknown', reason: (e as Error).message } };
    }
    return { device, compliance: classifyDevice(device, golden) };
  });
}

/**
 * Whether a device runs `image`: a bundle boot file is that very file; an install-mode device
 * (`packages.conf`) runs it when the versions match and the image applies to the device's family.
 */
export function runsImage(
  device: { runningVersion?: string; runningImage?: string; family?: string },
  image: Pick<GoldenImage, 'fileName' | 'version' | 'families'>,
): boolean {
  const file = device.runningImage?.trim();
  if (!file || !device.runningVersion) return false;
  if (isBundleFile(file)) return file === image.fileName;
  const familyFits = !image.families?.length || (device.family !== undefined && image.families.includes(device.family));
  return familyFits && image.version !== '' && sameRelease(device.runningVersion, image.version) === true;
}
