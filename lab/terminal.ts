// The vty line discipline of one session: turns the bytes a client types into lines (echo,
// backspace, CR/LF/CRLF, Ctrl-Z, arrow keys ignored) and writes output, pausing long output at
// ` --More-- ` the way IOS does when `terminal length` is not 0.

export interface LineRead {
  text: string;
  /** Ctrl-Z ended the line (config mode: back to privileged). */
  ctrlZ?: boolean;
}

const MORE = ' --More-- ';
const ERASE_MORE = '\b'.repeat(MORE.length) + ' '.repeat(MORE.length) + '\b'.repeat(MORE.length);

export class Terminal {
  private input = '';
  private wake: (() => void) | undefined;
  private inputEnded = false;
  private closed = false;
  /** A CR ended the last line; a LF right after it belongs to the same Enter. */
  private swallowLf = false;

  /**
   * @param sink writes to the client
   * @param interactive a pty session (echo, paging); false for `exec` requests
   */
  constructor(
    private readonly sink: (text: string) => void,
    readonly interactive: boolean,
  ) {}

  feed(data: string): void {
    this.input += data;
    this.wake?.();
  }

  /** The client sent EOF (exec) or the channel closed. */
  endInput(): void {
    this.inputEnded = true;
    this.wake?.();
  }

  close(): void {
    this.closed = true;
    this.endInput();
  }

  get isClosed(): boolean {
    return this.closed;
  }

  write(text: string): void {
    if (!this.closed) this.sink(text);
  }

  writeLines(lines: string[]): void {
    if (lines.length > 0) this.write(lines.map((l) => `${l}\r\n`).join(''));
  }

  private async nextChar(): Promise<string | undefined> {
    for (;;) {
      if (this.input.length > 0) {
        const c = this.input[0] ?? '';
        this.input = this.input.slice(1);
        if (this.swallowLf) {
          this.swallowLf = false;
          if (c === '\n') continue;
        }
        return c;
      }
      if (this.inputEnded) return undefined;
      await new Promise<void>((resolve) => {
        this.wake = resolve;
      });
      this.wake = undefined;
    }
  }

  /** Skips the rest of an ANSI escape sequence (arrow keys and the like). */
  private async skipEscape(): Promise<void> {
    const first = await this.nextChar();
    if (first !== '[' && first !== 'O') return;
    for (;;) {
      const c = await this.nextChar();
      if (c === undefined || /[A-Za-z~]/.test(c)) return;
    }
  }

  /** Reads one line; undefined when the input ended before anything was typed. */
  async readLine(echo = true): Promise<LineRead | undefined> {
    const show = (text: string): void => {
      if (this.interactive && echo) this.write(text);
    };
    let line = '';
    for (;;) {
      const c = await this.nextChar();
      if (c === undefined) return line.length > 0 ? { text: line } : undefined;
      if (c === '\r' || c === '\n') {
        if (c === '\r') this.swallowLf = true;
        if (this.interactive) this.write('\r\n');
        return { text: line };
      }
      if (c === '\x7f' || c === '\b') {
        if (line.length > 0) {
          line = line.slice(0, -1);
          show('\b \b');
        }
      } else if (c === '\x1a') {
        show('^Z');
        if (this.interactive) this.write('\r\n');
        return { text: line, ctrlZ: true };
      } else if (c === '\x03') {
        // Ctrl-C abandons the line.
        if (this.interactive) this.write('\r\n');
        return { text: '' };
      } else if (c === '\x15') {
        show('\b \b'.repeat(line.length));
        line = '';
      } else if (c === '\x1b') {
        await this.skipEscape();
      } else if (c >= ' ') {
        line += c;
        show(c);
      }
    }
  }

  /** One keystroke (for the pager); undefined when the input ended. */
  async readKey(): Promise<string | undefined> {
    const c = await this.nextChar();
    if (c === '\r') this.swallowLf = true;
    if (c === '\x1b') await this.skipEscape();
    return c;
  }

  /**
   * Writes lines, pausing every `pageLength - 1` lines at ` --More-- `: space shows the next
   * page, Enter one more line, anything else stops the output.
   */
  async page(lines: string[], pageLength: number): Promise<void> {
    if (!this.interactive || pageLength <= 1 || lines.length < pageLength) {
      this.writeLines(lines);
      return;
    }
    let index = 0;
    let budget = pageLength - 1;
    while (index < lines.length) {
      const chunk = lines.slice(index, index + budget);
      index += chunk.length;
      this.writeLines(chunk);
      if (index >= lines.length) return;
      this.write(MORE);
      const key = await this.readKey();
      this.write(ERASE_MORE);
      if (key === ' ') budget = pageLength - 1;
      else if (key === '\r' || key === '\n') budget = 1;
      else {
        // Quitting leaves the cursor on the erased line; the prompt starts on a fresh one.
        this.write('\r\n');
        return;
      }
    }
  }
}
