// A device's site distribution servers, inside activities only: which servers its site (or the
// nearest ancestor) names, opened with their passwords here and nowhere else; staging the image
// onto them from netswim's image store (once per server: skipped when the same checksum is
// there); and the sources a device copies from, in order. Inputs and results carry names and
// display URLs (password as ***), never credentials: they are recorded in workflow history.
import { Context } from '@temporalio/activity';
import { ApplicationFailure, CancelledFailure } from '@temporalio/common';
import {
  checkRootLocation,
  deviceSourceUrl,
  stageImage,
  type DistributionServer,
  type StageResult,
} from '../distribution/site-servers.ts';
import { SharedWork } from '../distribution/shared-work.ts';
import { effectiveDistribution } from '../domain/site-distribution.ts';
import type { ImageRef } from '../domain/upgrade.ts';
import type { ImageStore } from '../images/image-store.ts';
import type { Logger } from '../runtime/logger.ts';
import type { Queryable } from '../store/database.ts';
import { getDevice, type DeviceRecord } from '../store/devices.ts';
import { listSiteAssignments, openDistributionServer } from '../store/distribution-servers.ts';
import type { SecretBox } from '../store/secret-box.ts';

export interface SiteDistributionDeps {
  db: Queryable;
  secretBox: SecretBox;
  imageStore: ImageStore;
  logger: Logger;
}

export type ServerRole = 'primary' | 'secondary';

/** One of the device's site servers, opened (password included): never leaves the activity. */
export interface SiteServer {
  role: ServerRole;
  name: string;
  /** The site whose assignment names it. */
  site: string;
  server: DistributionServer & { id: string };
  /** Why this device may not use it (wireless controller and a root location too long). */
  refusal?: string;
}

export interface StageOnSiteServersRequest {
  deviceId: string;
  image: ImageRef;
}

export interface StagedOnServer {
  name: string;
  role: ServerRole;
  site: string;
  /** Where devices copy it from, password as ***. */
  url: string;
  /** The same image was already there: nothing moved. */
  skipped: boolean;
  /** Bytes this attempt sent (less than the size when it resumed a dropped upload). */
  bytes: number;
  resumedFrom: number;
  /** Why it could not be staged (unreachable, login refused, refused for this device): devices fall back. */
  error?: string;
}

export interface StageOnSiteServersResult {
  site: string;
  servers: StagedOnServer[];
  /** One line for the upgrade's event log. */
  summary: string;
}

export interface StagingProgress {
  server: string;
  bytes: number;
  totalBytes: number;
  percent: number;
}

/** Replaces a server's password (raw and URL-encoded) in any text that leaves the activity. */
export function scrubSecret(text: string, password: string | undefined): string {
  if (!password) return text;
  return [password, encodeURIComponent(password)].reduce((out, secret) => out.split(secret).join('***'), text);
}

/** The wireless-controller rule for one device and one server; undefined when the device may use it. */
export function rootLocationRefusal(device: Pick<DeviceRecord, 'family' | 'platform'>, rootLocation: string): string | undefined {
  for (const family of [device.family, device.platform]) {
    if (!family) continue;
    const check = checkRootLocation(family, rootLocation);
    if (!check.ok) return check.reason;
  }
  return undefined;
}

/** The device's effective primary and secondary servers, opened, each with the wireless rule applied. */
export async function siteServersOf(db: Queryable, box: SecretBox, device: DeviceRecord): Promise<SiteServer[]> {
  const effective = effectiveDistribution(device.site, await listSiteAssignments(db));
  const servers: SiteServer[] = [];
  for (const role of ['primary', 'secondary'] as const) {
    const chosen = effective[role];
    if (!chosen) continue;
    const server = await openDistributionServer(db, box, chosen.server);
    if (!server) continue;
    const refusal = rootLocationRefusal(device, server.rootLocation);
    servers.push({ role, name: server.name, site: chosen.site, server, ...(refusal ? { refusal } : {}) });
  }
  return servers;
}

/**
 * One staging per server and image at a time in this worker: concurrent upgrades at one site share
 * it, and it stops only when every upgrade waiting on it was cancelled.
 */
