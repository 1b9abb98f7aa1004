// Driving upgrades through the API the way an operator's script would.
import assert from 'node:assert/strict';
import type { UpgradeView } from '../../api/upgrade-status.ts';
import type { TestNetswim } from './netswim.ts';

export async function postJson<T>(netswim: TestNetswim, path: string, body: unknown): Promise<T> {
  const response = await netswim.api(path, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  const json = (await response.json()) as T;
  assert.ok(response.ok, `${path} answered ${response.status}: ${JSON.stringify(json)}`);
  return json;
}

export async function uploadImage(netswim: TestNetswim, fileName: string, bytes: Buffer): Promise<string> {
  const response = await netswim.api(`/images?fileName=${fileName}`, { method: 'POST', headers: { 'content-type': 'application/octet-stream' }, body: bytes });
  assert.ok(response.status === 201 || response.status === 200, `upload answered ${response.status}`);
  return ((await response.json()) as { id: string }).id;
}

/** Starts an upgrade through the API and polls GET /upgrades/:id until the workflow closes. */
export async function runUpgrade(netswim: TestNetswim, hostname: string, imageId: string): Promise<{ view: UpgradeView; stagesSeen: Set<string> }> {
  const { workflowId } = await postJson<{ workflowId: string }>(netswim, '/upgrades', { device: hostname, imageId, reloadTimeoutSeconds: 60 });
  assert.match(workflowId, new RegExp(`^upgrade/${hostname}/`));
  const stagesSeen = new Set<string>();
  const deadline = Date.now() + 120_000;
  while (Date.now() < deadline) {
    const view = (await (await netswim.api(`/upgrades/${workflowId}`)).json()) as UpgradeView;
    stagesSeen.add(view.stage);
    if (view.execution !== 'RUNNING') return { view, stagesSeen };
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`upgrade of ${hostname} did not finish in time`);
}
