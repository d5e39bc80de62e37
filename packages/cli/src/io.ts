// Where a command writes. The bin passes the process streams; tests pass buffers.

export interface CliIo {
  /** Results (text or JSON). */
  stdout(text: string): void;
  /** Failures and progress. */
  stderr(text: string): void;
  /** True when both streams are terminals: progress bars are drawn only then. */
  interactive: boolean;
  /** Columns of the terminal, for progress bars. */
  columns?: number;
  /** Working directory for relative paths (default process.cwd()). */
  cwd?: string;
}

export function processIo(): CliIo {
  return {
    stdout: (t) => process.stdout.write(t),
    stderr: (t) => process.stderr.write(t),
    interactive: Boolean(process.stdout.isTTY && process.stderr.isTTY),
    columns: process.stderr.columns,
  };
}

/** Captures everything written, for tests and embedding. */
export function bufferIo(interactive = false): CliIo & { out: string; err: string } {
  const io = {
    out: '',
    err: '',
    interactive,
    stdout(t: string) {
      io.out += t;
    },
    stderr(t: string) {
      io.err += t;
    },
  };
  return io;
}
