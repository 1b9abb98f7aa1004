// Sites and golden images: which image a device should run, and which golden tags are allowed.
//
// Site paths follow Catalyst Center's hierarchy, `Global/Area/Building/Floor`: always rooted at
// `Global`, separated by `/`. Areas may nest (`Global/EMEA/France/Paris-HQ/Floor-1`), so the model
// does not fix the number of levels; it fixes only the root and what a segment may contain.
//
// A golden tag says "image I is golden for family F", optionally narrowed to a device role and to a
// site (and every site below it). Resolution for one device:
//   1. candidate base tags: same family; the tag's site is the device's site or one of its
//      ancestors (no site = Global); the tag's role is absent or equal to the device's role
//      (roles count only for physical devices — a virtual device sees role-less tags only);
//   2. the deepest site wins (Global < Area < Building < Floor): a site tag is a deliberate local
//      override of everything above it;
//   3. at the same site depth, a role-specific tag wins over a role-less one;
//   4. two different images left at the very same scope is a conflict the validation rules
//      prevent; if stored data has one anyway, resolution refuses (GoldenConflictError) rather
//      than pick one.
// Golden add-ons (SMU, APSP, APDP) of the winning base image are added when their own tag's scope
// covers the device (same family, site ancestor-or-self, role absent or equal). A ROMMON tag is
// resolved separately with the same precedence.
import type { ImageType } from './image-name.ts';

export const DEVICE_ROLES = ['ACCESS', 'DISTRIBUTION', 'CORE', 'BORDER ROUTER'] as const;
export type DeviceRole = (typeof DEVICE_ROLES)[number];

export function isDeviceRole(value: string): value is DeviceRole {
  return (DEVICE_ROLES as readonly string[]).includes(value);
}

