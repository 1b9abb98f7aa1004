// Which distribution servers a site uses. A site may be assigned a primary and (optionally) a
// secondary server; sites without an assignment inherit from their ancestors.
//
// Primary and secondary are resolved INDEPENDENTLY: the primary comes from the nearest site (the
// site itself, then its parent, … up to Global) whose assignment names one — every assignment does —
// and the secondary from the nearest site whose assignment names a secondary. So a building that
// sets only its own primary keeps the secondary an area above it defines (a regional fallback),
// and `effective` says, for each, which site it comes from. When both resolve to the same server,
// the secondary is dropped (falling back to the server that just failed would be pointless).
// Pure: no I/O; the store supplies the assignments.
import { siteLineage } from './sites.ts';

export interface SiteAssignment<S = string> {
  /** Site path the assignment is made on. */
  site: string;
  primary: S;
  secondary?: S;
}

export interface EffectiveServer<S = string> {
  server: S;
  /** The site whose assignment this comes from (the site itself or an ancestor). */
  site: string;
}

export interface EffectiveDistribution<S = string> {
  primary?: EffectiveServer<S>;
  secondary?: EffectiveServer<S>;
}

/**
 * The servers devices at `site` use: nearest assignment on the site or its ancestors, primary and
 * secondary resolved independently (see above). `same` decides when two servers are one.
 */
export function effectiveDistribution<S>(
  site: string,
  assignments: readonly SiteAssignment<S>[],
  same: (a: S, b: S) => boolean = (a, b) => a === b,
): EffectiveDistribution<S> {
  const bySite = new Map(assignments.map((a) => [a.site, a]));
  const nearestFirst = siteLineage(site).reverse();
  const result: EffectiveDistribution<S> = {};
  for (const path of nearestFirst) {
    const assigned = bySite.get(path);
    if (!assigned) continue;
    result.primary ??= { server: assigned.primary, site: path };
    if (assigned.secondary !== undefined) result.secondary ??= { server: assigned.secondary, site: path };
    if (result.primary && result.secondary) break;
  }
  if (result.primary && result.secondary && same(result.primary.server, result.secondary.server)) delete result.secondary;
  return result;
}

/** Whether a device at `deviceSite` is placed at `site` or below it. */
export function siteCovers(site: string, deviceSite: string): boolean {
  return deviceSite === site || deviceSite.startsWith(`${site}/`);
}
