// IOS reports command failures inline as `%Error ...` / `% Invalid input ...` lines.

/** The first error line a command printed, or undefined when it printed none. */
export function findCliError(output: string): string | undefined {
  return output
    .split(/\r?\n/)
    .map((line) => line.trim())
    .find((line) => /^%\s?(Error|Invalid|Incomplete|Ambiguous|Bad|Access denied)/i.test(line));
}
