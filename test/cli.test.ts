// The command-line client (cli/) as a user runs it: a real subprocess against a real netswim API
// (and a real Temporal dev server, netswim's worker, and lab devices over SSH for campaigns),
// reading its exit codes, stdout and stderr.
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { CampaignView } from '../api/campaign-routes.ts';
import { COMMANDS } from '../cli/commands.ts';
import { startLab } from '../lab/fleet.ts';
import type { Lab } from '../lab/types.ts';
import type { DevServer } from '../scripts/temporal-dev-server.ts';
import type { ImageRecord } from '../store/images.ts';
import { runCli, type CliRun } from './support/cli.ts';
import { startTestNetswim, type TestNetswim } from './support/netswim.ts';
import { startTestTemporal } from './support/temporal.ts';
import { postJson, uploadImage } from './support/upgrades.ts';

const BASE = 'cat9k_iosxe.17.09.04a.SPA.bin';
const SUB = 'cat9k-rpbase.17.09.04a.SPA.pkg';

let temporal: DevServer;
let netswim: TestNetswim;
let dir: string;
let token: string;

before(async () => {
  temporal = await startTestTemporal();
  // With its worker: campaigns run devices' upgrades (the other commands need only the API).
  netswim = await startTestNetswim(temporal.address);
  token = netswim.generatedAdminToken ?? '';
  dir = await mkdtemp(join(tmpdir(), 'netswim-cli-'));
});
after(async () => {
  await netswim?.stopAll();
  await temporal?.stop();
  if (dir) await rm(dir, { recursive: true, force: true });
});

type Run = CliRun;

/** Runs the CLI as a subprocess against the netswim under test. */
const cli = (args: string[], env: Record<string, string | undefined> = {}, entry = 'cli/main.ts'): Promise<Run> =>
  runCli(args, { NETSWIM_API_URL: netswim.apiUrl, NETSWIM_API_TOKEN: token, ...env }, entry);

async function ok(args: string[], env: Record<string, string | undefined> = {}): Promise<Run> {
  const run = await cli(args, env);
  assert.equal(run.code, 0, `netswim ${args.join(' ')} → ${run.code}\n${run.stderr}`);
  return run;
}

async function images(): Promise<(ImageRecord & { devicesUsing: number })[]> {
  return JSON.parse((await ok(['images', 'list', '--json'])).stdout) as (ImageRecord & { devicesUsing: number })[];
}

const hex = (algo: string, bytes: Buffer) => createHash(algo).update(bytes).digest('hex');

