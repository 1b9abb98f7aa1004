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
  | { type: 'profiled'; path?: string; error?: string }
  | { type: 'failed'; error: string };

/** `profile` with a path starts a CPU profile of the lab process; without, stops it and writes it to that path. */
export type LabParentMessage = { type: 'copies'; since: number } | { type: 'profile'; path?: string } | { type: 'stop' };
