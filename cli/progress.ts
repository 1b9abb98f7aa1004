// Progress on stderr: rewritten in place on a terminal, one line per step otherwise (logs, CI).
export interface ProgressOptions {
  stream?: NodeJS.WriteStream;
  /** Off: report nothing (e.g. --json without --progress). */
  enabled: boolean;
  /** Without a terminal, print a line only when the percent moved by at least this much. */
  lineStep?: number;
}

export class Progress {
  private readonly stream: NodeJS.WriteStream;
  private readonly tty: boolean;
  private lastText = '';
  private lastPercent = -1;
  private open = false;

  constructor(private readonly options: ProgressOptions) {
    this.stream = options.stream ?? process.stderr;
    this.tty = this.stream.isTTY === true;
  }

  /** `text` is shown when it changed; `percent`, when given, throttles plain-line output. */
  update(text: string, percent?: number): void {
    if (!this.options.enabled || text === this.lastText) return;
    if (this.tty) {
      this.stream.write(`\r\u001b[2K${text}`);
      this.open = true;
    } else {
      const step = this.options.lineStep ?? 1;
      if (percent !== undefined && percent < 100 && this.lastPercent >= 0 && percent - this.lastPercent < step) return;
      this.stream.write(`${text}\n`);
    }
    this.lastText = text;
    if (percent !== undefined) this.lastPercent = percent;
  }

  /** Ends the in-place line so what follows starts on a fresh one. */
  done(): void {
    if (this.open) this.stream.write('\n');
    this.open = false;
  }
}

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));
