// Image records. The bytes live in the content-addressed store (images/image-store.ts).
import { randomUUID } from 'node:crypto';
import type { Queryable } from './database.ts';

export interface ImageRecord {
  id: string;
  fileName: string;
  platform: string | null;
  version: string | null;
  sizeBytes: number;
  md5: string;
  sha256: string;
  sha512: string;
  source: string;
  importedAt: string;
}

interface ImageRow {
  id: string;
  file_name: string;
  platform: string | null;
  version: string | null;
  size_bytes: string | number | bigint;
  md5: string;
  sha256: string;
  sha512: string;
  source: string;
  imported_at: Date | string;
}

function toRecord(row: ImageRow): ImageRecord {
  return {
    id: row.id,
    fileName: row.file_name,
    platform: row.platform,
    version: row.version,
    sizeBytes: Number(row.size_bytes),
    md5: row.md5,
    sha256: row.sha256,
    sha512: row.sha512,
    source: row.source,
    importedAt: new Date(row.imported_at).toISOString(),
  };
}

export type NewImage = Omit<ImageRecord, 'id' | 'importedAt'>;

/** Inserts the image, or returns the existing record when the same bytes were imported before. */
export async function saveImage(db: Queryable, image: NewImage): Promise<{ image: ImageRecord; created: boolean }> {
  const inserted = await db.query<ImageRow>(
    `INSERT INTO images (id, file_name, platform, version, size_bytes, md5, sha256, sha512, source)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
     ON CONFLICT (sha256) DO NOTHING
     RETURNING *`,
    [randomUUID(), image.fileName, image.platform, image.version, image.sizeBytes, image.md5, image.sha256, image.sha512, image.source],
  );
  if (inserted[0]) return { image: toRecord(inserted[0]), created: true };
  const existing = await findImageBySha256(db, image.sha256);
  if (!existing) throw new Error(`image ${image.sha256} vanished during import`);
  return { image: existing, created: false };
}

export async function findImageBySha256(db: Queryable, sha256: string): Promise<ImageRecord | undefined> {
  const rows = await db.query<ImageRow>('SELECT * FROM images WHERE sha256 = $1', [sha256]);
  return rows[0] && toRecord(rows[0]);
}

export async function getImage(db: Queryable, id: string): Promise<ImageRecord | undefined> {
  const rows = await db.query<ImageRow>('SELECT * FROM images WHERE id = $1', [id]);
  return rows[0] && toRecord(rows[0]);
}

export async function listImages(db: Queryable): Promise<ImageRecord[]> {
  const rows = await db.query<ImageRow>('SELECT * FROM images ORDER BY imported_at, file_name');
  return rows.map(toRecord);
}
