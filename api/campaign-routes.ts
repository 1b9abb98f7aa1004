// Campaigns through the API: start one for a list of devices, a site, a family or every outdated
// device; read its progress (the workflow's query while it runs, its result once closed); pause,
// resume and cancel it through Temporal Updates whose validators refuse what cannot be done.
import { randomUUID } from 'node:crypto';
import { WorkflowUpdateFailedError, type Client } from '@temporalio/client';
import type { Hono } from 'hono';
import { z } from 'zod';
import { CampaignInputError, resolveTargets } from '../activities/campaign.ts';
import { DEFAULT_WAVES, type CampaignProgress } from '../domain/campaign.ts';
import { IMMEDIATE_PLAN, itsmPlanRefusal } from '../domain/plan.ts';
import { PRECHECK_NAMES } from '../domain/prechecks/types.ts';
import { CAMPAIGN, STAGE as STAGE_KEY } from '../domain/search-attributes.ts';
import { createCampaign, getCampaign, listCampaigns, type CampaignRecord } from '../store/campaigns.ts';
import {
  campaignProgressQuery,
  campaignWorkflowId,
  cancelCampaignUpdate,
  pauseCampaignUpdate,
  resumeCampaignUpdate,
  type CampaignInput,
} from '../workflows/campaign-definitions.ts';
import type { campaign } from '../workflows/campaign.ts';
import { parseJson, parseValue, type Env, type RouteDeps } from './request.ts';
import { HostnameParam, SitePath } from './schemas.ts';
import { closedReason, findExecution, timesOf } from './workflow-view.ts';

export interface CampaignRouteDeps extends RouteDeps {
  temporal: Client;
  taskQueue: string;
  /** ITSM on: campaigns are refused "now" and wait for an approved change (its timeout). */
  itsm?: { approvalTimeoutSeconds: number; decisionRecheckSeconds: number };
}

const FAMILY = /^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/;
const IsoTime = z.string().max(64).refine((t) => !Number.isNaN(Date.parse(t)), 'a time in ISO 8601, e.g. 2026-11-22T02:00:00+01:00');

const Plan = z
  .object({
    distribute: z.discriminatedUnion('kind', [z.object({ kind: z.literal('now') }).strict(), z.object({ kind: z.literal('at'), at: IsoTime }).strict()]),
    activate: z.discriminatedUnion('kind', [
      z.object({ kind: z.literal('after-distribution') }).strict(),
      z.object({ kind: z.literal('at'), at: IsoTime }).strict(),
      z.object({ kind: z.literal('window'), window: z.string().min(1).max(200) }).strict(),
      z.object({ kind: z.literal('never') }).strict(),
    ]),
  })
  .strict();

export const NewCampaignBody = z
  .object({
    name: z.string().trim().min(1).max(200),
    selector: z
      .object({
        devices: z.array(HostnameParam).min(1).max(10_000).optional(),
        site: SitePath.optional(),
        family: z.string().regex(FAMILY, 'family: letters, digits, _ and -').optional(),
        outdated: z.literal(true).optional(),
      })
      .strict()
      .refine((s) => [s.devices, s.site ?? s.family, s.outdated].filter((x) => x !== undefined).length >= 1, 'name the devices: devices, site, family or outdated: true')
      .refine((s) => s.outdated || !(s.devices && (s.site || s.family)), 'devices cannot be combined with site or family (outdated may be narrowed by any of them)'),
    imageId: z.uuid().optional().describe('required unless selector.outdated'),
    waves: z
      .object({ canary: z.number().int().min(0).max(1000), percents: z.array(z.number().gt(0).max(100)).max(20) })
      .strict()
      .optional(),
    maxInFlight: z.number().int().min(1).max(500).default(10),
    failureBudget: z
      .object({ count: z.number().int().min(0).optional(), percent: z.number().min(0).max(100).optional() })
      .strict()
      .refine((b) => (b.count === undefined) !== (b.percent === undefined), 'failureBudget: give count or percent')
      .optional(),
    plan: Plan.optional(),
    rollbackOnFailure: z.boolean().optional(),
    allowDowngrade: z.boolean().optional().describe('upgrade devices to an image older than what they run (default: skipped as downgrades)'),
    disabledChecks: z.array(z.enum(PRECHECK_NAMES)).max(PRECHECK_NAMES.length).optional(),
    reloadTimeoutSeconds: z.number().int().min(30).max(7200).optional(),
  })
  .strict()
  .refine((b) => b.imageId !== undefined || b.selector.outdated === true, { message: 'imageId is required unless the selector is outdated: true', path: ['imageId'] });