const stagings = new SharedWork<StageResult, { bytes: number }>(() => ({ bytes: 0 }));

function megabytes(bytes: number): string {
  return `${(bytes / 1048576).toFixed(1)} MiB`;
}

function describe(result: StageOnSiteServersResult): string {
  if (result.servers.length === 0) return `no distribution server for ${result.site}: the device copies from netswim's image service`;
  const parts = result.servers.map((s) => {
    const what = s.error
      ? `not staged (${s.error})`
      : s.skipped
        ? 'already there (same SHA-256), skipped'
        : `staged ${megabytes(s.bytes)}${s.resumedFrom > 0 ? ` (resumed at ${s.resumedFrom} bytes)` : ''}`;
    return `${s.role} ${s.name} (from ${s.site}): ${what}`;
  });
  return `site servers: ${parts.join('; ')}`;
}

export function createSiteDistributionActivities(deps: SiteDistributionDeps) {
  return {
    /**
     * Puts the image on the device's effective primary and secondary servers, streaming from the
     * image store, unless the same checksum is there already. A server that cannot be reached or
     * refuses is reported in the result (the device then falls back), not thrown. Heartbeats
     * `{server, bytes, totalBytes, percent}`; cancellation aborts the transfer; a retry resumes a
     * dropped upload (stageImage's part file).
     */
    async stageOnSiteServers(request: StageOnSiteServersRequest): Promise<StageOnSiteServersResult> {
      const { image } = request;
      const device = await getDevice(deps.db, request.deviceId);
      if (!device) throw ApplicationFailure.nonRetryable(`device ${request.deviceId} is not in the inventory`, 'UnknownDevice');
      const ctx = Context.current();
      const signal = ctx.cancellationSignal;
      const servers = await siteServersOf(deps.db, deps.secretBox, device);
      const result: StageOnSiteServersResult = { site: device.site, servers: [], summary: '' };
      const progress: StagingProgress = { server: '', bytes: 0, totalBytes: image.sizeBytes, percent: 0 };
      const beat = (): void => ctx.heartbeat(progress);
      const timer = setInterval(beat, 2_000);
      try {
        for (const s of servers) {
          const { password } = s.server;
          const entry: StagedOnServer = { name: s.name, role: s.role, site: s.site, url: '', skipped: false, bytes: 0, resumedFrom: 0 };
          result.servers.push(entry);
          try {
            entry.url = deviceSourceUrl(s.server, image.fileName).display;
          } catch (error) {
            entry.error = scrubSecret((error as Error).message, password);
            continue;
          }
          if (s.refusal) {
            entry.error = s.refusal;
            continue;
          }
          progress.server = s.name;
          progress.bytes = 0;
          progress.percent = 0;
          beat();
          const key = `${s.server.id}/${image.sha256}`;
          const source = { fileName: image.fileName, sha256: image.sha256, sizeBytes: image.sizeBytes, path: deps.imageStore.pathOf(image.sha256) };
          const shared = stagings.join(key, (abort, state) => stageImage(s.server, source, (done) => (state.bytes = done), { signal: abort }), signal);
          const watch = setInterval(() => {
            progress.bytes = shared.state.bytes;
            progress.percent = image.sizeBytes > 0 ? Math.floor((100 * progress.bytes) / image.sizeBytes) : 100;
          }, 250);
          try {
            const staged = await shared.done;
            Object.assign(entry, { skipped: staged.skipped, bytes: staged.bytes, resumedFrom: staged.resumedFrom });
            progress.bytes = image.sizeBytes;
            progress.percent = 100;
            deps.logger.info('image staged on distribution server', { server: s.name, file: image.fileName, skipped: staged.skipped, bytes: staged.bytes });
          } catch (error) {
            if (signal.aborted) throw new CancelledFailure('staging cancelled');
            entry.error = scrubSecret((error as Error).message, password);
            deps.logger.warn('staging on distribution server failed', { server: s.name, file: image.fileName, error: entry.error });
          } finally {
            clearInterval(watch);
          }
        }
      } finally {
        clearInterval(timer);
      }
      result.summary = describe(result);
      return result;
    },
  };
}

export type SiteDistributionActivities = ReturnType<typeof createSiteDistributionActivities>;
