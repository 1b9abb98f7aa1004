// images …: the repository, uploads and URL imports, golden tags, corrections, deletion.
import { basename } from 'node:path';
import type { FamilyGroup, GoldenTagAnswer, ImageRecord, ImportView, ListedImage, UploadedImage } from './api-types.ts';
import { CliError, commaList, flag, printJson, stringOption, UsageError, type Command, type CommandContext, type OptionSpec } from './command.ts';
import { follow, intervalMs } from './follow.ts';
import { bytes, goldenScope, shortId, table } from './format.ts';
import { resolveImageId } from './image-ids.ts';
import { Progress } from './progress.ts';

/** The WARNING / ERROR line an image's integrity deserves, if any. */
export function integrityLine(ctx: CommandContext, image: Pick<ImageRecord, 'id' | 'fileName' | 'integrity' | 'integrityReason'>): string | undefined {
  const name = `${image.fileName} (${shortId(image.id)})`;
  if (image.integrity === 'not-verifiable') return ctx.style.yellow(`WARNING: ${name} is not verifiable against Known Good Values: ${image.integrityReason ?? 'no KGV entry'}`);
  if (image.integrity === 'mismatch') return ctx.style.red(`ERROR: ${name} FAILED its integrity check (mismatch): ${image.integrityReason ?? 'hashes differ'}; it can never be golden nor distributed`);
  return undefined;
}

const scopeOptions: Record<string, OptionSpec> = {
  family: { type: 'string', required: true, value: 'F', help: 'device family, e.g. C9300' },
  role: { type: 'string', value: 'R', help: 'device role: ACCESS, DISTRIBUTION, CORE, BORDER ROUTER' },
  site: { type: 'string', value: 'PATH', help: 'site path, e.g. Global/Paris/B1 (this site and below)' },
};

function scopeBody(ctx: CommandContext): { family: string; role?: string; site?: string } {
  const family = stringOption(ctx.options, 'family') ?? '';
  const role = stringOption(ctx.options, 'role');
  const site = stringOption(ctx.options, 'site');
  return { family, ...(role !== undefined && { role }), ...(site !== undefined && { site }) };
}

function describeTag(tag: GoldenTagAnswer): string {
  return goldenScope(tag.family, tag);
}

const list: Command = {
  path: ['images', 'list'],
  summary: 'the repository: id, file, type, version, families, integrity, devices using it, golden scopes; warns about images not verifiable or failing integrity',
  async run(ctx) {
    const [images, groups] = await Promise.all([ctx.client.get<ListedImage[]>('/images'), ctx.json ? Promise.resolve([]) : ctx.client.get<FamilyGroup[]>('/images/by-family')]);
    if (ctx.json) return printJson(ctx, images);
    if (images.length === 0) return ctx.print('no images: netswim images upload <file> or netswim images import <url>');
    const scopes = new Map<string, string[]>();
    for (const group of groups) {
      for (const image of group.images) for (const scope of image.golden) scopes.set(image.id, [...(scopes.get(image.id) ?? []), goldenScope(group.family, scope)]);
    }
    ctx.print(
      table(
        ['ID', 'FILE', 'TYPE', 'VERSION', 'FAMILIES', 'INTEGRITY', 'DEVICES', 'GOLDEN'],
        images.map((i) => [shortId(i.id), i.fileName, i.imageType, i.version, i.families.join(','), i.integrity, i.devicesUsing, (scopes.get(i.id) ?? []).join(' ')]),
      ),
    );
    const lines = images.map((i) => integrityLine(ctx, i)).filter((l): l is string => l !== undefined);
    if (lines.length > 0) ctx.print(['', ...lines].join('\n'));
  },
};

const byFamily: Command = {
  path: ['images', 'by-family'],
  summary: 'images grouped by device family, with where each is golden and its add-ons (SMU / AP packs)',
  async run(ctx) {
    const groups = await ctx.client.get<FamilyGroup[]>('/images/by-family');
    if (ctx.json) return printJson(ctx, groups);
    if (groups.length === 0) return ctx.print('no images');
    ctx.print(
      groups
        .map((g) =>
          [
            ctx.style.bold(g.family),
            table(
              ['ID', 'FILE', 'TYPE', 'VERSION', 'INTEGRITY', 'GOLDEN', 'ADD-ONS'],
              g.images.map((i) => [shortId(i.id), i.fileName, i.imageType, i.version, i.integrity, i.golden.map((s) => goldenScope(g.family, s)).join(' '), i.addOns.map((a) => a.fileName).join(' ')]),
            ).replace(/^/gm, '  '),
          ].join('\n'),
        )
        .join('\n\n'),
    );
  },
};