describe('netswim CLI', () => {
  const bytes = randomBytes(6 * 1024 * 1024);
  let base: ImageRecord;

  it('prints usage for help, and exits 2 with usage on an unknown command, option or missing argument', async () => {
    const help = await ok(['help']);
    assert.match(help.stdout, /^usage: netswim <command>/);
    for (const command of COMMANDS) assert.ok(help.stdout.includes(`netswim ${command.path.join(' ')}`), `help lists ${command.path.join(' ')}`);
    assert.match((await ok(['--help'])).stdout, /usage: netswim/);
    const unknown = await cli(['frobnicate']);
    assert.equal(unknown.code, 2);
    assert.match(unknown.stderr, /^netswim: unknown command: frobnicate/);
    assert.match(unknown.stderr, /usage:\n {2}netswim images list\n/);
    const badFlag = await cli(['images', 'list', '--bogus']);
    assert.equal(badFlag.code, 2);
    assert.match(badFlag.stderr, /netswim: unknown option --bogus/);
    const missing = await cli(['images', 'tag', 'abcd']);
    assert.equal(missing.code, 2);
    assert.match(missing.stderr, /--family is required/);
    assert.equal(unknown.stdout + badFlag.stdout + missing.stdout, '', 'nothing on stdout');
  });

  it('uploads a file streamed from disk with percent progress, then lists it with a not-verifiable WARNING', async () => {
    const file = join(dir, BASE);
    await writeFile(file, bytes);
    const run = await ok(['images', 'upload', file, '--families', 'C9300', '--progress']);
    const percents = [...run.stderr.matchAll(/uploading \S+: (\d+)%/g)].map((m) => Number(m[1]));
    assert.ok(percents.length >= 5, `progress as the file streams: ${run.stderr}`);
    assert.deepEqual(percents, [...percents].sort((a, b) => a - b));
    assert.ok((percents[0] ?? 100) < 50, 'first report well before the end');
    assert.equal(percents.at(-1), 100);
    assert.match(run.stdout, new RegExp(`uploaded ${BASE.replaceAll('.', '\\.')} as [0-9a-f-]{36}`));

    const list = await images();
    assert.equal(list.length, 1);
    base = list[0] as ImageRecord;
    assert.equal(base.sha256, hex('sha256', bytes), 'every byte arrived');
    assert.equal(base.sizeBytes, bytes.length);

    const table = await ok(['images', 'list']);
    const [header, row] = table.stdout.split('\n');
    assert.match(header ?? '', /^ID\s+FILE\s+TYPE\s+VERSION\s+FAMILIES\s+INTEGRITY\s+DEVICES\s+GOLDEN$/);
    assert.match(row ?? '', new RegExp(`^${base.id.slice(0, 8)}\\s+${BASE.replaceAll('.', '\\.')}\\s+base\\s+17\\.09\\.04a\\s+C9300\\s+not-verifiable\\s+0\\s+-$`));
    assert.match(table.stdout, new RegExp(`WARNING: ${BASE.replaceAll('.', '\\.')} \\(${base.id.slice(0, 8)}\\) is not verifiable`));
  });

  it('prints the raw API JSON with --json', async () => {
    const list = JSON.parse((await ok(['images', 'list', '--json'])).stdout) as unknown[];
    assert.ok(Array.isArray(list));
    const sites = JSON.parse((await ok(['sites', 'list', '--json'])).stdout) as { path: string }[];
    assert.ok(sites.some((s) => s.path === 'Global'));
    const groups = JSON.parse((await ok(['--json', 'images', 'by-family'])).stdout) as { family: string }[];
    assert.deepEqual(groups.map((g) => g.family), ['C9300']);
  });

  it('imports Known Good Values: the image is verified and the warning is gone', async () => {
    const kgv = join(dir, 'kgv.json');
    const entry = { filename: BASE, sha512: hex('sha512', bytes), md5: hex('md5', bytes) };
    await writeFile(kgv, JSON.stringify({ header: { version: 'KGV_format_2.0' }, products: [{ product: 'C9300', osImageVersions: [{ version: '17.09.04a', entries: [entry] }] }] }));
    const run = await ok(['kgv', 'import', kgv]);
    assert.match(run.stdout, /1 KGV entries loaded; images: 1 verified, 0 not verifiable, 0 mismatch/);
    const table = await ok(['images', 'list']);
    assert.match(table.stdout, /\sverified\s/);
    assert.doesNotMatch(table.stdout, /WARNING/);
  });

  it('adds and lists sites, and refuses an orphan with the API reason and exit 1, creating nothing', async () => {
    await ok(['sites', 'add', 'Global/Paris', '--kind', 'area']);
    const added = await ok(['sites', 'add', 'Global/Paris/B1', '--kind', 'building']);
    assert.match(added.stdout, /site Global\/Paris\/B1 \(building\)/);
    const orphan = await cli(['sites', 'add', 'Global/APAC/Tokyo', '--kind', 'building']);
    assert.equal(orphan.code, 1);
    assert.equal(orphan.stderr, 'netswim: no site Global/APAC: create the parent first\n');
    const list = await ok(['sites', 'list']);
    assert.match(list.stdout, /^Global\/Paris\/B1\s+building\s+0$/m);
    assert.doesNotMatch(list.stdout, /APAC/);
    const badKind = await cli(['sites', 'add', 'Global/X', '--kind', 'campus']);
    assert.equal(badKind.code, 2);
  });

  it('tags and untags by short id, and shows the golden scope', async () => {
    const short = base.id.slice(0, 8);
    const tag = await ok(['images', 'tag', short, '--family', 'C9300', '--site', 'Global/Paris/B1']);
    assert.match(tag.stdout, new RegExp(`${short} is golden for C9300@Global/Paris/B1`));
    assert.match((await ok(['images', 'list'])).stdout, /C9300@Global\/Paris\/B1$/m);
    const byFamily = await ok(['images', 'by-family']);
    assert.match(byFamily.stdout, /^C9300$/m);
    assert.match(byFamily.stdout, /C9300@Global\/Paris\/B1/);
    await ok(['images', 'untag', short, '--family', 'C9300', '--site', 'Global/Paris/B1']);
    assert.match((await ok(['images', 'list'])).stdout.split('\n')[1] ?? '', /\s-$/);
  });

  it("gives exit 1 and the API's reason for refused tags, and changes nothing", async () => {
    const noSite = await cli(['images', 'tag', base.id, '--family', 'C9300', '--site', 'Global/Nowhere']);
    assert.equal(noSite.code, 1);
    assert.match(noSite.stderr, /^netswim: no site Global\/Nowhere: create it with POST \/sites/);
    const subFile = join(dir, SUB);
    await writeFile(subFile, randomBytes(4096));
    const sub = JSON.parse((await ok(['images', 'upload', subFile, '--json'])).stdout) as ImageRecord & { created: boolean };
    assert.equal(sub.imageType, 'subpackage');
    assert.equal(sub.created, true);
    const refused = await cli(['images', 'tag', sub.id, '--family', 'C9300']);
    assert.equal(refused.code, 1);
    assert.match(refused.stderr, /^netswim: .*subpackage/);
    const groups = JSON.parse((await ok(['images', 'by-family', '--json'])).stdout) as { images: { golden: unknown[] }[] }[];
    assert.ok(groups.every((g) => g.images.every((i) => i.golden.length === 0)), 'no golden tag anywhere');
    const unknownImage = await cli(['images', 'delete', 'ffffffff']);
    assert.equal(unknownImage.code, 1);
    assert.match(unknownImage.stderr, /netswim: no image ffffffff/);
    const badUrl = await cli(['images', 'import', 'gopher://example.com/x.bin']);
    assert.equal(badUrl.code, 1);
    assert.match(badUrl.stderr, /^netswim: .*gopher/);
    assert.equal((await images()).length, 2);
  });

  it('shows an ERROR line for an image failing its Known Good Values, refuses to tag it, and deletes it', async () => {
    const tampered = join(dir, 'tampered', BASE);
    await mkdir(join(dir, 'tampered'));
    await writeFile(tampered, randomBytes(8192));
    const upload = await ok(['images', 'upload', tampered]);
    assert.match(upload.stdout, /ERROR: .* FAILED its integrity check \(mismatch\)/);
    const id = /as ([0-9a-f-]{36})/.exec(upload.stdout)?.[1] ?? '';
    const list = await ok(['images', 'list']);
    assert.match(list.stdout, new RegExp(`^ERROR: ${BASE.replaceAll('.', '\\.')} \\(${id.slice(0, 8)}\\) FAILED its integrity check`, 'm'));
    const refused = await cli(['images', 'tag', id, '--family', 'C9300']);
    assert.equal(refused.code, 1);
    assert.match(refused.stderr, /^netswim: .*can never be golden/);
    assert.match((await ok(['images', 'delete', id.slice(0, 8)])).stdout, new RegExp(`deleted image ${id}`));
    assert.ok(!(await images()).some((i) => i.id === id));
  });

  it('finds the token in $NETSWIM_DATA_DIR/api-token, and names its source when the API refuses one', async () => {
    await ok(['sites', 'list'], { NETSWIM_API_TOKEN: undefined, NETSWIM_DATA_DIR: netswim.dataDir });
    const wrong = await cli(['sites', 'list', '--token', 'not-the-token-at-all']);
    assert.equal(wrong.code, 1);
    assert.match(wrong.stderr, /netswim: missing or unknown API token .*token from --token/);
  });

  it('names the URL when nothing listens there', async () => {
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    await new Promise((resolve) => server.close(resolve));
    const run = await cli(['images', 'list', '--api-url', `http://127.0.0.1:${port}`]);
    assert.equal(run.code, 1);
    assert.match(run.stderr, new RegExp(`netswim: cannot reach the netswim API at http://127\\.0\\.0\\.1:${port} \\(connection refused\\)`));
  });

  it('follows a URL import to its end, printing percent progress, and exits 1 with the reason when it fails', async () => {
    // A stand-in API answering the import routes as netswim does, so the test controls the outcome.
    const workflowId = 'image-import/6abf0000-0000-4000-8000-000000000001';
    const views = [
      { workflowId, execution: 'RUNNING', bytes: 0 },
      { workflowId, execution: 'RUNNING', bytes: 400, totalBytes: 1000, percent: 40 },
      { workflowId, execution: 'RUNNING', bytes: 800, totalBytes: 1000, percent: 80 },
      { workflowId, execution: 'FAILED', bytes: 800, totalBytes: 1000, percent: 80, error: 'the download stopped at 800 of 1000 bytes' },
    ];
    let polls = 0;
    const fake: Server = createServer((req, res) => {
      res.setHeader('content-type', 'application/json');
      if (req.method === 'POST' && req.url === '/images/import') {
        res.statusCode = 202;
        res.end(JSON.stringify({ workflowId }));
      } else if (req.method === 'GET' && req.url === `/images/import/${workflowId}`) {
        res.end(JSON.stringify(views[Math.min(polls++, views.length - 1)]));
      } else {
        res.statusCode = 404;
        res.end(JSON.stringify({ error: `no route ${req.method} ${req.url}` }));
      }
    });
    await new Promise<void>((resolve) => fake.listen(0, '127.0.0.1', resolve));
    try {
      const url = `http://127.0.0.1:${(fake.address() as AddressInfo).port}`;
      const run = await cli(['images', 'import', 'https://files.example.com/cat9k_iosxe.17.12.01.SPA.bin', '--interval', '0.05'], { NETSWIM_API_URL: url });
      assert.equal(run.code, 1);
      assert.match(run.stderr, /importing: 40%/);
      assert.match(run.stderr, /importing: 80%/);
      assert.match(run.stderr, /netswim: import image-import\/\S+ failed: the download stopped at 800 of 1000 bytes/);
      assert.equal(polls, 4);
    } finally {
      await new Promise((resolve) => fake.close(resolve));
    }
  });

  it('runs through the package bin without a build step', async () => {
    const run = await cli(['sites', 'list'], {}, 'cli/netswim.mjs');
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stdout, /^PATH\s+KIND\s+DEVICES$/m);
  });
});

