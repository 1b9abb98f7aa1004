// Readable output: aligned tables, short ids, sizes, and the styled WARNING / ERROR lines.
// Colour only on a terminal, never with NO_COLOR set (https://no-color.org).

export interface Style {
  red(text: string): string;
  yellow(text: string): string;
  bold(text: string): string;
}

export function styleFor(stream: NodeJS.WriteStream, env: NodeJS.ProcessEnv = process.env): Style {
  const on = stream.isTTY === true && !env.NO_COLOR && env.TERM !== 'dumb';
  const wrap = (code: string) => (text: string) => (on ? `\u001b[${code}m${text}\u001b[0m` : text);
  return { red: wrap('31'), yellow: wrap('33'), bold: wrap('1') };
}

/** The first 8 characters of a UUID: what `images list` shows and what commands accept back. */
export const shortId = (id: string): string => id.slice(0, 8);

/** Columns padded to their widest cell; empty values shown as '-'. */
export function table(headers: readonly string[], rows: readonly (readonly (string | number | null | undefined)[])[]): string {
  const cells = rows.map((row) => headers.map((_, i) => cell(row[i])));
  const widths = headers.map((h, i) => Math.max(h.length, ...cells.map((row) => row[i]?.length ?? 0)));
  const line = (values: readonly string[]) => values.map((v, i) => (i === values.length - 1 ? v : v.padEnd(widths[i] ?? 0))).join('  ').trimEnd();
  return [line(headers), ...cells.map(line)].join('\n');
}

function cell(value: string | number | null | undefined): string {
  if (value === null || value === undefined || value === '') return '-';
  return String(value);
}

export function bytes(n: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let value = n;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return unit === 0 ? `${n} B` : `${value.toFixed(1)} ${units[unit]}`;
}

/** A golden scope in one word: `family`, `family:ROLE`, `family@Global/Paris`, `family:ROLE@site`. */
export function goldenScope(family: string, scope: { role: string | null; site: string | null }): string {
  return `${family}${scope.role ? `:${scope.role}` : ''}${scope.site ? `@${scope.site}` : ''}`;
}

/** Temporal durations come back as milliseconds or as strings like '6h'. */
export function duration(value: unknown): string {
  if (typeof value !== 'number') return String(value);
  const seconds = Math.round(value / 1000);
  if (seconds % 3600 === 0) return `${seconds / 3600}h`;
  if (seconds % 60 === 0) return `${seconds / 60}m`;
  return `${seconds}s`;
}