const upload: Command = {
  path: ['images', 'upload'],
  args: ['<file>'],
  options: {
    'file-name': { type: 'string', value: 'NAME', help: "name in the repository (default: the file's own name)" },
    version: { type: 'string', value: 'V', help: 'version, when the file name does not tell it' },
    platform: { type: 'string', value: 'P', help: 'platform, e.g. cat9k' },
    families: { type: 'string', value: 'a,b', help: 'device families the image applies to' },
    base: { type: 'string', value: 'ID', help: 'for a SMU / AP pack: its base image' },
    progress: { type: 'boolean', help: 'show upload percent on stderr even when it is not a terminal' },
  },
  summary: 'upload an image file, streamed from disk (percent on stderr on a terminal or with --progress)',
  async run(ctx) {
    const file = ctx.args[0] as string;
    const query = new URLSearchParams({ fileName: stringOption(ctx.options, 'file-name') ?? basename(file) });
    for (const name of ['version', 'platform', 'families'] as const) {
      const value = stringOption(ctx.options, name);
      if (value !== undefined) query.set(name, value);
    }
    const base = stringOption(ctx.options, 'base');
    if (base !== undefined) query.set('baseImageId', await resolveImageId(ctx.client, base));
    const progress = new Progress({ enabled: flag(ctx.options, 'progress') || (process.stderr.isTTY === true && !ctx.json), lineStep: 10 });
    const label = basename(file);
    let image: UploadedImage;
    try {
      image = await ctx.client.upload<UploadedImage>(`/images?${query.toString()}`, file, {
        contentType: 'application/octet-stream',
        onProgress: (sent, total) => {
          const percent = total === 0 ? 100 : Math.floor((sent / total) * 100);
          progress.update(`uploading ${label}: ${percent}% (${bytes(sent)} of ${bytes(total)})`, percent);
        },
      });
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'ENOENT' || code === 'EISDIR' || code === 'EACCES') throw new CliError(`cannot read ${file}: ${(error as Error).message}`);
      throw error;
    } finally {
      progress.done();
    }
    if (ctx.json) return printJson(ctx, image);
    ctx.print(`${image.created ? 'uploaded' : 'already in the repository:'} ${image.fileName} as ${image.id}`);
    ctx.print(`  ${image.imageType}, version ${image.version ?? '-'}, ${bytes(image.sizeBytes)}, sha256 ${image.sha256}, integrity ${image.integrity}`);
    const line = integrityLine(ctx, image);
    if (line) ctx.print(line);
  },
};

const importUrl: Command = {
  path: ['images', 'import'],
  args: ['<url>'],
  options: {
    'file-name': { type: 'string', value: 'NAME', help: "name in the repository (default: the URL's last segment)" },
    version: { type: 'string', value: 'V', help: 'version, when the file name does not tell it' },
    platform: { type: 'string', value: 'P', help: 'platform, e.g. cat9k' },
    'no-wait': { type: 'boolean', help: 'print the workflow id and return at once' },
    interval: { type: 'string', value: 'SECONDS', help: 'how often to check progress (default 1)' },
  },
  summary: 'import from an http, https or ftp URL (a workflow), following its progress until the image is in (exit 1 with the reason on failure)',
  async run(ctx) {
    const body: Record<string, string> = { url: ctx.args[0] as string };
    const fileName = stringOption(ctx.options, 'file-name');
    if (fileName !== undefined) body.fileName = fileName;
    for (const name of ['version', 'platform'] as const) {
      const value = stringOption(ctx.options, name);
      if (value !== undefined) body[name] = value;
    }
    const interval = intervalMs(stringOption(ctx.options, 'interval'));
    const { workflowId } = await ctx.client.request<{ workflowId: string }>('POST', '/images/import', body);
    if (flag(ctx.options, 'no-wait')) return ctx.json ? printJson(ctx, { workflowId }) : ctx.print(workflowId);
    if (!ctx.json) ctx.note(`import started as ${workflowId}`);
    const view = await follow<ImportView>({
      read: () => ctx.client.get<ImportView>(`/images/import/${workflowId}`),
      describe: (v) => ({
        text: `importing: ${v.percent !== undefined ? `${v.percent}%` : v.execution.toLowerCase()} (${bytes(v.bytes)}${v.totalBytes !== undefined ? ` of ${bytes(v.totalBytes)}` : ''})`,
        ...(v.percent !== undefined && { percent: v.percent }),
        finished: v.execution !== 'RUNNING',
      }),
      intervalMs: interval,
      showProgress: !ctx.json,
      onInterrupt: `stopped following; the import goes on: netswim images import-status ${workflowId}`,
    });
    if (ctx.json) printJson(ctx, view);
    if (view.execution !== 'COMPLETED' || !view.image) throw new CliError(`import ${workflowId} ${view.execution.toLowerCase()}: ${view.error ?? 'no image'}`);
    if (!ctx.json) {
      ctx.print(`${view.image.created ? 'imported' : 'already in the repository:'} ${view.image.fileName} as ${view.image.id} (${bytes(view.image.sizeBytes)}, integrity ${view.image.integrity})`);
      const line = integrityLine(ctx, view.image);
      if (line) ctx.print(line);
    }
  },
};