describe('netswim campaigns', () => {
  const PASSWORD = `pw-${randomBytes(6).toString('hex')}`;
  const NEW_IMAGE = 'cat9k_iosxe.17.12.01.SPA.bin';
  const HOSTS = ['cli-sw1', 'cli-sw2'];
  let lab: Lab;
  let labDir: string;
  let campaignId: string;

  before(async () => {
    labDir = await mkdtemp(join(tmpdir(), 'netswim-cli-lab-'));
    lab = await startLab({
      stateDir: labDir,
      devices: HOSTS.map((hostname) => ({ hostname, address: '127.0.0.1', port: 0, platform: 'cat9300' as const, username: 'netswim', password: PASSWORD, reloadDurationMs: 800 })),
    });
    for (const hostname of HOSTS) {
      const d = lab.device(hostname);
      await postJson(netswim, '/devices', { hostname, address: d.address, port: d.port, platform: 'cat9300', site: 'Global/Paris/B1', username: 'netswim', password: PASSWORD });
    }
    await uploadImage(netswim, NEW_IMAGE, randomBytes(1024 * 1024 + 7));
  });
  after(async () => {
    await lab?.stop();
    if (labDir) await rm(labDir, { recursive: true, force: true });
  });

  const campaignCount = async () => ((await (await netswim.api('/campaigns')).json()) as unknown[]).length;

  it('starts a campaign with --follow, printing a line per change, until both devices are upgraded', async () => {
    assert.ok(HOSTS.every((h) => lab.device(h).state().version === '17.06.05'));
    const run = await ok(['campaigns', 'start', '--name', 'cli wave', '--devices', HOSTS.join(','), '--image', NEW_IMAGE, '--canary', '0', '--waves', '100', '--max-in-flight', '2', '--reload-timeout', '60', '--follow']);
    campaignId = /started as ([0-9a-f]{12}): 2 device\(s\)/.exec(run.stderr)?.[1] ?? '';
    assert.ok(campaignId, run.stderr);
    const lines = run.stderr.split('\n').filter((l) => l.startsWith(`campaign ${campaignId}: `));
    assert.ok(lines.length >= 2, run.stderr);
    assert.equal(new Set(lines).size, lines.length, 'a line only when something changed');
    assert.match(lines.join('\n'), /: 0\/2 done \(\d queued, \d running\), \d in flight, wave 1\/1, running/);
    assert.equal(lines.at(-1), `campaign ${campaignId}: 2/2 done (0 queued, 0 running, 2 upgraded), 0 in flight, wave 1/1, completed`);
    assert.match(run.stdout, new RegExp(`^campaign ${campaignId} \\(cli wave\\): completed$`, 'm'));
    assert.match(run.stdout, /^ {2}wave 1\/1 \(sizes 2\), 2 of 2 device\(s\) done$/m);
    assert.match(run.stdout, /^ {2}QUEUED\s+RUNNING\s+UPGRADED\s+ALREADY-RUNNING\s+DISTRIBUTED\s+FAILED\s+ROLLED-BACK\s+CANCELLED\s+SKIPPED\n {2}0\s+0\s+2\s+0\s+0\s+0\s+0\s+0\s+0$/m);
    assert.match(run.stdout, /^ {2}failures: 0 of 0 allowed by the budget$/m);
    for (const h of HOSTS) {
      const state = lab.device(h).state();
      assert.equal(state.version, '17.12.01', `${h} runs the new image`);
      assert.equal(state.reloadCount, 1);
    }
  });

  it('lists the campaign and shows it, as a report and as JSON', async () => {
    const list = await ok(['campaigns', 'list']);
    assert.match(list.stdout, /^ID\s+NAME\s+EXECUTION\s+CREATED BY\s+CREATED AT$/m);
    assert.match(list.stdout, new RegExp(`^${campaignId}\\s+cli wave\\s+COMPLETED\\s+\\S+\\s+\\d{4}-\\d\\d-\\d\\dT\\S+Z$`, 'm'));
    const view = JSON.parse((await ok(['campaigns', 'show', campaignId, '--json'])).stdout) as CampaignView;
    assert.equal(view.campaignId, campaignId);
    assert.equal(view.execution, 'COMPLETED');
    assert.deepEqual(view.selector.devices, HOSTS);
    assert.equal(view.progress?.state, 'completed');
    assert.equal(view.progress?.stages.upgraded, 2);
    assert.deepEqual(view.progress?.failures, []);
    const show = await ok(['campaigns', 'show', campaignId]);
    assert.match(show.stdout, new RegExp(`^campaign ${campaignId} \\(cli wave\\): completed\n {2}execution COMPLETED \\(campaign/${campaignId}\\)`));
    assert.match(show.stdout, /^ {2}selector: devices cli-sw1,cli-sw2, image [0-9a-f]{8}$/m);
  });

  it("refuses to pause a finished campaign with the API's reason and exit 1", async () => {
    const run = await cli(['campaigns', 'pause', campaignId]);
    assert.equal(run.code, 1);
    assert.equal(run.stderr, 'netswim: the campaign is over (completed): nothing to pause\n');
    assert.equal(run.stdout, '');
    const unknown = await cli(['campaigns', 'show', 'ffffffffffff']);
    assert.equal(unknown.code, 1);
    assert.equal(unknown.stderr, 'netswim: no campaign ffffffffffff\n');
  });

  it('cancels a planned campaign it follows: the new state, then exit 1 once it ended cancelled', async () => {
    const next = await uploadImage(netswim, 'cat9k_iosxe.17.12.02.SPA.bin', randomBytes(512 * 1024 + 3));
    const known = new Set(((await (await netswim.api('/campaigns')).json()) as { campaignId: string }[]).map((c) => c.campaignId));
    const following = cli(['campaigns', 'start', '--name', 'cli planned', '--devices', HOSTS.join(','), '--image', next.slice(0, 8), '--canary', '0', '--waves', '100', '--distribute-at', '2099-01-01T00:00:00Z', '--activate-at', '2099-01-01T02:00:00Z', '--follow']);
    let id: string | undefined;
    for (let i = 0; i < 200 && !id; i++) {
      id = ((await (await netswim.api('/campaigns')).json()) as { campaignId: string }[]).find((c) => !known.has(c.campaignId))?.campaignId;
      if (!id) await new Promise((r) => setTimeout(r, 100));
    }
    assert.ok(id, 'the campaign started');
    const cancel = await ok(['campaigns', 'cancel', id]);
    assert.equal(cancel.stdout, `campaign ${id}: cancelling\n`);
    const run = await following;
    assert.equal(run.code, 1, run.stderr);
    assert.match(run.stderr, new RegExp(`^campaign ${id}: .*, cancelled$`, 'm'));
    assert.match(run.stdout, new RegExp(`^campaign ${id} \\(cli planned\\): cancelled\n`));
    assert.match(run.stdout, /^ {2}reason: cancelled by an operator$/m);
    const view = (await (await netswim.api(`/campaigns/${id}`)).json()) as CampaignView;
    assert.equal(view.progress?.stages.upgraded, 0);
    for (const h of HOSTS) assert.equal(lab.device(h).state().version, '17.12.01', `${h} kept its version`);
  });

  it('refuses bad option combinations before any request, and shows API refusals, starting nothing', async () => {
    const before = await campaignCount();
    const both = await cli(['campaigns', 'start', '--name', 'bad', '--devices', 'cli-sw1', '--site', 'Global/Paris', '--image', NEW_IMAGE]);
    assert.equal(both.code, 2);
    assert.match(both.stderr, /^netswim: campaigns start: --devices cannot be combined with --site/);
    const plan = await cli(['campaigns', 'start', '--name', 'bad', '--site', 'Global/Paris', '--image', NEW_IMAGE, '--activate-at', '2099-01-01T02:00:00Z', '--distribute-only']);
    assert.equal(plan.code, 2);
    assert.match(plan.stderr, /^netswim: campaigns start: --activate-at and --distribute-only cannot be combined/);
    const unknownDevice = await cli(['campaigns', 'start', '--name', 'bad', '--devices', 'cli-sw1,nope-9', '--image', NEW_IMAGE]);
    assert.equal(unknownDevice.code, 1);
    assert.equal(unknownDevice.stderr, 'netswim: no device nope-9\n');
    assert.equal(both.stdout + plan.stdout + unknownDevice.stdout, '');
    assert.equal(await campaignCount(), before, 'no campaign started');
  });
});
