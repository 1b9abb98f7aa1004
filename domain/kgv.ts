// Known Good Values (KGV): Cisco's published hashes of genuine images, and the check of an image
// in the repository against them.
//
// Accepted format: Cisco's KGV data file, a JSON document (KGV_format_2.0). Cisco publishes it on
// the Trust Center downloads page (https://www.cisco.com/c/en/us/about/trust-center/downloads.html,
// "Known Good Values (KGV) — Download KGV JSON": "This KGV file is in standard JSON format, is
// signed by Cisco"), and its layout is shown by Cisco's own reader, CiscoDevNet/BootIntegrityValidator
// (docs/Initialization.rst, examples/example_kgv_updated_unsigned.json):
//
//   { "header": { "version": "KGV_format_2.0" },
//     "products": [
//       { "product": "ISR4000",
//         "osImageVersions": [
//           { "version": "16.02.01",
//             "entries": [ { "filename": "isr4300-universalk9.16.02.01.SPA.bin",
//                            "sha512": "<128 hex>", "md5": "<32 hex>",
//                            "sha1": "<40 hex>", "sha256": "<64 hex>",
//                            "biv_hash": "<hex>", "published": "May 14 2017 19:16:11 PDT-0700" } ] } ],
//         "bootLoaderVersions": [ … ], "boot0Versions": [ … ] } ] }
//
// What netswim reads: every osImageVersions entry becomes one KGV entry (file name, platform =
// product, version, SHA-512 and/or MD5, SHA-256 when given). `header` is optional; when present its
// version must start with `KGV_format_`. bootLoaderVersions / boot0Versions (boot-integrity
// measurements, not image files) and unknown keys are accepted and ignored. Refused: text that is
// not JSON, no products, an entry without a safe file name, an entry with neither SHA-512 nor MD5,
// a hash that is not hex of the right length, one file name listed with different hashes.
// The signature of Cisco's bundle is checked outside the domain (it needs crypto); see kgv-format.md.
import { z } from 'zod';
import { isSafeFileName, SAFE_FILE_NAME_RULE } from './image-name.ts';

const hex = (len: number, name: string) =>
  z
    .string()
    .trim()
    .regex(new RegExp(`^[0-9a-fA-F]{${len}}$`), `${name} must be ${len} hexadecimal characters`)
    .transform((s) => s.toLowerCase());

const entrySchema = z
  .object({
    filename: z.string().refine(isSafeFileName, `filename: ${SAFE_FILE_NAME_RULE}`),
    sha512: hex(128, 'sha512').optional(),
    md5: hex(32, 'md5').optional(),
    sha256: hex(64, 'sha256').optional(),
    sha1: hex(40, 'sha1').optional(),
    published: z.string().max(100).optional(),
  })
  .refine((e) => e.sha512 !== undefined || e.md5 !== undefined, 'an entry needs sha512 and/or md5');

const productSchema = z.object({
  product: z.string().trim().min(1, 'product must name a platform').max(100),
  osImageVersions: z
    .array(z.object({ version: z.string().trim().min(1).max(60), entries: z.array(entrySchema) }))
    .optional(),
  bootLoaderVersions: z.array(z.unknown()).optional(),
  boot0Versions: z.array(z.unknown()).optional(),
});

const kgvSchema = z.object({
  header: z.object({ version: z.string().regex(/^KGV_format_/, 'header.version must be KGV_format_<n>') }).optional(),
  products: z.array(productSchema).min(1, 'products must list at least one product'),
});

export interface KgvEntry {
  fileName: string;
  /** Cisco's product name, e.g. ISR4000, C9300. */
  platform: string;
  version: string;
  sha512?: string;
  md5?: string;
  sha256?: string;
  published?: string;
}

export interface KnownGoodValues {
  formatVersion?: string;
  entries: KgvEntry[];
}

export class KgvFormatError extends Error {
  constructor(problem: string) {
    super(`not a Known Good Values file: ${problem}`);
    this.name = 'KgvFormatError';
  }
}

const MAX_PROBLEMS = 5;

