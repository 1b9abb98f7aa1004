// The HTTP API (hono): a thin layer that validates input with zod, checks the caller's role,
// and hands work to the image repository, the records and Temporal.
import { Readable } from 'node:stream';
import type { ReadableStream as WebReadableStream } from 'node:stream/web';
import type { Client } from '@temporalio/client';
import { Hono, type Context } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { EmptyImageError, ImageStoreFullError, ImageTooLargeError, type ImageStore } from '../images/image-store.ts';
import { importImage, InvalidImageNameError } from '../images/import-image.ts';
import type { Logger } from '../runtime/logger.ts';
import type { Database } from '../store/database.ts';
import { addDevice, DuplicateDeviceError, findDeviceByHostname, getDevice, importDevices, listDevices, updateDevice } from '../store/devices.ts';
import { ADD_ON_TYPES, classifyGoldenTag, GoldenConflictError, imageDeletionRefusal, untagRefusal, type GoldenContext, type GoldenTag } from '../domain/golden.ts';
import { KgvFormatError, parseKgv, verifyImage } from '../domain/kgv.ts';
import { addGoldenTag, listGoldenTags, removeGoldenTag, replaceKgv } from '../store/golden.ts';
import { deleteImage, getImage, imageReferences, listImages, setImageIntegrity, updateImage, type ImageRecord } from '../store/images.ts';
import { getSite } from '../store/sites.ts';
import { listFamilies } from '../store/families.ts';
import { listCleanupAudit } from '../store/flash-cleanup-audit.ts';
import type { SecretBox } from '../store/secret-box.ts';
import { requirePermission, type TokenTable } from './auth.ts';
import { asGoldenImage, complianceReport, usingCounts } from './compliance.ts';
import { registerCampaignRoutes } from './campaign-routes.ts';
import { registerInventoryRoutes } from './inventory-routes.ts';
import { parseJson, parseValue, type Env } from './request.ts';
import { registerSiteRoutes } from './sites-routes.ts';
import { registerCheckRoutes } from './checks-routes.ts';
import { registerDistributionRoutes } from './distribution-routes.ts';
import { registerWindowRoutes } from './windows-routes.ts';
import { createUrlImport } from '../store/url-imports.ts';
import { imageImportWorkflowId } from '../workflows/definitions.ts';
import type { imageImport } from '../workflows/image-import.ts';
import { parseImportUrl } from '../images/import-url.ts';
import { literalImportRefusal, type ImportGuard } from '../images/import-guard.ts';
import { readImport } from './import-status.ts';
import {
  CleanupAuditQuery,
  ComplianceQuery,
  DeviceChangesBody,
  describeZodError,
  GoldenTagBody,
  ImageChangesBody,
  UpgradePlanBody,
  HostnameParam,
  ImageIdParam,
  ImageUploadQuery,
  ImageUrlImportBody,
  ImportWorkflowIdParam,
  InventoryImportBody,
  NewDeviceBody,
  NewUpgradeBody,
  WorkflowIdParam,
} from './schemas.ts';
import { ImageDoesNotFitError, ImageIntegrityError, startUpgrade, UpgradeAlreadyRunningError, type StartedUpgrade } from './start-upgrade.ts';
import { readUpgrade } from './upgrade-status.ts';
import { reschedule } from './reschedule.ts';
import { IMMEDIATE_PLAN, itsmPlanRefusal } from '../domain/plan.ts';
import { kickstartPairMismatch, upgradeDirection } from '../domain/image-fit.ts';
import { registerUpgradeListRoutes } from './upgrade-list.ts';
import { registerItsmRoutes, type ItsmRouteConfig } from './itsm-routes.ts';
import { recordOperatorActions } from './audit.ts';
import { registerAuditRoutes } from './audit-routes.ts';
import { deviceView, registerHostKeyRoutes } from './host-key-routes.ts';
import { setHostKey } from '../store/host-keys.ts';

export interface ApiDeps {
  db: Database;
  secretBox: SecretBox;
  imageStore: ImageStore;
  temporal: Client;
  taskQueue: string;
  tokens: TokenTable;
  maxImageBytes: number;
  /** Refuses import URLs at loopback, link-local… addresses and netswim's own services. */
  importGuard: ImportGuard;
  logger: Logger;
  /** Record X-Forwarded-For in the audit log (NETSWIM_API_TRUST_FORWARDED_FOR). */
  trustForwardedFor?: boolean;
  /** ITSM approvals (POST /itsm/callback, GET /itsm/changes); absent when the integration is off. */
  itsm?: ItsmRouteConfig;
}

