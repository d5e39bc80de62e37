// The `octet` entry point: picks the command, parses its arguments, maps failures to exit codes
// (0 success, 1 operation failed, 2 usage error) with one line on stderr.
import { createRequire } from 'node:module';
import { helpText, parseCommand, type CommandSpec } from './args.js';
import { EXIT_FAILURE, EXIT_OK, EXIT_USAGE, UsageError, oneLine } from './errors.js';
import { processIo, type CliIo } from './io.js';
import { commands } from './commands/index.js';

function version(): string {
  try {
    return (createRequire(import.meta.url)('../package.json') as { version: string }).version;
  } catch {
    return 'unknown';
  }
}

function topHelp(): string {
  const w = Math.max(...commands.map((c) => c.name.length)) + 2;
  return [
    'Usage: octet <command> [options]',
    '',
    'Quantize, inspect, run and evaluate ONNX models with Octet.',
    '',
    'Commands:',
    ...commands.map((c) => `  ${c.name.padEnd(w)}${c.summary}`),
    '',
    "Run 'octet <command> --help' for a command's options.",
    '',
  ].join('\n');
}

/** Runs the CLI with `argv` (without node and script); resolves to the exit code. */
export async function main(argv: readonly string[], io: CliIo = processIo()): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    const target = name === 'help' && rest[0] ? commands.find((c) => c.name === rest[0]) : undefined;
    io.stdout(target ? helpText(target) : topHelp());
    if (name === undefined) return EXIT_USAGE;
    return EXIT_OK;
  }
  if (name === '--version' || name === '-v') {
    io.stdout(`${version()}\n`);
    return EXIT_OK;
  }
  const command = commands.find((c) => c.name === name);
  if (!command) {
    io.stderr(`octet: unknown command '${name}' (commands: ${commands.map((c) => c.name).join(', ')})\n`);
    return EXIT_USAGE;
  }
  return runCommand(command, rest, io);
}

async function runCommand(command: CommandSpec, argv: readonly string[], io: CliIo): Promise<number> {
  try {
    const args = parseCommand(command, argv, io);
    if (!args) return EXIT_OK;
    await command.run(args, io);
    return EXIT_OK;
  } catch (e) {
    if (e instanceof UsageError) {
      io.stderr(`octet ${command.name}: ${oneLine(e.message)} (see 'octet ${command.name} --help')\n`);
      return EXIT_USAGE;
    }
    io.stderr(`octet ${command.name}: ${describeFailure(e)}\n`);
    return EXIT_FAILURE;
  }
}

function describeFailure(e: unknown): string {
  if (!(e instanceof Error)) return oneLine(String(e));
  const sys = e as NodeJS.ErrnoException;
  // File system errors: "ENOENT: no such file or directory, open 'x'" → "x: no such file or directory".
  if (sys.code && sys.syscall && sys.path) {
    const what = e.message.replace(/^[A-Z]+: /, '').replace(/, \w+ '.*'$/, '');
    return oneLine(`${sys.path}: ${what}`);
  }
  return oneLine(e.message);
}