const CampaignIdParam = z.string().regex(/^[0-9a-f]{12}$/, 'not a campaign id');

export interface CampaignView {
  campaignId: string;
  name: string;
  workflowId: string;
  createdBy: string;
  createdAt: string;
  selector: CampaignRecord['selector'];
  execution: string;
  startedAt?: string;
  closedAt?: string;
  progress?: CampaignProgress;
  /** Running children by their NetswimStage (from Temporal's visibility store; may lag a moment). */
  inFlightStages?: Record<string, number>;
  error?: string;
}

export function registerCampaignRoutes(app: Hono<Env>, deps: CampaignRouteDeps): void {
  app.post('/campaigns', deps.operate, deps.jsonLimit, async (c) => {
    const body = await parseJson(c, NewCampaignBody);
    if (!body.ok) return body.response;
    const { name, imageId, waves, maxInFlight, failureBudget, plan, rollbackOnFailure, allowDowngrade, disabledChecks, reloadTimeoutSeconds } = body.value;
    const selector = { ...body.value.selector, ...(imageId ? { imageId } : {}) };
    if (plan) {
      for (const when of [plan.distribute, plan.activate]) {
        if (when.kind === 'at' && Date.parse(when.at) < Date.now() - 60_000) return c.json({ error: `plan: ${when.at} is in the past` }, 422);
      }
    }
    // ITSM on: as for a single upgrade, nothing runs "now"; the campaign's one change is approved first.
    if (deps.itsm) {
      const refusal = itsmPlanRefusal(plan ?? IMMEDIATE_PLAN);
      if (refusal) return c.json({ error: refusal }, 422);
    }
    // Checked here so that bad input starts nothing; the workflow resolves the devices again
    // (with their add-ons and running upgrades) when it starts.
    let resolved;
    try {
      resolved = await resolveTargets(deps.db, selector, { addOns: false, ...(allowDowngrade ? { allowDowngrade } : {}) });
    } catch (error) {
      if (error instanceof CampaignInputError) return c.json({ error: error.message }, error.status);
      throw error;
    }
    if (resolved.targets.length === 0) {
      return c.json({ error: 'no device to upgrade matches the selector', skipped: resolved.skipped.slice(0, 100) }, 422);
    }
    const campaignId = randomUUID().replaceAll('-', '').slice(0, 12);
    const workflowId = campaignWorkflowId(campaignId);
    const input: CampaignInput = {
      campaignId,
      name,
      requestedBy: c.get('role'),
      selector,
      waves: waves ?? DEFAULT_WAVES,
      maxInFlight,
      ...(failureBudget ? { failureBudget } : {}),
      ...(plan ? { plan } : {}),
      ...(rollbackOnFailure !== undefined ? { rollbackOnFailure } : {}),
      ...(allowDowngrade ? { allowDowngrade } : {}),
      ...(disabledChecks?.length ? { disabledChecks } : {}),
      ...(reloadTimeoutSeconds ? { reloadTimeoutSeconds } : {}),
      ...(deps.itsm ? { approval: { timeoutSeconds: deps.itsm.approvalTimeoutSeconds, recheckSeconds: deps.itsm.decisionRecheckSeconds } } : {}),
    };
    await createCampaign(deps.db, { id: campaignId, name, selector, createdBy: c.get('role'), workflowId });
    await deps.temporal.workflow.start<typeof campaign>('campaign', {
      workflowId,
      taskQueue: deps.taskQueue,
      args: [input],
      staticSummary: `Campaign ${name}: ${resolved.targets.length} device(s)`,
      staticDetails: `Selector ${JSON.stringify(selector)}, waves ${JSON.stringify(input.waves)}, at most ${maxInFlight} at once, requested by ${c.get('role')}${deps.itsm ? '; waits for an approved ITSM change' : ''}`,
      typedSearchAttributes: [{ key: CAMPAIGN, value: campaignId }],
    });
    deps.logger.info('campaign started', { workflowId, name, devices: resolved.targets.length, skipped: resolved.skipped.length });
    return c.json({ campaignId, workflowId, devices: resolved.targets.length, skipped: resolved.skipped.slice(0, 100) }, 202);
  });

  app.get('/campaigns', deps.read, async (c) => {
    const campaigns = await listCampaigns(deps.db);
    const views = await Promise.all(
      campaigns.map(async (record) => {
        const execution = await findExecution(deps.temporal, record.workflowId);
        return { ...record, campaignId: record.id, execution: execution?.description.status.name ?? 'UNKNOWN' };
      }),
    );
    return c.json(views);
  });

  app.get('/campaigns/:id', deps.read, async (c) => {
    const id = parseValue(c, CampaignIdParam, c.req.param('id'));
    if (!id.ok) return id.response;
    const record = await getCampaign(deps.db, id.value);
    if (!record) return c.json({ error: `no campaign ${id.value}` }, 404);
    const execution = await findExecution(deps.temporal, record.workflowId);
    const view: CampaignView = { campaignId: record.id, name: record.name, workflowId: record.workflowId, createdBy: record.createdBy, createdAt: record.createdAt, selector: record.selector, execution: 'UNKNOWN' };
    if (!execution) return c.json(view);
    const { handle, description } = execution;
    view.execution = description.status.name;
    Object.assign(view, timesOf(description));
    if (view.execution === 'RUNNING') {
      try {
        view.progress = await handle.query(campaignProgressQuery);
      } catch {
        // No worker to answer right now: the execution status still tells the story.
      }
      view.inFlightStages = await inFlightStages(deps.temporal, record.id);
    } else if (view.execution === 'COMPLETED') {
      view.progress = (await handle.result()) as CampaignProgress;
    } else {
      view.error = await closedReason(handle);
    }
    return c.json(view);
  });

  const action = (path: 'pause' | 'resume' | 'cancel') => {
    const update = { pause: pauseCampaignUpdate, resume: resumeCampaignUpdate, cancel: cancelCampaignUpdate }[path];
    app.post(`/campaigns/:id/${path}`, deps.operate, async (c) => {
      const id = parseValue(c, CampaignIdParam, c.req.param('id'));
      if (!id.ok) return id.response;
      const record = await getCampaign(deps.db, id.value);
      if (!record) return c.json({ error: `no campaign ${id.value}` }, 404);
      const execution = await findExecution(deps.temporal, record.workflowId);
      if (!execution) return c.json({ error: `campaign ${id.value} has no workflow in Temporal` }, 404);
      if (execution.description.status.name !== 'RUNNING') {
        return c.json({ error: `the campaign is over (${execution.description.status.name.toLowerCase()}): nothing to ${path}` }, 409);
      }
      try {
        const progress = await execution.handle.executeUpdate(update);
        deps.logger.info(`campaign ${path}`, { campaign: record.id, by: c.get('role') });
        return c.json(progress);
      } catch (error) {
        if (error instanceof WorkflowUpdateFailedError) return c.json({ error: error.cause?.message ?? error.message }, 409);
        throw error;
      }
    });
  };
  action('pause');
  action('resume');
  action('cancel');
}

/** Running children of the campaign, counted by their NetswimStage search attribute. */
async function inFlightStages(temporal: Client, campaignId: string): Promise<Record<string, number>> {
  const counts: Record<string, number> = {};
  for await (const execution of temporal.workflow.list({ query: `NetswimCampaign = '${campaignId}' AND WorkflowType = 'deviceUpgrade' AND ExecutionStatus = 'Running'` })) {
    const stage = execution.typedSearchAttributes.get(STAGE_KEY) ?? 'queued';
    counts[stage] = (counts[stage] ?? 0) + 1;
  }
  return counts;
}