/**
 * An upload's body as a Node stream, and a way to read and drop the rest of it when the store
 * stops reading (disk full): destroying the stream does not cancel the body (a cancelled body
 * resets the connection, and the client, still sending, never reads the answer).
 */
function uploadBody(body: WebReadableStream<Uint8Array>): { stream: Readable; discardRest(limit: number): Promise<void> } {
  const reader = body.getReader();
  const stream = new Readable({
    read() {
      reader.read().then(
        ({ done, value }) => this.push(done ? null : value),
        (error: Error) => this.destroy(error),
      );
    },
  });
  return {
    stream,
    /** At most `limit` bytes more; then the body is cancelled. */
    async discardRest(limit) {
      let read = 0;
      try {
        while (read <= limit) {
          const { done, value } = await reader.read();
          if (done) return;
          read += value.byteLength;
        }
        await reader.cancel();
      } catch {
        // The client went away: nobody to answer.
      }
    },
  };
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function createApi(deps: ApiDeps): Hono<Env> {
  const app = new Hono<Env>();
  const read = requirePermission(deps.tokens, 'read');
  const operate = requirePermission(deps.tokens, 'operate');
  const jsonLimit = bodyLimit({ maxSize: 64 * 1024, onError: (c) => c.json({ error: 'request body larger than 64 KiB' }, 413) });

  app.onError((error, c) => {
    // A path with malformed percent-encoding (`/upgrades/%E0%A4%A`) is bad input, not a fault.
    if (error instanceof URIError) return c.json({ error: `the path ${JSON.stringify(c.req.path)} is not valid percent-encoding` }, 400);
    deps.logger.error('api error', { path: c.req.path, error: error.message });
    return c.json({ error: 'internal error' }, 500);
  });
  app.notFound((c) => c.json({ error: `no route ${c.req.method} ${c.req.path}` }, 404));

  app.use('*', recordOperatorActions({ db: deps.db, tokens: deps.tokens, logger: deps.logger, trustForwardedFor: deps.trustForwardedFor === true }));
  registerAuditRoutes(app, { db: deps.db, audit: requirePermission(deps.tokens, 'audit') });

  app.get('/health', (c) => c.json({ ok: true }));

  app.post('/images', operate, async (c) => {
    const query = ImageUploadQuery.safeParse(c.req.query());
    if (!query.success) return c.json({ error: describeZodError(query.error) }, 400);
    const type = c.req.header('content-type') ?? 'application/octet-stream';
    if (!/^application\/octet-stream\b/.test(type)) {
      return c.json({ error: `send the image as the raw body with content-type application/octet-stream, not ${type}` }, 415);
    }
    const declared = Number(c.req.header('content-length') ?? NaN);
    if (declared > deps.maxImageBytes) return c.json({ error: `image of ${declared} bytes is over the limit of ${deps.maxImageBytes} bytes` }, 413);
    const body = c.req.raw.body;
    if (!body) return c.json({ error: 'request has no body: send the image bytes' }, 400);
    const { fileName, version, platform, baseImageId, families, vendor, applicationType, thirdPartyFamily } = query.data;
    const thirdParty = vendor && vendor.toLowerCase() !== 'cisco' && applicationType && thirdPartyFamily ? { vendor, applicationType, family: thirdPartyFamily } : undefined;
    if (baseImageId) {
      const base = await getImage(deps.db, baseImageId);
      if (!base) return c.json({ error: `no base image ${baseImageId}` }, 404);
      if (base.imageType !== 'base') return c.json({ error: `${base.fileName} is a ${base.imageType} image, not a base image` }, 422);
    }
    const request = {
      fileName,
      source: 'upload',
      ...(version && { version }),
      ...(platform && { platform }),
      ...(baseImageId && { baseImageId }),
      ...(families && { families }),
      ...(thirdParty && { thirdParty }),
    };
    const upload = uploadBody(body as WebReadableStream<Uint8Array>);
    try {
      const { image, created } = await importImage(deps.db, deps.imageStore, upload.stream, request, deps.maxImageBytes);
      deps.logger.info('image imported', { id: image.id, file: image.fileName, bytes: image.sizeBytes, created });
      return c.json({ ...image, created }, created ? 201 : 200);
    } catch (error) {
      if (error instanceof ImageTooLargeError) return c.json({ error: error.message }, 413);
      // 507 Insufficient Storage: the request was fine, the server cannot store it now.
      if (error instanceof ImageStoreFullError) {
        deps.logger.warn('image store full', { file: query.data.fileName, error: error.message });
        await upload.discardRest(deps.maxImageBytes);
        return c.json({ error: error.message }, 507);
      }
      if (error instanceof InvalidImageNameError || error instanceof EmptyImageError) return c.json({ error: error.message }, 400);
      throw error;
    }
  });

  /** Images with how many devices run each ("using image"). */
  async function imagesWithUse(): Promise<(ImageRecord & { devicesUsing: number })[]> {
    const [images, devices] = await Promise.all([listImages(deps.db), listDevices(deps.db)]);
    const counts = usingCounts(images, devices);
    return images.map((i) => ({ ...i, devicesUsing: counts.get(i.id) ?? 0 }));
  }

  app.get('/images', read, async (c) => c.json(await imagesWithUse()));

  // Families, version and SMU / AP pack links after import (PnP: a family may have no device yet).
  app.patch('/images/:id', operate, jsonLimit, async (c) => {
    const id = parseValue(c, ImageIdParam, c.req.param('id'));
    if (!id.ok) return id.response;
    const body = await parseJson(c, ImageChangesBody);
    if (!body.ok) return body.response;
    const image = await getImage(deps.db, id.value);
    if (!image) return c.json({ error: `no image ${id.value}` }, 404);
    const { baseImageId } = body.value;
    if (baseImageId) {
      if (!ADD_ON_TYPES.includes(image.imageType) && image.imageType !== 'kickstart') {
        return c.json({ error: `${image.fileName} is a ${image.imageType} image: only SMUs, AP packs and NX-OS kickstart images have a base image` }, 422);
      }
      if (baseImageId === image.id) return c.json({ error: 'an image cannot be its own base image' }, 422);
      const base = await getImage(deps.db, baseImageId);
      if (!base) return c.json({ error: `no base image ${baseImageId}` }, 404);
      if (base.imageType !== 'base') return c.json({ error: `${base.fileName} is a ${base.imageType} image, not a base image` }, 422);
      const pair = image.imageType === 'kickstart' ? kickstartPairMismatch({ ...base, version: base.version ?? '' }, { ...image, version: image.version ?? '' }) : undefined;
      if (pair) return c.json({ error: `baseImageId: ${pair}` }, 422);
    }
    if (baseImageId === null && (await listGoldenTags(deps.db)).some((t) => t.imageId === image.id)) {
      return c.json({ error: `${image.fileName} is golden: untag it before unlinking it from its base image` }, 409);
    }
    const updated = await updateImage(deps.db, image.id, body.value);
    deps.logger.info('image updated', { id: image.id, file: image.fileName, fields: Object.keys(body.value) });
    return c.json(updated);
  });

  // Images grouped by family, each with where it is golden and its add-ons (SMU / AP packs).
  app.get('/images/by-family', read, async (c) => {
    const [images, tags] = await Promise.all([imagesWithUse(), listGoldenTags(deps.db)]);
    const groups = new Map<string, unknown[]>();
    for (const image of images) {
      const addOns = images.filter((i) => i.baseImageId === image.id).map((i) => ({ id: i.id, fileName: i.fileName, imageType: i.imageType }));
      for (const family of image.families.length > 0 ? image.families : ['unassigned']) {
        const golden = tags.filter((t) => t.imageId === image.id && t.family === family).map((t) => ({ role: t.role ?? null, site: t.site ?? null }));
        const list = groups.get(family) ?? [];
        list.push({ ...image, golden, addOns });
        groups.set(family, list);
      }
    }
    const families = [...groups.keys()].sort((a, b) => (a === 'unassigned' ? 1 : b === 'unassigned' ? -1 : a.localeCompare(b)));
    return c.json(families.map((family) => ({ family, images: groups.get(family) })));
  });

  /** The image and tag a golden-tag request names, with the current tags; or the error answer. */
  async function goldenRequest(c: Context<Env>): Promise<{ ok: true; image: ImageRecord; tag: GoldenTag; ctx: GoldenContext } | { ok: false; response: Response }> {
    const id = ImageIdParam.safeParse(c.req.param('id'));
    if (!id.success) return { ok: false, response: c.json({ error: describeZodError(id.error) }, 400) };
    const body = await parseJson(c, GoldenTagBody);
    if (!body.ok) return body;
    const image = await getImage(deps.db, id.data);
    if (!image) return { ok: false, response: c.json({ error: `no image ${id.data}` }, 404) };
    const tag: GoldenTag = { imageId: image.id, imageType: image.imageType, family: body.value.family, ...(body.value.role && { role: body.value.role }), ...(body.value.site && { site: body.value.site }) };
    if (tag.site && !(await getSite(deps.db, tag.site))) {
      return { ok: false, response: c.json({ error: `no site ${tag.site}: create it with POST /sites (GET /sites lists them)` }, 422) };
    }
    const [images, tags] = await Promise.all([listImages(deps.db), listGoldenTags(deps.db)]);
    return { ok: true, image, tag, ctx: { images: images.map(asGoldenImage), tags } };
  }

  // Golden tags: the domain rules decide (domain/golden.ts); refusals carry its reason.
  app.post('/images/:id/golden', operate, jsonLimit, async (c) => {
    const request = await goldenRequest(c);
    if (!request.ok) return request.response;
    const { image, tag, ctx } = request;
    if (image.integrity === 'mismatch') {
      return c.json({ error: `${image.fileName} failed its integrity check and can never be golden: ${image.integrityReason ?? 'mismatch'}` }, 409);
    }
    const refusal = classifyGoldenTag(tag, ctx);
    if (refusal) return c.json({ error: refusal.reason }, refusal.kind === 'invalid' ? 422 : 409);
    const created = await addGoldenTag(deps.db, tag);
    deps.logger.info('golden tag', { image: image.fileName, family: tag.family, role: tag.role, site: tag.site, created });
    return c.json({ imageId: image.id, family: tag.family, role: tag.role ?? null, site: tag.site ?? null, created }, created ? 201 : 200);
  });

  app.delete('/images/:id/golden', operate, jsonLimit, async (c) => {
    const request = await goldenRequest(c);
    if (!request.ok) return request.response;
    const { image, tag, ctx } = request;
    const refusal = untagRefusal(tag, ctx);
    if (refusal) return c.json({ error: refusal }, 409);
    if (!(await removeGoldenTag(deps.db, tag))) return c.json({ error: `${image.fileName} is not golden for that scope` }, 404);
    deps.logger.info('golden untag', { image: image.fileName, family: tag.family, role: tag.role, site: tag.site });
    return c.json({ imageId: image.id, family: tag.family, role: tag.role ?? null, site: tag.site ?? null, removed: true });
  });

  // No admin-only permission exists: deleting an image takes 'operate'. Records are unique by
  // SHA-256, so the bytes go with the record.
  app.delete('/images/:id', operate, async (c) => {
    const id = ImageIdParam.safeParse(c.req.param('id'));
    if (!id.success) return c.json({ error: describeZodError(id.error) }, 400);
    const image = await getImage(deps.db, id.data);
    if (!image) return c.json({ error: `no image ${id.data}` }, 404);
    const refusal = imageDeletionRefusal(image.id, await listGoldenTags(deps.db));
    if (refusal) return c.json({ error: refusal }, 409);
    const refs = await imageReferences(deps.db, image.id);
    if (refs.addOns > 0) return c.json({ error: `${image.fileName} is the base image of ${refs.addOns} add-on(s): delete them first` }, 409);
    if (refs.upgrades > 0) return c.json({ error: `${image.fileName} is the target of ${refs.upgrades} recorded upgrade(s) and is kept for their history` }, 409);
    await deleteImage(deps.db, image.id);
    await deps.imageStore.remove(image.sha256);
    deps.logger.info('image deleted', { id: image.id, file: image.fileName, by: c.get('role') });
    return c.json({ id: image.id, deleted: true });
  });

  // Cisco's Known Good Values: replaces the stored entries and re-checks every image.
  app.post('/kgv', operate, bodyLimit({ maxSize: 64 * 1024 * 1024, onError: (c) => c.json({ error: 'KGV file larger than 64 MiB' }, 413) }), async (c) => {
    let kgv;
    try {
      kgv = parseKgv(await c.req.text());
    } catch (error) {
      if (error instanceof KgvFormatError) return c.json({ error: error.message }, 400);
      throw error;
    }
    const counts = await deps.db.transaction(async (tx) => {
      await replaceKgv(tx, kgv.entries);
      const result = { entries: kgv.entries.length, verified: 0, notVerifiable: 0, mismatch: 0 };
      // Third-party images stay not verifiable: Cisco's KGV does not list them.
      for (const image of (await listImages(tx)).filter((i) => i.vendor === 'Cisco')) {
        const check = verifyImage({ fileName: image.fileName, md5: image.md5, sha512: image.sha512, ...(image.platform ? { platform: image.platform } : {}) }, kgv);
        await setImageIntegrity(tx, image.id, check.status, check.reason);
        if (check.status === 'verified') result.verified++;
        else if (check.status === 'mismatch') result.mismatch++;
        else result.notVerifiable++;
      }
      return result;
    });
    deps.logger.info('known good values imported', counts);
    return c.json(counts);
  });

  // Import from an http, https or ftp URL, as a workflow. The URL is sealed here; the workflow
  // gets the import's id and the display URL (credentials as ***), never the credentials.
  app.post('/images/import', operate, jsonLimit, async (c) => {
    const body = await parseJson(c, ImageUrlImportBody);
    if (!body.ok) return body.response;
    const { url, fileName, version, platform } = body.value;
    const parsed = parseImportUrl(url, fileName);
    if ('error' in parsed) return c.json({ error: parsed.error }, 400);
    // A literal address is checked here, before anything is stored; a name when the download resolves it.
    const refusal = await literalImportRefusal(deps.importGuard, new URL(parsed.url));
    if (refusal) {
      deps.logger.warn('image import refused', { url: parsed.displayUrl, reason: refusal });
      return c.json({ error: refusal }, 400);
    }
    const record = await createUrlImport(deps.db, deps.secretBox, parsed.url, parsed.displayUrl);
    const workflowId = imageImportWorkflowId(record.id);
    const input = { importId: record.id, displayUrl: parsed.displayUrl, fileName: parsed.fileName, ...(version && { version }), ...(platform && { platform }) };
    await deps.temporal.workflow.start<typeof imageImport>('imageImport', {
      workflowId,
      taskQueue: deps.taskQueue,
      args: [input],
      staticSummary: `Import ${parsed.fileName}`,
      staticDetails: `From ${parsed.displayUrl}, requested by ${c.get('role')}`,
    });
    deps.logger.info('image import started', { workflowId, url: parsed.displayUrl, file: parsed.fileName });
    return c.json({ workflowId }, 202);
  });

  app.get('/images/import/*', read, async (c) => {
    const id = ImportWorkflowIdParam.safeParse(decodeURIComponent(c.req.path.slice('/images/import/'.length)));
    if (!id.success) return c.json({ error: describeZodError(id.error) }, 400);
    const view = await readImport(deps.temporal, id.data);
    if (!view) return c.json({ error: `no image import ${id.data}` }, 404);
    return c.json(view);
  });

  app.post('/devices', operate, jsonLimit, async (c) => {
    const body = await parseJson(c, NewDeviceBody);
    if (!body.ok) return body.response;
    const { hostKeyFingerprint, ...fields } = body.value;
    try {
      const device = await deps.db.transaction(async (tx) => {
        const added = await addDevice(tx, deps.secretBox, fields);
        // Pinned up front: the first session must see this key (otherwise it records what it sees).
        if (hostKeyFingerprint) await setHostKey(tx, added.id, { fingerprint: hostKeyFingerprint, seen: false }, { actor: c.get('actor'), source: 'registration', kind: 'pinned' });
        return added;
      });
      return c.json(await deviceView(deps.db, device), 201);
    } catch (error) {
      if (error instanceof DuplicateDeviceError) return c.json({ error: error.message }, 409);
      throw error;
    }
  });

  app.get('/devices', read, async (c) => c.json(await listDevices(deps.db)));

  // An inventory (e.g. `npm run lab`'s inventory.json) in one call: all entries valid, or nothing stored.
  app.post('/devices/import', operate, bodyLimit({ maxSize: 16 * 1024 * 1024, onError: (c) => c.json({ error: 'inventory larger than 16 MiB' }, 413) }), async (c) => {
    const body = await parseJson(c, InventoryImportBody);
    if (!body.ok) return body.response;
    const devices = body.value.map(({ credentialsRef: _ref, os: _os, ...device }) => device);
    const counts = await importDevices(deps.db, deps.secretBox, devices);
    deps.logger.info('devices imported', counts);
    return c.json(counts, 200);
  });

  app.patch('/devices/:hostname', operate, jsonLimit, async (c) => {
    const hostname = HostnameParam.safeParse(c.req.param('hostname'));
    if (!hostname.success) return c.json({ error: describeZodError(hostname.error) }, 400);
    const body = await parseJson(c, DeviceChangesBody);
    if (!body.ok) return body.response;
    const { hostKeyFingerprint, ...changes } = body.value;
    const device = Object.keys(changes).length > 0 ? await updateDevice(deps.db, deps.secretBox, hostname.data, changes) : await findDeviceByHostname(deps.db, hostname.data);
    if (!device) return c.json({ error: `no device ${hostname.data}` }, 404);
    // A new address keeps the recorded host key: the host there must still prove it is the device.
    if (hostKeyFingerprint) await setHostKey(deps.db, device.id, { fingerprint: hostKeyFingerprint, seen: false }, { actor: c.get('actor'), source: 'operator', kind: 'pinned' });
    deps.logger.info('device updated', { device: hostname.data, fields: Object.keys(body.value) });
    return c.json(await deviceView(deps.db, device));
  });

  registerHostKeyRoutes(app, { db: deps.db, logger: deps.logger, read, operate, jsonLimit });

  // What auto flash cleanup deleted, newest first.
  app.get('/flash-cleanup', read, async (c) => {
    const query = parseValue(c, CleanupAuditQuery, c.req.query());
    if (!query.ok) return query.response;
    return c.json(await listCleanupAudit(deps.db, { ...(query.value.device ? { hostname: query.value.device } : {}), ...(query.value.workflowId ? { workflowId: query.value.workflowId } : {}) }));
  });

  app.get('/families', read, async (c) => c.json(await listFamilies(deps.db)));

  // Compliance: each device against its golden image (filter by status, family, site subtree).
  app.get('/compliance', read, async (c) => {
    const query = parseValue(c, ComplianceQuery, c.req.query());
    if (!query.ok) return query.response;
    return c.json(await complianceReport(deps.db, query.value));
  });

  registerSiteRoutes(app, { db: deps.db, logger: deps.logger, read, operate, jsonLimit });
  registerCheckRoutes(app, { db: deps.db, logger: deps.logger, read, operate, jsonLimit });
  registerDistributionRoutes(app, { db: deps.db, secretBox: deps.secretBox, logger: deps.logger, read, operate, jsonLimit });
  registerWindowRoutes(app, { db: deps.db, logger: deps.logger, read, operate, jsonLimit });
  registerInventoryRoutes(app, { db: deps.db, temporal: deps.temporal, taskQueue: deps.taskQueue, logger: deps.logger, read, operate, jsonLimit });
  registerCampaignRoutes(app, { db: deps.db, temporal: deps.temporal, taskQueue: deps.taskQueue, logger: deps.logger, read, operate, jsonLimit, ...(deps.itsm ? { itsm: deps.itsm } : {}) });

  app.post('/upgrades', operate, jsonLimit, async (c) => {
    const body = await parseJson(c, NewUpgradeBody);
    if (!body.ok) return body.response;
    const { device: deviceKey, imageId, kickstartImageId, reloadTimeoutSeconds, disabledChecks, rollbackOnFailure, allowDowngrade, plan } = body.value;
    const device = UUID.test(deviceKey) ? await getDevice(deps.db, deviceKey) : await findDeviceByHostname(deps.db, deviceKey);
    if (!device) return c.json({ error: `no device ${deviceKey}` }, 404);
    const image = await getImage(deps.db, imageId);
    if (!image) return c.json({ error: `no image ${imageId}` }, 404);
    if (!image.version) return c.json({ error: `image ${image.fileName} has no version: import it again with ?version=` }, 422);
    const kickstart = kickstartImageId ? await getImage(deps.db, kickstartImageId) : undefined;
    if (kickstartImageId && !kickstart) return c.json({ error: `kickstartImageId: no image ${kickstartImageId}` }, 404);
    if (kickstart) {
      const mismatch = kickstartPairMismatch({ ...image, version: image.version }, { ...kickstart, version: kickstart.version ?? '' });
      if (mismatch) return c.json({ error: `kickstartImageId: ${mismatch}` }, 422);
    }
    // ITSM on: as in Catalyst Center, nothing runs "now"; every upgrade waits for an approved change.
    if (deps.itsm) {
      const refusal = itsmPlanRefusal(plan ?? IMMEDIATE_PLAN);
      if (refusal) return c.json({ error: refusal }, 422);
    }

    let started: StartedUpgrade;
    try {
      const request = {
        device,
        image: { ...image, version: image.version },
        requestedBy: c.get('role'),
        ...(reloadTimeoutSeconds ? { reloadTimeoutSeconds } : {}),
        ...(disabledChecks ? { disabledChecks } : {}),
        ...(rollbackOnFailure !== undefined ? { rollbackOnFailure } : {}),
        ...(allowDowngrade ? { allowDowngrade } : {}),
        ...(plan ? { plan } : {}),
        ...(kickstart ? { kickstart } : {}),
        ...(deps.itsm ? { approval: { timeoutSeconds: deps.itsm.approvalTimeoutSeconds, recheckSeconds: deps.itsm.decisionRecheckSeconds } } : {}),
      };
      started = await startUpgrade(deps.db, deps.temporal, deps.taskQueue, request);
    } catch (error) {
      if (error instanceof ImageIntegrityError || error instanceof ImageDoesNotFitError) return c.json({ error: error.message }, 409);
      if (error instanceof GoldenConflictError) return c.json({ error: `cannot tell ${device.hostname}'s golden add-ons: ${error.message}` }, 409);
      if (error instanceof UpgradeAlreadyRunningError) return c.json({ error: error.message, workflowId: error.workflowId }, 409);
      throw error;
    }
    const { workflowId } = started;
    const addOns = started.addOns.map((a) => a.fileName);
    deps.logger.info('upgrade started', { workflowId, device: device.hostname, version: image.version, addOns });
    const direction = upgradeDirection(device.runningVersion, image.version);
    return c.json({ workflowId, device: device.hostname, fromVersion: device.runningVersion, targetVersion: image.version, direction, addOns, ...(started.kickstart ? { kickstart: started.kickstart.fileName } : {}) }, 201);
  });

  registerUpgradeListRoutes(app, { db: deps.db, temporal: deps.temporal, logger: deps.logger, read });
  registerItsmRoutes(app, { db: deps.db, temporal: deps.temporal, logger: deps.logger, read, jsonLimit, ...(deps.itsm ? { itsm: deps.itsm } : {}) });

  // Reschedule a waiting upgrade: PATCH /upgrades/<workflow id>/plan, through a workflow update
  // whose validator refuses what can no longer change.
  app.patch('/upgrades/*', operate, jsonLimit, async (c) => {
    const rest = decodeURIComponent(c.req.path.slice('/upgrades/'.length));
    if (!rest.endsWith('/plan')) return c.json({ error: `no route PATCH ${c.req.path}: use /upgrades/<workflow id>/plan` }, 404);
    const id = WorkflowIdParam.safeParse(rest.slice(0, -'/plan'.length));
    if (!id.success) return c.json({ error: describeZodError(id.error) }, 400);
    const body = await parseJson(c, UpgradePlanBody);
    if (!body.ok) return body.response;
    const result = await reschedule(deps.temporal, id.data, body.value);
    if (result.ok) {
      deps.logger.info('upgrade rescheduled', { workflowId: id.data, by: c.get('role') });
      return c.json({ workflowId: id.data, plan: result.plan });
    }
    return c.json({ error: result.error }, result.status);
  });

  // Workflow ids contain slashes (upgrade/<device>/<id>): take the rest of the path.
  app.get('/upgrades/*', read, async (c) => {
    const id = WorkflowIdParam.safeParse(decodeURIComponent(c.req.path.slice('/upgrades/'.length)));
    if (!id.success) return c.json({ error: describeZodError(id.error) }, 400);
    const view = await readUpgrade(deps.temporal, id.data);
    if (!view) return c.json({ error: `no upgrade ${id.data}` }, 404);
    return c.json(view);
  });

  return app;
}
