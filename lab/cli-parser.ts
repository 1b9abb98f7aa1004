// IOS-style command matching: a tree of keywords where each typed word may be any unambiguous
// prefix (`sh ver`, `conf t`, `wr mem`, `term len 0`), and the output filters after `|`.
// Failures carry the column of the offending word so the CLI can draw the `^` marker.

export interface Token {
  text: string;
  /** Column of the token's first character in the typed line. */
  offset: number;
}

/** none: no words after the keyword; optional/required: free arguments follow. */
export type ArgMode = 'none' | 'optional' | 'required';

export interface CommandNode<H> {
  children?: Record<string, CommandNode<H>>;
  handler?: H;
  args?: ArgMode;
}

export type ParseResult<H> =
  | { kind: 'ok'; handler: H; args: Token[]; words: string[] }
  | { kind: 'empty' }
  | { kind: 'invalid'; offset: number }
  | { kind: 'ambiguous' }
  | { kind: 'incomplete' };

export function tokenize(line: string, base = 0): Token[] {
  return Array.from(line.matchAll(/\S+/g), (m) => ({ text: m[0], offset: base + (m.index ?? 0) }));
}

export const AMBIGUOUS = Symbol('ambiguous');

/** The keyword `word` abbreviates: exact match first, then the single one it prefixes. */
export function matchKeyword(word: string, keywords: readonly string[]): string | typeof AMBIGUOUS | undefined {
  const w = word.toLowerCase();
  if (keywords.includes(w)) return w;
  const hits = keywords.filter((k) => k.startsWith(w));
  if (hits.length > 1) return AMBIGUOUS;
  return hits[0];
}

export function parseCommand<H>(root: CommandNode<H>, tokens: Token[]): ParseResult<H> {
  if (tokens.length === 0) return { kind: 'empty' };
  let node = root;
  const words: string[] = [];
  let i = 0;
  for (; i < tokens.length; i++) {
    const token = tokens[i];
    if (!token || !node.children) break;
    const keyword = matchKeyword(token.text, Object.keys(node.children));
    if (keyword === AMBIGUOUS) return { kind: 'ambiguous' };
    if (keyword === undefined) {
      // Not a keyword here: it is an argument if this node takes any.
      if (node.handler && node.args && node.args !== 'none') break;
      return { kind: 'invalid', offset: token.offset };
    }
    const next = node.children[keyword];
    if (!next) return { kind: 'invalid', offset: token.offset };
    node = next;
    words.push(keyword);
  }
  const args = tokens.slice(i);
  if (!node.handler) return { kind: 'incomplete' };
  if (args.length > 0 && (node.args ?? 'none') === 'none') {
    return { kind: 'invalid', offset: args[0]?.offset ?? 0 };
  }
  if (args.length === 0 && node.args === 'required') return { kind: 'incomplete' };
  return { kind: 'ok', handler: node.handler, args, words };
}

export type FilterResult = { kind: 'ok'; lines: string[] } | { kind: 'invalid'; offset: number } | { kind: 'incomplete' };

const FILTERS = ['include', 'exclude', 'begin', 'section', 'count'] as const;

function regexOf(pattern: string): RegExp {
  try {
    return new RegExp(pattern);
  } catch {
    return new RegExp(pattern.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));
  }
}

/** Applies `| include|exclude|begin|section|count <regex>` (text after the bar at `base`). */
export function applyFilter(lines: string[], filterText: string, base: number): FilterResult {
  const tokens = tokenize(filterText, base);
  const first = tokens[0];
  if (!first) return { kind: 'incomplete' };
  const kind = matchKeyword(first.text, FILTERS);
  if (kind === undefined || kind === AMBIGUOUS) return { kind: 'invalid', offset: first.offset };
  const second = tokens[1];
  if (!second) return { kind: 'incomplete' };
  const pattern = filterText.slice(second.offset - base).trim();
  const re = regexOf(pattern);
  switch (kind) {
    case 'include':
      return { kind: 'ok', lines: lines.filter((l) => re.test(l)) };
    case 'exclude':
      return { kind: 'ok', lines: lines.filter((l) => !re.test(l)) };
    case 'begin': {
      const at = lines.findIndex((l) => re.test(l));
      return { kind: 'ok', lines: at < 0 ? [] : lines.slice(at) };
    }
    case 'count':
      return { kind: 'ok', lines: [`Number of lines which match regexp = ${lines.filter((l) => re.test(l)).length}`] };
    case 'section': {
      const out: string[] = [];
      let inSection = false;
      for (const l of lines) {
        const indented = /^\s/.test(l);
        if (!indented) inSection = re.test(l);
        if (inSection || (indented && re.test(l))) out.push(l);
      }
      return { kind: 'ok', lines: out };
    }
  }
  return { kind: 'invalid', offset: first.offset };
}
