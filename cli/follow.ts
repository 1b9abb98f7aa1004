// Following a workflow through its status route until it ends, showing progress on stderr.
import { UsageError } from './command.ts';
import { Progress, sleep } from './progress.ts';

export interface FollowStep {
  /** One line saying where it is, e.g. `distribute 37% (copying 48%)`. */
  text: string;
  percent?: number;
  finished: boolean;
}

export interface FollowOptions<T> {
  read: () => Promise<T>;
  describe: (view: T) => FollowStep;
  intervalMs: number;
  showProgress: boolean;
  /** Said when the user stops following with Ctrl-C: the work goes on in Temporal. */
  onInterrupt: string;
}

export async function follow<T>(options: FollowOptions<T>): Promise<T> {
  const progress = new Progress({ enabled: options.showProgress, lineStep: 1 });
  const interrupt = () => {
    progress.done();
    process.stderr.write(`${options.onInterrupt}\n`);
    process.exit(130);
  };
  process.once('SIGINT', interrupt);
  try {
    for (;;) {
      const view = await options.read();
      const step = options.describe(view);
      progress.update(step.text, step.percent);
      if (step.finished) return view;
      await sleep(options.intervalMs);
    }
  } finally {
    progress.done();
    process.removeListener('SIGINT', interrupt);
  }
}

/** --interval SECONDS → milliseconds (default 1 s). */
export function intervalMs(value: string | undefined): number {
  if (value === undefined) return 1000;
  const seconds = Number(value);
  if (!Number.isFinite(seconds) || seconds < 0.05 || seconds > 3600) throw new UsageError(`--interval: seconds between 0.05 and 3600, not ${value}`);
  return Math.round(seconds * 1000);
}