/** Reads Cisco's KGV JSON (text or already-parsed JSON); throws KgvFormatError with what is wrong. */
export function parseKgv(input: unknown): KnownGoodValues {
  let data: unknown = input;
  if (typeof input === 'string') {
    try {
      data = JSON.parse(input);
    } catch (e) {
      throw new KgvFormatError(`not JSON (${(e as Error).message})`);
    }
  }
  const parsed = kgvSchema.safeParse(data);
  if (!parsed.success) {
    const problems = parsed.error.issues
      .slice(0, MAX_PROBLEMS)
      .map((i) => `${i.path.length ? i.path.join('.') : '(top level)'}: ${i.message}`);
    const more = parsed.error.issues.length > MAX_PROBLEMS ? ` (and ${parsed.error.issues.length - MAX_PROBLEMS} more)` : '';
    throw new KgvFormatError(problems.join('; ') + more);
  }
  const entries: KgvEntry[] = [];
  const byName = new Map<string, KgvEntry>();
  for (const product of parsed.data.products) {
    for (const osVersion of product.osImageVersions ?? []) {
      for (const e of osVersion.entries) {
        const entry: KgvEntry = {
          fileName: e.filename,
          platform: product.product,
          version: osVersion.version,
          ...(e.sha512 ? { sha512: e.sha512 } : {}),
          ...(e.md5 ? { md5: e.md5 } : {}),
          ...(e.sha256 ? { sha256: e.sha256 } : {}),
          ...(e.published ? { published: e.published } : {}),
        };
        const seen = byName.get(entry.fileName);
        if (seen) {
          for (const algo of ['sha512', 'md5', 'sha256'] as const) {
            if (seen[algo] && entry[algo] && seen[algo] !== entry[algo]) {
              throw new KgvFormatError(`${entry.fileName} is listed twice with different ${algo} values`);
            }
          }
        } else {
          byName.set(entry.fileName, entry);
        }
        entries.push(entry);
      }
    }
  }
  return { ...(parsed.data.header ? { formatVersion: parsed.data.header.version } : {}), entries };
}

export type IntegrityStatus = 'verified' | 'not-verifiable' | 'mismatch';

export interface IntegrityResult {
  status: IntegrityStatus;
  reason: string;
  /** The KGV entry the image was checked against. */
  entry?: KgvEntry;
  /** Which hash decided: sha512 is preferred; md5 alone is weaker and said so. */
  algorithm?: 'sha512' | 'md5';
}

export interface ImageDigests {
  fileName: string;
  md5?: string;
  sha512?: string;
  platform?: string;
}

const lower = (s: string | undefined): string | undefined => s?.trim().toLowerCase() || undefined;

/**
 * Checks an image's digests against Known Good Values: `verified` when a known hash of the same
 * file matches (or the bytes are known under another name), `mismatch` when a hash of the same file
 * differs — the image must never be distributed — and `not-verifiable` when KGV does not list the
 * file or shares no hash algorithm with what we have.
 */
export function verifyImage(image: ImageDigests, kgv: KnownGoodValues): IntegrityResult {
  const md5 = lower(image.md5);
  const sha512 = lower(image.sha512);
  const entry = kgv.entries.find((e) => e.fileName === image.fileName);
  const on = image.platform ? ` (platform ${image.platform})` : '';
  if (entry) {
    if (sha512 && entry.sha512 && sha512 !== entry.sha512) {
      return { status: 'mismatch', reason: `SHA-512 of ${image.fileName} differs from Cisco's Known Good Value for ${entry.platform} ${entry.version}`, entry, algorithm: 'sha512' };
    }
    if (md5 && entry.md5 && md5 !== entry.md5) {
      return { status: 'mismatch', reason: `MD5 of ${image.fileName} differs from Cisco's Known Good Value for ${entry.platform} ${entry.version}`, entry, algorithm: 'md5' };
    }
    if (sha512 && entry.sha512) {
      return { status: 'verified', reason: `SHA-512 matches Cisco's Known Good Value for ${entry.platform} ${entry.version}`, entry, algorithm: 'sha512' };
    }
    if (md5 && entry.md5) {
      return { status: 'verified', reason: `MD5 matches Cisco's Known Good Value for ${entry.platform} ${entry.version} (no SHA-512 to compare)`, entry, algorithm: 'md5' };
    }
    return {
      status: 'not-verifiable',
      reason: `KGV lists ${image.fileName} with ${[entry.sha512 && 'SHA-512', entry.md5 && 'MD5'].filter(Boolean).join(' and ')} but the image has no such digest`,
      entry,
    };
  }
  const renamed = kgv.entries.find((e) => (sha512 && e.sha512 === sha512) || (!sha512 && md5 && e.md5 === md5));
  if (renamed) {
    const algorithm = sha512 && renamed.sha512 === sha512 ? 'sha512' : 'md5';
    return {
      status: 'verified',
      reason: `the bytes are Cisco's ${renamed.fileName} (${renamed.platform} ${renamed.version}), ${algorithm === 'sha512' ? 'SHA-512' : 'MD5'} matches`,
      entry: renamed,
      algorithm,
    };
  }
  return { status: 'not-verifiable', reason: `${image.fileName}${on} is not listed in the Known Good Values` };
}
