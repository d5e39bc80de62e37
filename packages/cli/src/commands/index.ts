// Every command, in the order `octet --help` lists them.
import type { CommandSpec } from '../args.js';
import { inspectCommand } from './inspect.js';
import { runCommand } from './run.js';
import { evalCommand } from './eval.js';
import { benchCommand } from './bench.js';
import { quantizeCommand } from './quantize.js';

export const commands: readonly CommandSpec[] = [inspectCommand, runCommand, evalCommand, benchCommand, quantizeCommand];
