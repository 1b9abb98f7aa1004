// One piece of work shared by everyone who needs it at the same time (staging an image on a site
// server: every device of the site waits for the same upload). Each waiter can give up on its own;
// the work is aborted only when no waiter is left, so one cancelled upgrade never takes the image
// away from the others. Work whose waiters all left is replaced by a fresh start for a newcomer.

interface Entry<T, S> {
  promise: Promise<T>;
  state: S;
  waiters: number;
  abort: AbortController;
}

export class SharedWork<T, S> {
  private readonly running = new Map<string, Entry<T, S>>();

  /** `newState`: the state (progress, say) each new piece of work starts with, shared with its waiters. */
  constructor(private readonly newState: () => S) {}

  /**
   * Joins the work under `key`, starting it with `start` when none is running. Returns at once
   * with the work's shared state and `done`, which settles with the work or rejects with
   * `signal.reason` when `signal` aborts this caller's wait. The work itself is aborted (through
   * the signal `start` received) once every waiter has left that way.
   */
  join(key: string, start: (signal: AbortSignal, state: S) => Promise<T>, signal: AbortSignal): { done: Promise<T>; state: S } {
    let entry = this.running.get(key);
    if (!entry || entry.abort.signal.aborted) {
      const abort = new AbortController();
      const state = this.newState();
      const created: Entry<T, S> = { promise: start(abort.signal, state), state, waiters: 0, abort };
      entry = created;
      this.running.set(key, created);
      const forget = (): void => {
        if (this.running.get(key) === created) this.running.delete(key);
      };
      // Settled work is forgotten; with no waiter left its rejection is nobody's to handle.
      created.promise.then(forget, forget);
    }
    return { done: this.wait(entry, signal), state: entry.state };
  }

  /** How many pieces of work are running. */
  get size(): number {
    return this.running.size;
  }

  private async wait(entry: Entry<T, S>, signal: AbortSignal): Promise<T> {
    entry.waiters++;
    let onAbort: (() => void) | undefined;
    try {
      return await Promise.race([
        entry.promise,
        new Promise<never>((_, reject) => {
          onAbort = () => reject(signal.reason instanceof Error ? signal.reason : new Error(`gave up waiting: ${String(signal.reason)}`));
          if (signal.aborted) onAbort();
          else signal.addEventListener('abort', onAbort, { once: true });
        }),
      ]);
    } finally {
      if (onAbort) signal.removeEventListener('abort', onAbort);
      entry.waiters--;
      if (entry.waiters === 0 && signal.aborted) entry.abort.abort(signal.reason);
    }
  }
}
