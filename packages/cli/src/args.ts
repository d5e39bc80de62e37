// Command-line parsing on node:util parseArgs: one spec per command drives parsing, value
// checks and the --help text, so the three never disagree.
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { UsageError } from './errors.js';
import type { CliIo } from './io.js';

export interface OptionSpec {
  type: 'string' | 'boolean';
  short?: string;
  /** Placeholder shown in help, e.g. 'DIR'. */
  value?: string;
  help: string;
  /** Allowed values (string options). */
  choices?: readonly string[];
  /** Parse as an integer within [min, max]. */
  integer?: { min: number; max?: number };
  /** Parse as a finite number within [min, max]. */
  number?: { min?: number; max?: number };
  required?: boolean;
}

export type OptionValue = string | boolean | number | undefined;

export interface ParsedArgs {
  positionals: string[];
  options: Record<string, OptionValue>;
}

export interface CommandSpec {
  name: string;
  /** Positional arguments, in order, all required (e.g. ['MODEL.onnx']). */
  positionals: readonly string[];
  summary: string;
  options: Record<string, OptionSpec>;
  /** Extra help paragraphs. */
  details?: string;
  run(args: ParsedArgs, io: CliIo): Promise<void>;
}

export function usageLine(spec: CommandSpec): string {
  const opts = Object.entries(spec.options).map(([name, o]) => {
    const flag = `--${name}${o.type === 'string' ? ` ${o.value ?? 'VALUE'}` : ''}`;
    return o.required ? flag : `[${flag}]`;
  });
  return ['octet', spec.name, ...spec.positionals, ...opts].join(' ');
}

export function helpText(spec: CommandSpec): string {
  const rows = Object.entries(spec.options).map(([name, o]) => {
    const flag = `${o.short ? `-${o.short}, ` : '    '}--${name}${o.type === 'string' ? ` ${o.value ?? 'VALUE'}` : ''}`;
    const choices = o.choices ? ` (${o.choices.join('|')})` : '';
    return [flag, `${o.help}${choices}${o.required ? ' [required]' : ''}`];
  });
  rows.push(['-h, --help', 'show this help']);
  const width = Math.max(...rows.map((r) => r[0].length)) + 2;
  const lines = [`Usage: ${usageLine(spec)}`, '', spec.summary, ''];
  if (spec.details) lines.push(spec.details, '');
  lines.push('Options:', ...rows.map(([f, h]) => `  ${f.padEnd(width)}${h}`));
  return lines.join('\n') + '\n';
}

/** Parses argv for one command; returns undefined when --help was asked (and printed). */
export function parseCommand(spec: CommandSpec, argv: readonly string[], io: CliIo): ParsedArgs | undefined {
  const config: ParseArgsConfig['options'] = { help: { type: 'boolean', short: 'h' } };
  for (const [name, o] of Object.entries(spec.options)) config[name] = o.short ? { type: o.type, short: o.short } : { type: o.type };
  let parsed;
  try {
    parsed = parseArgs({ args: [...argv], options: config, allowPositionals: true, strict: true });
  } catch (e) {
    throw new UsageError(parseArgsMessage(e as Error));
  }
  if (parsed.values.help) {
    io.stdout(helpText(spec));
    return undefined;
  }
  const positionals = parsed.positionals;
  if (positionals.length < spec.positionals.length) {
    throw new UsageError(`missing ${spec.positionals.slice(positionals.length).join(' ')}`);
  }
  if (positionals.length > spec.positionals.length) throw new UsageError(`unexpected argument '${positionals[spec.positionals.length]}'`);
  const options: Record<string, OptionValue> = {};
  for (const [name, o] of Object.entries(spec.options)) {
    const raw = parsed.values[name] as string | boolean | undefined;
    if (raw === undefined) {
      if (o.required) throw new UsageError(`--${name} is required`);
      continue;
    }
    options[name] = checkValue(name, o, raw);
  }
  return { positionals, options };
}

function checkValue(name: string, o: OptionSpec, raw: string | boolean): OptionValue {
  if (typeof raw === 'boolean') return raw;
  if (raw === '') throw new UsageError(`--${name} needs a value`);
  if (o.choices && !o.choices.includes(raw)) throw new UsageError(`--${name} must be one of ${o.choices.join(', ')} (got '${raw}')`);
  if (o.integer) {
    const n = Number(raw);
    const { min, max } = o.integer;
    if (!/^-?\d+$/.test(raw) || n < min || (max !== undefined && n > max)) {
      throw new UsageError(`--${name} must be an integer ${max !== undefined ? `from ${min} to ${max}` : `≥ ${min}`} (got '${raw}')`);
    }
    return n;
  }
  if (o.number) {
    const n = Number(raw);
    const { min = -Infinity, max = Infinity } = o.number;
    if (!Number.isFinite(n) || n < min || n > max) throw new UsageError(`--${name} must be a number${Number.isFinite(min) ? ` ≥ ${min}` : ''} (got '${raw}')`);
    return n;
  }
  return raw;
}

function parseArgsMessage(e: Error): string {
  // parseArgs messages are long and mention `strict`; keep the part that names the argument.
  const code = (e as { code?: string }).code;
  const m = /'([^']+)'/.exec(e.message);
  if (code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION' && m) return `unknown option '${m[1]}'`;
  if (code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE') {
    const opt = /Option '([^']+)'/.exec(e.message);
    const name = opt?.[1].replace(/^-\w, /, '').replace(/ <value>$/, '');
    if (name && /argument missing/.test(e.message)) return `option '${name}' needs a value`;
    if (name) return `option '${name}' does not take a value`;
  }
  return e.message.split('\n')[0];
}

/** A comma-separated list option ('a,b,c'), empty entries dropped. */
export function listOption(v: OptionValue): string[] | undefined {
  if (typeof v !== 'string') return undefined;
  return v.split(',').map((s) => s.trim()).filter(Boolean);
}