const importStatus: Command = {
  path: ['images', 'import-status'],
  args: ['<workflowId>'],
  summary: 'where a URL import is: execution, bytes, percent, then the image or the reason it failed',
  async run(ctx) {
    const view = await ctx.client.get<ImportView>(`/images/import/${ctx.args[0] as string}`);
    if (ctx.json) return printJson(ctx, view);
    ctx.print(`${view.workflowId}: ${view.execution}, ${bytes(view.bytes)}${view.totalBytes !== undefined ? ` of ${bytes(view.totalBytes)}` : ''}${view.percent !== undefined ? ` (${view.percent}%)` : ''}`);
    if (view.image) ctx.print(`image ${view.image.fileName} ${view.image.id}`);
    if (view.error) ctx.print(`error: ${view.error}`);
    return view.execution === 'COMPLETED' || view.execution === 'RUNNING' ? 0 : 1;
  },
};

const tag: Command = {
  path: ['images', 'tag'],
  args: ['<id>'],
  options: scopeOptions,
  summary: 'make an image golden for a family (optionally a role and/or a site)',
  async run(ctx) {
    const body = scopeBody(ctx);
    const id = await resolveImageId(ctx.client, ctx.args[0] as string);
    const answer = await ctx.client.request<GoldenTagAnswer>('POST', `/images/${id}/golden`, body);
    if (ctx.json) return printJson(ctx, answer);
    ctx.print(`${shortId(id)} is golden for ${describeTag(answer)}${answer.created === false ? ' (it already was)' : ''}`);
  },
};

const untag: Command = {
  path: ['images', 'untag'],
  args: ['<id>'],
  options: scopeOptions,
  summary: 'remove a golden tag (same scope as it was given)',
  async run(ctx) {
    const body = scopeBody(ctx);
    const id = await resolveImageId(ctx.client, ctx.args[0] as string);
    const answer = await ctx.client.request<GoldenTagAnswer>('DELETE', `/images/${id}/golden`, body);
    if (ctx.json) return printJson(ctx, answer);
    ctx.print(`${shortId(id)} is no longer golden for ${describeTag(answer)}`);
  },
};

const patch: Command = {
  path: ['images', 'patch'],
  args: ['<id>'],
  options: {
    families: { type: 'string', value: 'a,b', help: "replace the image's families ('' clears them)" },
    base: { type: 'string', value: 'ID', help: 'link a SMU / AP pack to its base image' },
    'no-base': { type: 'boolean', help: 'unlink a SMU / AP pack from its base image' },
    version: { type: 'string', value: 'V', help: 'correct the version' },
  },
  summary: "correct an image's families, base image link or version",
  async run(ctx) {
    const body: { families?: string[]; baseImageId?: string | null; version?: string } = {};
    const families = stringOption(ctx.options, 'families');
    if (families !== undefined) body.families = commaList(families);
    const base = stringOption(ctx.options, 'base');
    if (base !== undefined && flag(ctx.options, 'no-base')) throw new UsageError('give --base or --no-base, not both', 'images');
    if (flag(ctx.options, 'no-base')) body.baseImageId = null;
    const version = stringOption(ctx.options, 'version');
    if (version !== undefined) body.version = version;
    if (base === undefined && Object.keys(body).length === 0) throw new UsageError('images patch: name a change (--families, --base, --no-base, --version)', 'images');
    const id = await resolveImageId(ctx.client, ctx.args[0] as string);
    if (base !== undefined) body.baseImageId = await resolveImageId(ctx.client, base);
    const image = await ctx.client.request<ImageRecord>('PATCH', `/images/${id}`, body);
    if (ctx.json) return printJson(ctx, image);
    ctx.print(`${image.fileName} (${shortId(image.id)}): version ${image.version ?? '-'}, families ${image.families.join(',') || '-'}, base ${image.baseImageId ? shortId(image.baseImageId) : '-'}`);
  },
};

const remove: Command = {
  path: ['images', 'delete'],
  args: ['<id>'],
  summary: 'delete an image record and its bytes (refused while golden, a base of add-ons or an upgrade target)',
  async run(ctx) {
    const id = await resolveImageId(ctx.client, ctx.args[0] as string);
    const answer = await ctx.client.request<{ id: string; deleted: boolean }>('DELETE', `/images/${id}`);
    if (ctx.json) return printJson(ctx, answer);
    ctx.print(`deleted image ${answer.id}`);
  },
};

export const imageCommands: Command[] = [list, byFamily, upload, importUrl, importStatus, tag, untag, patch, remove];
