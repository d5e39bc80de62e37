import { describe, expect, it } from 'vitest';
import { fixture, octet } from '../test-helpers.js';

/** A usage error: exit 2, nothing on stdout, exactly one line on stderr. */
async function expectUsage(args: string[], pattern: RegExp) {
  const r = await octet(...args);
  expect(r.code, `octet ${args.join(' ')}`).toBe(2);
  expect(r.out).toBe('');
  expect(r.err.endsWith('\n')).toBe(true);
  expect(r.err.trimEnd().split('\n')).toHaveLength(1);
  expect(r.err).toMatch(pattern);
}

describe('usage errors exit 2 with one line', () => {
  const model = fixture('mlp_diabetes', 'model.onnx');
  const data = fixture('mlp_diabetes', 'test');
  it('unknown command', () => expectUsage(['frobnicate'], /unknown command 'frobnicate'/));
  it('unknown option', () => expectUsage(['inspect', model, '--colour'], /^octet inspect: unknown option '--colour'/));
  it('missing positional', () => expectUsage(['inspect'], /missing MODEL\.onnx/));
  it('extra positional', () => expectUsage(['inspect', model, 'other.onnx'], /unexpected argument 'other\.onnx'/));
  it('missing required option', () => expectUsage(['eval', model, '--data', data], /--metric is required/));
  it('unknown metric', () => expectUsage(['eval', model, '--data', data, '--metric', 'f1'], /--metric must be one of accuracy, rmse, mae \(got 'f1'\)/));
  it('option without its value', () => expectUsage(['eval', model, '--metric', 'rmse', '--data'], /option '--data' needs a value/));
  it('bad integer', () => expectUsage(['run', model, '--inputs', data, '--out', data, '--threads', '0'], /--threads must be an integer from 1/));
  it('boolean given a value', () => expectUsage(['inspect', model, '--json=yes'], /'--json' does not take a value/));
});

describe('help', () => {
  it('prints the command list and per-command help on stdout (exit 0)', async () => {
    const top = await octet('--help');
    expect(top.code).toBe(0);
    for (const c of ['inspect', 'run', 'eval']) expect(top.out).toMatch(new RegExp(`^ {2}${c} `, 'm'));
    const h = await octet('eval', '--help');
    expect(h.code).toBe(0);
    expect(h.out).toMatch(/^Usage: octet eval MODEL\.onnx --data DIR --metric M/);
    expect(h.out).toContain('(accuracy|rmse|mae)');
    const none = await octet();
    expect(none.code).toBe(2);
  });
});
