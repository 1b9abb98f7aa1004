// Rules for JSON that reaches netswim from outside, beyond its schema: no string carries a control
// character (a line break in a value typed on a device CLI runs a second command; a NUL is refused
// by PostgreSQL), and a signed body has no duplicate keys (JSON.parse keeps the last one silently,
// so a signature could vouch for a value other than the one read).

// C0 controls, DEL, C1 controls and the Unicode line and paragraph separators.
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/;

/** JSON from outside nests at most this deep: netswim's bodies need 4 levels; a walk of 20,000 overflows the stack. */
export const MAX_JSON_DEPTH = 32;

/** Whether `value` has arrays or objects nested more than `max` levels deep (walked without recursion). */
export function nestedDeeperThan(value: unknown, max: number): boolean {
  const stack: { value: unknown; depth: number }[] = [{ value, depth: 0 }];
  while (stack.length > 0) {
    const { value: item, depth } = stack.pop()!;
    if (item === null || typeof item !== 'object') continue;
    if (depth + 1 > max) return true;
    for (const child of Array.isArray(item) ? item : Object.values(item)) stack.push({ value: child, depth: depth + 1 });
  }
  return false;
}

/** The path (`devices.0.enableSecret`) of the first string holding a control character, with the character. */
export function controlCharacterIn(value: unknown, path: (string | number)[] = []): { path: string; code: string } | undefined {
  if (typeof value === 'string') {
    const bad = CONTROL.exec(value);
    return bad ? { path: path.join('.') || '(body)', code: `U+${bad[0].codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}` } : undefined;
  }
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const found = controlCharacterIn(value[i], [...path, i]);
      if (found) return found;
    }
  } else if (value !== null && typeof value === 'object') {
    for (const [key, item] of Object.entries(value)) {
      const found = controlCharacterIn(key, [...path, key]) ?? controlCharacterIn(item, [...path, key]);
      if (found) return found;
    }
  }
  return undefined;
}

/**
 * The first key that appears twice in one object of `text` (valid JSON assumed: call after
 * JSON.parse succeeded), or undefined. A small scanner: strings are skipped with their escapes.
 */
export function duplicateKeyIn(text: string): string | undefined {
  const stack: (Set<string> | undefined)[] = [];
  let expectKey = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (ch === '{') {
      stack.push(new Set());
      expectKey = true;
    } else if (ch === '[') {
      stack.push(undefined);
      expectKey = false;
    } else if (ch === '}' || ch === ']') {
      stack.pop();
      expectKey = false;
    } else if (ch === ',') {
      expectKey = stack.at(-1) !== undefined;
    } else if (ch === '"') {
      let j = i + 1;
      while (j < text.length && text[j] !== '"') j += text[j] === '\\' ? 2 : 1;
      if (expectKey) {
        const key = JSON.parse(text.slice(i, j + 1)) as string;
        const keys = stack.at(-1);
        if (keys?.has(key)) return key;
        keys?.add(key);
        expectKey = false;
      }
      i = j;
    }
  }
  return undefined;
}
