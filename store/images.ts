// Image records. The bytes live in the content-addressed store (images/image-store.ts).
import { randomUUID } from 'node:crypto';
import { describeImageFileName, type ImageType } from '../domain/image-name.ts';
import { verifyImage, type IntegrityStatus } from '../domain/kgv.ts';
import type { Queryable } from './database.ts';
import { loadKgv } from './golden.ts';

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
  imageType: ImageType;
  /** For a SMU / AP pack: the base image it patches. */
  baseImageId: string | null;
  /** Device families the image applies to; empty means not assigned. */
  families: string[];
  integrity: IntegrityStatus;
  integrityReason: string | null;
  /** `Cisco`, or a third party's name. */
  vendor: string;
  /** Third-party images: what kind of application (e.g. firewall, WAN optimization). */
  applicationType: string | null;
  /** Third-party images: the vendor's product family. */
  thirdPartyFamily: string | null;
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
  image_type: ImageType;
  base_image_id: string | null;
  families: string[] | null;
  integrity: IntegrityStatus;
  integrity_reason: string | null;
  vendor: string;
  application_type: string | null;
  third_party_family: string | null;
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
    imageType: row.image_type,
    baseImageId: row.base_image_id,
    families: row.families ?? [],
    integrity: row.integrity,
    integrityReason: row.integrity_reason,
    vendor: row.vendor,
    applicationType: row.application_type,
    thirdPartyFamily: row.third_party_family,
  };
}

type Derived = 'imageType' | 'baseImageId' | 'families' | 'integrity' | 'integrityReason';
/** The new image; type defaults to what the file name says (else base), integrity is checked against the stored KGV. */
export type NewImage = Omit<ImageRecord, 'id' | 'importedAt' | Derived | 'vendor' | 'applicationType' | 'thirdPartyFamily'> &
  Partial<Pick<ImageRecord, 'imageType' | 'baseImageId' | 'families'>> & { thirdParty?: ThirdParty };

/** A third-party image's maker, application type and family. */
export interface ThirdParty {
  vendor: string;
  applicationType: string;
  family: string;
}

/** Inserts the image, or returns the existing record when the same bytes were imported before. */
export async function saveImage(db: Queryable, image: NewImage): Promise<{ image: ImageRecord; created: boolean }> {
  const imageType = image.imageType ?? describeImageFileName(image.fileName)?.imageType ?? 'base';
  const kgv = await loadKgv(db);
  // Cisco's Known Good Values say nothing about other vendors' images.
  const check = image.thirdParty
    ? { status: 'not-verifiable' as const, reason: `third-party image (${image.thirdParty.vendor}): Cisco's Known Good Values do not cover it` }
    : kgv.entries.length > 0
      ? verifyImage({ fileName: image.fileName, md5: image.md5, sha512: image.sha512, ...(image.platform ? { platform: image.platform } : {}) }, kgv)
      : undefined;
  const inserted = await db.query<ImageRow>(
    `INSERT INTO images (id, file_name, platform, version, size_bytes, md5, sha256, sha512, source, image_type, base_image_id, families, integrity, integrity_reason,
                         vendor, application_type, third_party_family)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17)
     ON CONFLICT (sha256) DO NOTHING
     RETURNING *`,
    [
      randomUUID(), image.fileName, image.platform, image.version, image.sizeBytes, image.md5, image.sha256, image.sha512, image.source,
      imageType, image.baseImageId ?? null, image.families ?? [], check?.status ?? 'not-verifiable', check?.reason ?? 'no Known Good Values imported yet',
      image.thirdParty?.vendor ?? 'Cisco', image.thirdParty?.applicationType ?? null, image.thirdParty?.family ?? null,
    ],
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

export async function setImageIntegrity(db: Queryable, id: string, integrity: IntegrityStatus, reason: string): Promise<void> {
  await db.query('UPDATE images SET integrity = $2, integrity_reason = $3 WHERE id = $1', [id, integrity, reason]);
}

/** Whether upgrades or add-ons still refer to the image (the record must stay). */
export async function imageReferences(db: Queryable, id: string): Promise<{ upgrades: number; addOns: number }> {
  const rows = await db.query<{ upgrades: string | number; add_ons: string | number }>(
    `SELECT (SELECT count(*) FROM upgrades WHERE image_id = $1 OR kickstart_image_id = $1) AS upgrades,
            (SELECT count(*) FROM images WHERE base_image_id = $1) AS add_ons`,
    [id],
  );
  return { upgrades: Number(rows[0]?.upgrades ?? 0), addOns: Number(rows[0]?.add_ons ?? 0) };
}

export async function deleteImage(db: Queryable, id: string): Promise<ImageRecord | undefined> {
  const rows = await db.query<ImageRow>('DELETE FROM images WHERE id = $1 RETURNING *', [id]);
  return rows[0] && toRecord(rows[0]);
}

export interface ImageChanges {
  families?: string[];
  /** null unlinks the add-on from its base image. */
  baseImageId?: string | null;
  version?: string;
}

export async function updateImage(db: Queryable, id: string, changes: ImageChanges): Promise<ImageRecord | undefined> {
  const rows = await db.query<ImageRow>(
    `UPDATE images SET families = coalesce($2, families),
       base_image_id = CASE WHEN $3 THEN $4::uuid ELSE base_image_id END,
       version = coalesce($5, version)
     WHERE id = $1 RETURNING *`,
    [id, changes.families ?? null, changes.baseImageId !== undefined, changes.baseImageId ?? null, changes.version ?? null],
  );
  return rows[0] && toRecord(rows[0]);
}

/**
 * SMUs and AP packs name the release they patch, an NX-OS kickstart the release of its system image (cat9k_iosxe.17.09.04a.CSCwh87343.SPA.smu.bin):
 * links unlinked add-ons to the one base image of the same platform and version, in both
 * directions (an add-on imported after its base, or a base imported after its add-ons). When two
 * base images would fit, nothing is linked and the operator chooses (PATCH /images/:id).
 */
export async function linkAddOnsToBases(db: Queryable): Promise<number> {
  const rows = await db.query<{ id: string }>(
    `UPDATE images a SET base_image_id = (
        SELECT b.id FROM images b
         WHERE b.image_type = 'base' AND b.platform = a.platform AND b.version = a.version)
      WHERE a.image_type IN ('SMU', 'APSP', 'APDP', 'kickstart') AND a.base_image_id IS NULL
        AND a.platform IS NOT NULL AND a.version IS NOT NULL
        AND (SELECT count(*) FROM images b
              WHERE b.image_type = 'base' AND b.platform = a.platform AND b.version = a.version) = 1
      RETURNING a.id`,
  );
  return rows.length;
}
