// Messages between the bench (scripts/bench.ts) and its lab process (scripts/bench/lab-child.ts).

export const DISTRIBUTION_SITE = 'Global/Bench/Distribution';

export interface CopyRecord {
  hostname: string;
  url: string;
  startMs: number;
  endMs?: number;
  bytes: number;
  ok?: boolean;
  error?: string;
}

export type LabChildMessage =
  | { type: 'ready'; inventoryPath: string; campaignHosts: string[]; distributionHosts: string[]; startMs: number }
  | { type: 'copies'; copies: CopyRecord[] }
  | { type: 'failed'; error: string };

export type LabParentMessage = { type: 'copies'; since: number } | { type: 'stop' };
