// Import of an image into the repository: bytes into the content-addressed store, metadata read
// from the Cisco file name, one record per distinct content.
import type { Readable } from 'node:stream';
import { describeImageFileName, isSafeFileName, SAFE_FILE_NAME_RULE } from '../domain/image-name.ts';
import type { Queryable } from '../store/database.ts';
import { getImage, linkAddOnsToBases, saveImage, type ImageRecord, type ThirdParty } from '../store/images.ts';
import type { ImageStore } from './image-store.ts';

export class InvalidImageNameError extends Error {
  constructor(name: string) {
    super(`image file name ${JSON.stringify(name)} is not allowed: use ${SAFE_FILE_NAME_RULE}`);
    this.name = 'InvalidImageNameError';
  }
}

export interface ImportRequest {
  fileName: string;
  source: string;
  /** Overrides what the file name says. */
  version?: string;
  platform?: string;
  /** For a SMU / AP pack: the base image it patches. */
  baseImageId?: string;
  /** Device families the image applies to. */
  families?: string[];
  /** Not a Cisco image: who makes it and what it is. */
  thirdParty?: ThirdParty;
}

export interface ImportResult {
  image: ImageRecord;
  /** False when the same bytes were already in the repository. */
  created: boolean;
}

export async function importImage(
  db: Queryable,
  store: ImageStore,
  bytes: Readable,
  request: ImportRequest,
  maxBytes: number,
): Promise<ImportResult> {
  if (!isSafeFileName(request.fileName)) throw new InvalidImageNameError(request.fileName);
  const digest = await store.ingest(bytes, maxBytes);
  // Cisco's naming rules say nothing about a third party's file names.
  const fromName = request.thirdParty ? undefined : describeImageFileName(request.fileName);
  const saved = await saveImage(db, {
    fileName: request.fileName,
    platform: request.platform ?? fromName?.platform ?? null,
    version: request.version ?? fromName?.version ?? null,
    source: request.source,
    imageType: fromName?.imageType ?? 'base',
    ...(request.baseImageId ? { baseImageId: request.baseImageId } : {}),
    ...(request.families ? { families: request.families } : {}),
    ...(request.thirdParty ? { thirdParty: request.thirdParty } : {}),
    ...digest,
  });
  if (!saved.created || (await linkAddOnsToBases(db)) === 0) return saved;
  return { ...saved, image: (await getImage(db, saved.image.id)) ?? saved.image };
}
