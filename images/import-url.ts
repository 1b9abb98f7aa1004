// What an import URL may be: http, https or ftp, with a file name a device CLI can take. The
// display form replaces any credentials with *** and is the only form that leaves the API.
import { isSafeFileName, SAFE_FILE_NAME_RULE } from '../domain/image-name.ts';

export const IMPORT_SCHEMES = ['http:', 'https:', 'ftp:'] as const;

export interface ImportUrl {
  /** The URL as given (credentials included): seal it, never log or return it. */
  url: string;
  displayUrl: string;
  fileName: string;
}

/**
 * What may be shown of an import URL: scheme, host and path. User and password become `***@`,
 * every query value `***` (a `?token=…` is a credential as much as a password), the fragment goes.
 */
export function displayUrlOf(url: URL): string {
  const credentials = url.username || url.password ? '***@' : '';
  const names = [...url.searchParams.keys()].map((name) => `${encodeURIComponent(name)}=***`);
  const query = url.search ? `?${names.join('&')}` : '';
  return `${url.protocol}//${credentials}${url.host}${url.pathname}${query}`;
}

/** Parses an import URL; `{ error }` says what is wrong without echoing credentials. */
export function parseImportUrl(text: string, fileNameOverride?: string): ImportUrl | { error: string } {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return { error: 'url: not a valid absolute URL' };
  }
  if (!(IMPORT_SCHEMES as readonly string[]).includes(url.protocol)) {
    return { error: `url: scheme ${JSON.stringify(url.protocol.replace(/:$/, ''))} is not supported; use http, https or ftp` };
  }
  if (!url.hostname) return { error: 'url: no host' };
  const displayUrl = displayUrlOf(url);
  let fileName = fileNameOverride;
  if (fileName === undefined) {
    const last = url.pathname.split('/').pop() ?? '';
    try {
      fileName = decodeURIComponent(last);
    } catch {
      return { error: `url: the file name in ${displayUrl} is not valid percent-encoding` };
    }
    if (!fileName) return { error: `url: ${displayUrl} names no file; give fileName` };
  }
  if (!isSafeFileName(fileName)) return { error: `file name ${JSON.stringify(fileName)} is not allowed: use ${SAFE_FILE_NAME_RULE}` };
  return { url: url.href, displayUrl, fileName };
}
