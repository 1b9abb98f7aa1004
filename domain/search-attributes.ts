// Custom search attributes that make netswim workflows findable in the Temporal UI.
// The dev server registers them at start (scripts/temporal-dev-server.ts); production
// registers them once with `temporal operator search-attribute create` (see README).
import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';

export const DEVICE = defineSearchAttributeKey('NetswimDevice', SearchAttributeType.KEYWORD);
export const SITE = defineSearchAttributeKey('NetswimSite', SearchAttributeType.KEYWORD);
export const TARGET_VERSION = defineSearchAttributeKey('NetswimTargetVersion', SearchAttributeType.KEYWORD);
export const STAGE = defineSearchAttributeKey('NetswimStage', SearchAttributeType.KEYWORD);
export const CAMPAIGN = defineSearchAttributeKey('NetswimCampaign', SearchAttributeType.KEYWORD);

export const ALL_SEARCH_ATTRIBUTES = [DEVICE, SITE, TARGET_VERSION, STAGE, CAMPAIGN];
