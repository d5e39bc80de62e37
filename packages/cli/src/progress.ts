// Progress bars on stderr, only for people watching a terminal (never with --json or when
// either stream is redirected).
import type { CliIo } from './io.js';

export interface Progress {
  /** fraction in [0, 1] (undefined: unknown), and a short message */
  update(fraction: number | undefined, message?: string): void;
  done(): void;
}

const NONE: Progress = { update() {}, done() {} };

export function createProgress(io: CliIo, label: string, json = false): Progress {
  if (!io.interactive || json) return NONE;
  const width = Math.max(10, Math.min(30, (io.columns ?? 80) - label.length - 40));
  let last = 0;
  let drawn = false;
  return {
    update(fraction, message = '') {
      const now = Date.now();
      if (now - last < 80 && fraction !== 1) return; // redraw at most ~12 times a second
      last = now;
      const bar =
        fraction === undefined
          ? '…'.padEnd(width)
          : '█'.repeat(Math.round(Math.min(1, Math.max(0, fraction)) * width)).padEnd(width, '░');
      const pct = fraction === undefined ? '' : ` ${Math.round(fraction * 100)}%`.padStart(5);
      const line = `${label} ${bar}${pct} ${message}`.slice(0, (io.columns ?? 80) - 1);
      io.stderr(`\r\x1b[2K${line}`);
      drawn = true;
    },
    done() {
      if (drawn) io.stderr('\r\x1b[2K');
      drawn = false;
    },
  };
}

/**
 * Lets signal handlers run (long synchronous stretches otherwise starve them). Two check phases
 * guarantee a full poll phase in between, where libuv delivers pending signals.
 */
export async function yieldToEventLoop(): Promise<void> {
  for (let i = 0; i < 2; i++) await new Promise((resolve) => setImmediate(resolve));
}
