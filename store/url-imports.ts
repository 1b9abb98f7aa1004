// URL imports: the URL an operator gave, sealed (it may carry ftp://user:password@…), and its
// display form, which is all that workflows, logs and answers ever see.
import { randomUUID } from 'node:crypto';
import type { Queryable } from './database.ts';
import type { SecretBox } from './secret-box.ts';

export interface UrlImportRecord {
  id: string;
  displayUrl: string;
}

export async function createUrlImport(db: Queryable, secretBox: SecretBox, url: string, displayUrl: string): Promise<UrlImportRecord> {
  const id = randomUUID();
  await db.query('INSERT INTO url_imports (id, sealed_url, display_url) VALUES ($1, $2, $3)', [id, secretBox.seal(url), displayUrl]);
  return { id, displayUrl };
}

/** The full URL, credentials included: for the download activity only. */
export async function openUrlImport(db: Queryable, secretBox: SecretBox, id: string): Promise<{ url: string; displayUrl: string } | undefined> {
  const rows = await db.query<{ sealed_url: string; display_url: string }>('SELECT sealed_url, display_url FROM url_imports WHERE id = $1', [id]);
  const row = rows[0];
  return row && { url: secretBox.open(row.sealed_url), displayUrl: row.display_url };
}
