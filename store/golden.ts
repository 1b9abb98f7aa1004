// Golden tags and the Known Good Values last imported.
import { randomUUID } from 'node:crypto';
import type { DeviceRole, GoldenTag } from '../domain/golden.ts';
import type { ImageType } from '../domain/image-name.ts';
import type { KgvEntry, KnownGoodValues } from '../domain/kgv.ts';
import type { Queryable } from './database.ts';

interface TagRow {
  image_id: string;
  image_type: ImageType;
  family: string;
  role: string | null;
  site: string | null;
}

export async function listGoldenTags(db: Queryable): Promise<GoldenTag[]> {
  const rows = await db.query<TagRow>(
    `SELECT t.image_id, i.image_type, t.family, t.role, t.site
       FROM golden_tags t JOIN images i ON i.id = t.image_id
      ORDER BY t.created_at, t.family`,
  );
  return rows.map((r) => ({
    imageId: r.image_id,
    imageType: r.image_type,
    family: r.family,
    ...(r.role !== null ? { role: r.role as DeviceRole } : {}),
    ...(r.site !== null ? { site: r.site } : {}),
  }));
}

/** Adds the tag; false when the very same tag was there already. */
export async function addGoldenTag(db: Queryable, tag: Pick<GoldenTag, 'imageId' | 'family' | 'role' | 'site'>): Promise<boolean> {
  const rows = await db.query<{ id: string }>(
    `INSERT INTO golden_tags (id, image_id, family, role, site) VALUES ($1, $2, $3, $4, $5)
     ON CONFLICT DO NOTHING RETURNING id`,
    [randomUUID(), tag.imageId, tag.family, tag.role ?? null, tag.site ?? null],
  );
  return rows.length > 0;
}

/** Removes the tag; false when there was none. */
export async function removeGoldenTag(db: Queryable, tag: Pick<GoldenTag, 'imageId' | 'family' | 'role' | 'site'>): Promise<boolean> {
  const rows = await db.query<{ id: string }>(
    `DELETE FROM golden_tags
      WHERE image_id = $1 AND family = $2 AND coalesce(role, '') = $3 AND coalesce(site, '') = $4
      RETURNING id`,
    [tag.imageId, tag.family, tag.role ?? '', tag.site ?? ''],
  );
  return rows.length > 0;
}

interface KgvRow {
  file_name: string;
  platform: string;
  version: string;
  sha512: string | null;
  md5: string | null;
  sha256: string | null;
  published: string | null;
}

/** Replaces the stored Known Good Values with `entries` (a KGV file is Cisco's whole list). */
export async function replaceKgv(db: Queryable, entries: readonly KgvEntry[]): Promise<void> {
  await db.query('DELETE FROM kgv_entries');
  for (const e of entries) {
    await db.query(
      'INSERT INTO kgv_entries (file_name, platform, version, sha512, md5, sha256, published) VALUES ($1, $2, $3, $4, $5, $6, $7)',
      [e.fileName, e.platform, e.version, e.sha512 ?? null, e.md5 ?? null, e.sha256 ?? null, e.published ?? null],
    );
  }
}

export async function loadKgv(db: Queryable): Promise<KnownGoodValues> {
  const rows = await db.query<KgvRow>('SELECT file_name, platform, version, sha512, md5, sha256, published FROM kgv_entries ORDER BY id');
  return {
    entries: rows.map((r) => ({
      fileName: r.file_name,
      platform: r.platform,
      version: r.version,
      ...(r.sha512 ? { sha512: r.sha512 } : {}),
      ...(r.md5 ? { md5: r.md5 } : {}),
      ...(r.sha256 ? { sha256: r.sha256 } : {}),
      ...(r.published ? { published: r.published } : {}),
    })),
  };
}
