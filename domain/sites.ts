// The site tree, Catalyst Center style: Global holds areas; areas nest and hold buildings; a
// building holds floors. Paths are `Global/<area>/…/<building>/<floor>` (domain/golden.ts checks
// their spelling); this module says which kind of site may sit under which.
import { parseSitePath, SITE_ROOT } from './golden.ts';

export const SITE_KINDS = ['area', 'building', 'floor'] as const;
export type SiteKind = (typeof SITE_KINDS)[number];
export type StoredSiteKind = SiteKind | 'global';

const ALLOWED_PARENTS: Record<SiteKind, readonly StoredSiteKind[]> = {
  area: ['global', 'area'],
  building: ['global', 'area'],
  floor: ['building'],
};

/** The parent path of a site; undefined for Global. */
export function parentSitePath(path: string): string | undefined {
  const segments = parseSitePath(path);
  return segments.length > 1 ? segments.slice(0, -1).join('/') : undefined;
}

/** Every path from Global down to `path`, e.g. Global, Global/EMEA, Global/EMEA/Paris. */
export function siteLineage(path: string): string[] {
  const segments = parseSitePath(path);
  return segments.map((_, i) => segments.slice(0, i + 1).join('/'));
}

/** Why a site of `kind` cannot sit under a parent of `parentKind` (undefined: it can). */
export function siteKindRefusal(path: string, kind: SiteKind, parentKind: StoredSiteKind): string | undefined {
  if (ALLOWED_PARENTS[kind].includes(parentKind)) return undefined;
  const parent = parentSitePath(path) ?? SITE_ROOT;
  return `a ${kind} cannot be placed under ${parent}, which is a ${parentKind}: a ${kind} goes under ${ALLOWED_PARENTS[kind].join(' or ')}`;
}
