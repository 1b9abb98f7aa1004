// The ITSM callback's authentication: HMAC-SHA256 of the raw body with the shared secret
// (NETSWIM_ITSM_CALLBACK_SECRET), compared in constant time, then the pure rules of
// domain/itsm.ts (body, timestamp header, replay window). One decision per change is enforced
// when the decision is stored (store/itsm-changes.ts).
import { createHmac, timingSafeEqual } from 'node:crypto';
import { callbackVerdict, parseSignatureHeader, SIGNATURE_HEADER, TIMESTAMP_HEADER, type CallbackFacts, type CallbackVerdict } from '../domain/itsm.ts';

/** Hex HMAC-SHA256 of `rawBody` (the exact bytes sent) with `secret`. */
export function signBody(secret: string, rawBody: string | Buffer): string {
  return createHmac('sha256', secret).update(rawBody).digest('hex');
}

/** The X-Netswim-Signature header value for a body. */
export function signatureHeader(secret: string, rawBody: string | Buffer): string {
  return `sha256=${signBody(secret, rawBody)}`;
}

/** Compares the header's digest with the body's in constant time. */
export function checkSignature(header: string | undefined, rawBody: string | Buffer, secret: string): CallbackFacts['signature'] {
  if (header === undefined || header.trim() === '') return 'missing';
  const claimed = parseSignatureHeader(header);
  if (!claimed) return 'malformed';
  const expected = createHmac('sha256', secret).update(rawBody).digest();
  return timingSafeEqual(Buffer.from(claimed, 'hex'), expected) ? 'valid' : 'mismatch';
}

type HeaderSource = Headers | Record<string, string | string[] | undefined>;

function header(headers: HeaderSource, name: string): string | undefined {
  if (headers instanceof Headers) return headers.get(name) ?? undefined;
  const key = Object.keys(headers).find((k) => k.toLowerCase() === name);
  const value = key === undefined ? undefined : headers[key];
  return Array.isArray(value) ? value[0] : value;
}

/**
 * verifyCallback(rawBody, headers, secret, nowMs, replayWindowMs): `{ok: true, callback}` or
 * `{ok: false, status: 401, reason}`. Nothing in an unsigned body is believed.
 */
export function verifyCallback(rawBody: string, headers: HeaderSource, secret: string, nowMs: number, replayWindowMs: number): CallbackVerdict {
  return callbackVerdict({
    rawBody,
    signature: checkSignature(header(headers, SIGNATURE_HEADER), rawBody, secret),
    timestampHeader: header(headers, TIMESTAMP_HEADER),
    nowMs,
    replayWindowMs,
  });
}