export const SITE_ROOT = 'Global';
/** Letters, digits, space and . _ - ( ) & ' , — no slash, no control characters. */
const SITE_SEGMENT = /^[\p{L}\p{N}][\p{L}\p{N} ._&'(),-]{0,79}$/u;
const MAX_SITE_DEPTH = 12;

export class SitePathError extends Error {
  constructor(path: string, problem: string) {
    super(`site path ${JSON.stringify(path)} is not valid: ${problem}`);
    this.name = 'SitePathError';
  }
}

/** Splits and checks a site path; `Global/EMEA/Paris/Floor-1` → ['Global', 'EMEA', 'Paris', 'Floor-1']. */
export function parseSitePath(path: string): string[] {
  const segments = path.split('/').map((s) => s.trim());
  if (segments[0] !== SITE_ROOT) throw new SitePathError(path, `it must start with ${SITE_ROOT}`);
  if (segments.length > MAX_SITE_DEPTH) throw new SitePathError(path, `at most ${MAX_SITE_DEPTH} levels`);
  for (const s of segments) {
    if (!SITE_SEGMENT.test(s)) {
      throw new SitePathError(path, `segment ${JSON.stringify(s)} must be 1-80 letters, digits, spaces or . _ & ' ( ) , -`);
    }
  }
  return segments;
}

/** Canonical spelling: segments trimmed, joined by `/`. */
export function normalizeSitePath(path: string): string {
  return parseSitePath(path).join('/');
}

/** 0 for Global, 1 for an area directly below it, … */
export function siteDepth(path: string | undefined): number {
  return path === undefined ? 0 : parseSitePath(path).length - 1;
}

/** Whether `site` is `ancestor` or lies below it (no ancestor = Global, which holds every site). */
export function siteWithin(site: string, ancestor: string | undefined): boolean {
  if (ancestor === undefined) return true;
  const s = parseSitePath(site);
  const a = parseSitePath(ancestor);
  return a.length <= s.length && a.every((seg, i) => seg === s[i]);
}

export interface GoldenTag {
  imageId: string;
  imageType: ImageType;
  family: string;
  role?: DeviceRole;
  /** Site path; absent means Global. */
  site?: string;
}

/** What golden resolution needs to know about an image in the repository. */
export interface GoldenImage {
  imageId: string;
  imageType: ImageType;
  fileName: string;
  version: string;
  /** Families the image applies to; absent or empty means any. */
  families?: string[];
  /** For SMU / APSP / APDP: the base image it patches. */
  baseImageId?: string;
}

export interface GoldenDevice {
  family: string;
  role?: DeviceRole;
  /** Site path; absent means the device is not placed yet (only Global tags apply). */
  site?: string;
  /** False for virtual devices (C8000V, CSR1000V, C9800-CL…): role tags do not apply. Default true. */
  physical?: boolean;
}

export interface GoldenResolution {
  /** The tag that won, for showing why. */
  tag: GoldenTag;
  base: GoldenImage;
  /** Golden SMUs / AP packs of `base` that apply to the device. */
  addOns: GoldenImage[];
  /** A golden ROMMON for the device, if any. */
  rommon?: GoldenImage;
  /** NX-OS kickstart + system: the kickstart image linked to `base` (it comes with its system image, untagged). */
  kickstart?: GoldenImage;
}

export class GoldenConflictError extends Error {
  constructor(tags: GoldenTag[]) {
    const scope = describeScope(tags[0]!);
    super(`conflicting golden tags at ${scope}: ${tags.map((t) => t.imageId).join(', ')}`);
    this.name = 'GoldenConflictError';
  }
}

export const ADD_ON_TYPES: readonly ImageType[] = ['SMU', 'APSP', 'APDP'];
const isAddOn = (t: ImageType): boolean => ADD_ON_TYPES.includes(t);

export function describeScope(tag: Pick<GoldenTag, 'family' | 'role' | 'site'>): string {
  return `family ${tag.family}, ${tag.role ? `role ${tag.role}` : 'any role'}, site ${tag.site ?? SITE_ROOT}`;
}

const sameScope = (a: GoldenTag, b: GoldenTag): boolean =>
  a.family === b.family && a.role === b.role && (a.site ?? SITE_ROOT) === (b.site ?? SITE_ROOT);

/** Whether a tag's scope covers a device (family, role for physical devices, site ancestor-or-self). */
export function tagApplies(tag: GoldenTag, device: GoldenDevice): boolean {
  if (tag.family !== device.family) return false;
  if (tag.role !== undefined) {
    if (device.physical === false || device.role !== tag.role) return false;
  }
  if (tag.site === undefined) return true;
  if (device.site === undefined) return false;
  return siteWithin(device.site, tag.site);
}

/** The most specific of `tags` for the device, by the precedence at the top of this file. */
function mostSpecific(tags: GoldenTag[]): GoldenTag | undefined {
  let best: GoldenTag[] = [];
  let bestRank = -1;
  for (const tag of tags) {
    const rank = siteDepth(tag.site) * 2 + (tag.role ? 1 : 0);
    if (rank > bestRank) {
      best = [tag];
      bestRank = rank;
    } else if (rank === bestRank) {
      best.push(tag);
    }
  }
  const distinct = best.filter((t, i) => best.findIndex((u) => u.imageId === t.imageId) === i);
  if (distinct.length > 1) throw new GoldenConflictError(distinct);
  return best[0];
}

/**
 * The golden base image for a device (plus its golden add-ons and ROMMON), or undefined when no
 * golden base tag applies. Tags whose image is not in `images` are ignored.
 */
export function resolveGolden(
  device: GoldenDevice,
  tags: readonly GoldenTag[],
  images: readonly GoldenImage[],
): GoldenResolution | undefined {
  const byId = new Map(images.map((i) => [i.imageId, i]));
  const applicable = tags.filter((t) => byId.has(t.imageId) && tagApplies(t, device));
  const rommonTag = mostSpecific(applicable.filter((t) => t.imageType === 'ROMMON'));
  const rommon = rommonTag ? byId.get(rommonTag.imageId) : undefined;
  const baseTag = mostSpecific(applicable.filter((t) => t.imageType === 'base'));
  if (!baseTag) return undefined;
  const base = byId.get(baseTag.imageId)!;
  const addOns: GoldenImage[] = [];
  for (const t of applicable) {
    const image = byId.get(t.imageId)!;
    if (isAddOn(t.imageType) && image.baseImageId === base.imageId && !addOns.some((a) => a.imageId === image.imageId)) {
      addOns.push(image);
    }
  }
  addOns.sort((a, b) => (a.fileName < b.fileName ? -1 : a.fileName > b.fileName ? 1 : 0));
  const kickstart = kickstartOf(base, images);
  return { tag: baseTag, base, addOns, ...(rommon ? { rommon } : {}), ...(kickstart ? { kickstart } : {}) };
}

/** The kickstart image linked to a system image (undefined when none is; two linked is a conflict). */
export function kickstartOf(system: Pick<GoldenImage, 'imageId' | 'fileName'>, images: readonly GoldenImage[]): GoldenImage | undefined {
  const linked = images.filter((i) => i.imageType === 'kickstart' && i.baseImageId === system.imageId);
  if (linked.length > 1) throw new Error(`${system.fileName} has ${linked.length} kickstart images linked (${linked.map((k) => k.fileName).join(', ')}): unlink all but one (PATCH /images/<id> {"baseImageId": null})`);
  return linked[0];
}

export interface GoldenContext {
  images: readonly GoldenImage[];
  /** The golden tags that exist now. */
  tags: readonly GoldenTag[];
  /** Families known to be virtual (no physical hardware, so no roles). */
  virtualFamilies?: readonly string[];
}

export interface GoldenTagRefusal {
  /** `invalid`: the tag is wrong for this image on its own; `conflict`: it clashes with existing tags. */
  kind: 'invalid' | 'conflict';
  reason: string;
}

/** Why this tag may not be added, and of which kind; undefined when it may (an identical existing tag is a no-op). */
export function classifyGoldenTag(tag: GoldenTag, ctx: GoldenContext): GoldenTagRefusal | undefined {
  const invalid = invalidGoldenTag(tag, ctx);
  if (invalid) return { kind: 'invalid', reason: invalid };
  const conflict = conflictingGoldenTag(tag, ctx);
  return conflict ? { kind: 'conflict', reason: conflict } : undefined;
}

/** Why this tag may not be added; undefined when it may (an identical existing tag is a no-op). */
export function goldenTagRefusal(tag: GoldenTag, ctx: GoldenContext): string | undefined {
  return classifyGoldenTag(tag, ctx)?.reason;
}

/** What is wrong with the tag whatever else is golden: image, type, family, role, site, base link. */
function invalidGoldenTag(tag: GoldenTag, ctx: GoldenContext): string | undefined {
  const image = ctx.images.find((i) => i.imageId === tag.imageId);
  if (!image) return `image ${tag.imageId} is not in the repository`;
  if (image.imageType !== tag.imageType) {
    return `image ${image.fileName} is a ${image.imageType} image, not ${tag.imageType}`;
  }
  if (tag.family.trim() === '') return 'a golden tag needs a device family';
  if (image.imageType === 'kickstart') {
    return `${image.fileName} is a kickstart image: it comes with the system image of its release, so tag that system image golden instead`;
  }
  if (image.imageType === 'subpackage') {
    return `${image.fileName} is a subpackage: subpackages are installed as part of their bundle and can never be golden`;
  }
  if (image.families && image.families.length > 0 && !image.families.includes(tag.family)) {
    return `${image.fileName} does not apply to family ${tag.family} (it applies to ${image.families.join(', ')})`;
  }
  if (tag.role !== undefined) {
    if (!isDeviceRole(tag.role)) return `role ${JSON.stringify(tag.role)} is not one of ${DEVICE_ROLES.join(', ')}`;
    if (ctx.virtualFamilies?.includes(tag.family)) {
      return `family ${tag.family} is virtual: device roles apply to physical devices only`;
    }
  }
  if (tag.site !== undefined) {
    try {
      parseSitePath(tag.site);
    } catch (e) {
      return (e as Error).message;
    }
  }
  if (isAddOn(image.imageType) && !image.baseImageId) return `${image.fileName} is a ${image.imageType} not attached to a base image`;
  return undefined;
}

/** How a valid tag clashes with the golden tags already there: base not golden, another image in its place. */
function conflictingGoldenTag(tag: GoldenTag, ctx: GoldenContext): string | undefined {
  const image = ctx.images.find((i) => i.imageId === tag.imageId);
  if (!image) return undefined;
  if (ctx.tags.some((t) => t.imageId === tag.imageId && sameScope(t, tag))) return undefined;
  if (isAddOn(image.imageType)) {
    const baseGolden = ctx.tags.some((t) => t.imageType === 'base' && t.imageId === image.baseImageId && sameScope(t, tag));
    if (!baseGolden) {
      const baseName = ctx.images.find((i) => i.imageId === image.baseImageId)?.fileName ?? image.baseImageId;
      return `a ${image.imageType} can be golden only where its base image is golden: ${baseName} is not golden for ${describeScope(tag)}`;
    }
    return undefined;
  }
  const rival = ctx.tags.find((t) => t.imageType === image.imageType && sameScope(t, tag));
  if (rival) {
    const rivalName = ctx.images.find((i) => i.imageId === rival.imageId)?.fileName ?? rival.imageId;
    return `${rivalName} is already the golden ${image.imageType} image for ${describeScope(tag)}: untag it first`;
  }
  return undefined;
}

/** Why this tag may not be removed; undefined when it may. A base tag keeps its golden add-ons. */
export function untagRefusal(tag: GoldenTag, ctx: GoldenContext): string | undefined {
  if (tag.imageType !== 'base') return undefined;
  const dependants = ctx.tags.filter(
    (t) => isAddOn(t.imageType) && sameScope(t, tag) && ctx.images.find((i) => i.imageId === t.imageId)?.baseImageId === tag.imageId,
  );
  if (dependants.length === 0) return undefined;
  const names = dependants.map((d) => ctx.images.find((i) => i.imageId === d.imageId)?.fileName ?? d.imageId);
  return `golden add-ons depend on it at ${describeScope(tag)}: untag ${names.join(', ')} first`;
}

/** Why an image may not be deleted (it is golden somewhere); undefined when it may. */
export function imageDeletionRefusal(imageId: string, tags: readonly GoldenTag[]): string | undefined {
  const where = tags.filter((t) => t.imageId === imageId);
  if (where.length === 0) return undefined;
  return `image ${imageId} is golden for ${where.map(describeScope).join('; ')}: untag it first`;
}
