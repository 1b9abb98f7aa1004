// audit: the operator audit log, newest first: who changed what, from where, and the answer.
import type { AuditList } from './api-types.ts';
import { printJson, withQuery, type Command } from './command.ts';
import { table } from './format.ts';

const FILTERS = ['actor', 'since', 'until', 'method', 'path', 'outcome', 'limit', 'cursor'] as const;

type Entry = AuditList['entries'][number];

/** What happened in a few words: the refusal's reason, or what the request created or changed. */
function summary(e: Entry): string {
  if (e.error) return e.error.split('\n')[0]!.slice(0, 100);
  return e.resultId ?? e.resource ?? '';
}

const from = (e: Entry): string | null => (e.from.forwardedFor ? `${e.from.forwardedFor} via ${e.from.address ?? '?'}` : e.from.address ? `${e.from.address}:${e.from.port ?? '?'}` : null);

const audit: Command = {
  path: ['audit'],
  options: {
    actor: { type: 'string', value: 'X', help: "a token holder's name, token:<id> or a token id, itsm-callback, anonymous" },
    since: { type: 'string', value: 'ISO', help: 'only changes at or after this time, e.g. 2026-11-22T02:00:00Z' },
    until: { type: 'string', value: 'ISO', help: 'only changes before this time' },
    method: { type: 'string', value: 'M', help: 'POST, PUT, PATCH or DELETE' },
    path: { type: 'string', value: 'P', help: 'this request path and every path below it, e.g. /devices' },
    outcome: { type: 'string', value: 'O', help: 'accepted, refused or error' },
    limit: { type: 'string', value: 'N', help: 'how many entries (default 100, at most 1000)' },
    cursor: { type: 'string', value: 'C', help: 'continue where the previous page ended' },
  },
  summary: 'the operator audit log: every change (and refused attempt), who, when, from where (admins and approvers)',
  async run(ctx) {
    const page = await ctx.client.get<AuditList>(withQuery('/audit', ctx.options, FILTERS));
    if (ctx.json) return printJson(ctx, page);
    ctx.print(
      table(
        ['TIME', 'ACTOR', 'FROM', 'REQUEST', 'STATUS', 'SUMMARY'],
        page.entries.map((e) => [e.at, e.role ? `${e.actor} (${e.role})` : e.actor, from(e), `${e.method} ${e.path}`, `${e.status} ${e.outcome}`, summary(e)]),
      ),
    );
    if (page.nextCursor) ctx.note(`more: the same command with --cursor ${page.nextCursor}`);
  },
};

export const auditCommands: Command[] = [audit];
