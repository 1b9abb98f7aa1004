// kgv import: Cisco's Known Good Values, which re-checks every image's integrity.
import type { KgvAnswer } from './api-types.ts';
import { printJson, type Command } from './command.ts';
import { readTextFile } from './files.ts';

const importKgv: Command = {
  path: ['kgv', 'import'],
  args: ['<file>'],
  summary: "load Cisco's Known Good Values JSON; every image is checked again (verified / not verifiable / mismatch)",
  async run(ctx) {
    const text = await readTextFile(ctx.args[0] as string);
    const answer = await ctx.client.request<KgvAnswer>('POST', '/kgv', text);
    if (ctx.json) return printJson(ctx, answer);
    ctx.print(`${answer.entries} KGV entries loaded; images: ${answer.verified} verified, ${answer.notVerifiable} not verifiable, ${answer.mismatch} mismatch`);
    if (answer.mismatch > 0) ctx.print(ctx.style.red(`ERROR: ${answer.mismatch} image(s) FAILED the integrity check: netswim images list names them`));
  },
};

export const kgvCommands: Command[] = [importKgv];
