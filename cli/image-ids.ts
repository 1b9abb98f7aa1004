// Image ids as people type them: the full UUID, or the short id `images list` shows.
import type { ListedImage } from './api-types.ts';
import type { ApiClient } from './client.ts';
import { CliError } from './command.ts';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export async function resolveImageId(client: ApiClient, given: string): Promise<string> {
  if (UUID.test(given)) return given.toLowerCase();
  if (!/^[0-9a-f-]{4,36}$/i.test(given)) throw new CliError(`not an image id: ${given} (give the id or at least its first 4 characters)`);
  const prefix = given.toLowerCase();
  const matches = (await client.get<ListedImage[]>('/images')).filter((i) => i.id.startsWith(prefix));
  if (matches.length === 0) throw new CliError(`no image ${given}`);
  if (matches.length > 1) throw new CliError(`image id ${given} is ambiguous: ${matches.map((i) => `${i.id} (${i.fileName})`).join(', ')}`);
  return (matches[0] as ListedImage).id;
}

/**
 * An image named either way: its id (full or short, as `resolveImageId`), or its file name in
 * the repository (`cat9k_iosxe.17.12.01.SPA.bin`; a path is reduced to its last segment).
 */
export async function resolveImageIdOrFile(client: ApiClient, given: string): Promise<string> {
  if (/^[0-9a-f-]{4,36}$/i.test(given)) return resolveImageId(client, given);
  const fileName = given.split('/').pop() ?? given;
  const matches = (await client.get<ListedImage[]>('/images')).filter((i) => i.fileName === fileName);
  if (matches.length === 0) throw new CliError(`no image ${given} (give its id, or its file name as \`images list\` shows it)`);
  if (matches.length > 1) throw new CliError(`image file ${fileName} is ambiguous: ${matches.map((i) => i.id).join(', ')}: give the id`);
  return (matches[0] as ListedImage).id;
}
