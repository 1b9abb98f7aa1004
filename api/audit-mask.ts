// What the audit log may keep of a request: every secret replaced by ***. Values under a secret
// key (password, enableSecret, secret, token, …) go whole; in any other text, URLs keep their
// scheme, host and path but lose their userinfo and their query values.

export const MASK = '***';

const SECRET_KEY = /passw(or)?d|passphrase|^pass$|^pwd$|secret|token|credential|authori[sz]ation|api[-_]?key|private[-_]?key|cookie/i;
// A URL inside any text: scheme://… up to white space or a quote.
const URL_IN_TEXT = /[a-z][a-z0-9+.-]*:\/\/[^\s"'<>]+/gi;

/** `text` with the userinfo and query values of every URL in it masked. */
export function maskText(text: string): string {
  return text.replace(URL_IN_TEXT, (url) =>
    url
      .replace(/^([a-z][a-z0-9+.-]*:\/\/)[^/?#]*@/i, `$1${MASK}@`)
      .replace(/([?&][^=&#]*=)[^&#]*/g, `$1${MASK}`),
  );
}

// The API refuses JSON nested deeper than this; the refused request is still recorded, this deep.
const MAX_DEPTH = 32;

/** A JSON value with every secret masked (a new value; `value` is not changed), at most 32 levels deep. */
export function maskSecrets(value: unknown, key?: string, depth = 0): unknown {
  if (key !== undefined && SECRET_KEY.test(key) && value !== null && value !== undefined) return MASK;
  if (typeof value === 'string') return maskText(value);
  if (value && typeof value === 'object' && depth >= MAX_DEPTH) return `(nested deeper than ${MAX_DEPTH} levels)`;
  if (Array.isArray(value)) return value.map((item) => maskSecrets(item, undefined, depth + 1));
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, maskSecrets(v, k, depth + 1)]));
  }
  return value;
}
