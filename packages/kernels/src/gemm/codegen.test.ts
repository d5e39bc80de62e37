// Golden .wat checks of the key integer kernels: catch silent code-generation regressions (lost
// SIMD, a changed inner loop) that a numeric test would not. After an intended kernel change,
// update with `npx vitest run --project kernels -u`.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const wat = (variant: string) => readFileSync(fileURLToPath(new URL(`../../build/octet-kernels-${variant}.wat`, import.meta.url)), 'utf8');

/** The text of the function exported as `symbol`, with balanced parentheses. */
function exportedFunction(text: string, symbol: string): string {
  const exp = new RegExp(`\\(export "${symbol}" \\(func (\\S+)\\)\\)`).exec(text);
  if (!exp) throw new Error(`no export ${symbol}`);
  return balanced(text, text.indexOf(`(func ${exp[1]} `));
}

function balanced(text: string, start: number): string {
  let depth = 0;
  for (let i = start; i < text.length; i++) {
    if (text[i] === '(') depth++;
    else if (text[i] === ')' && --depth === 0) return text.slice(start, i + 1);
  }
  throw new Error('unbalanced');
}

/** The innermost `loop … end` (flat wat, matched by indentation) that contains `marker`. */
function innerLoop(fn: string, marker: string): string {
  const lines = fn.split('\n');
  const at = lines.findIndex((l) => l.includes(marker));
  let start = at;
  while (start >= 0 && !/^\s*loop\b/.test(lines[start])) start--;
  if (start < 0) throw new Error(`no loop around ${marker}`);
  const indent = /^\s*/.exec(lines[start])![0];
  let end = start + 1;
  while (end < lines.length && lines[end] !== `${indent}end`) end++;
  return lines.slice(start, end + 1).join('\n');
}

const count = (s: string, op: string) => s.split(op).length - 1;

const KERNELS = [
  { variant: 'simd', symbol: 'qu8s8_gemm_4x8c2__i32__wasmsimd_dot16x2', op: 'i32x4.dot_i16x8_s', perIteration: 8, loads: { 'v128.load32_splat': 4 } },
  { variant: 'simd', symbol: 'qu8s8_gemm_4x8c2__i32__wasmsimd_ld8x8', op: 'i32x4.dot_i16x8_s', perIteration: 8, loads: { 'v128.load8x8_s': 2, 'v128.load32_splat': 4 } },
  { variant: 'simd', symbol: 'qu8s8_gemv_1x8c2__i32__wasmsimd_ld8x8', op: 'i32x4.dot_i16x8_s', perIteration: 4, loads: { 'v128.load8x8_s': 4 } },
  { variant: 'relaxed', symbol: 'qu8s8_gemm_6x8c4__i32__wasmrelaxedsimd_dot8x4', op: 'i32x4.relaxed_dot_i8x16_i7x16_add_s', perIteration: 12, loads: { 'v128.load32_splat': 6 } },
];

describe('generated code of the integer kernels', () => {
  for (const k of KERNELS) {
    it(`${k.symbol}: inner loop keeps its SIMD shape`, async () => {
      const fn = exportedFunction(wat(k.variant), k.symbol);
      const loop = innerLoop(fn, k.op);
      expect(count(loop, k.op)).toBe(k.perIteration);
      for (const [op, n] of Object.entries(k.loads)) expect(count(loop, op)).toBe(n);
      expect(count(loop, 'call ')).toBe(0);
      await expect(loop).toMatchFileSnapshot(`./__snapshots__/${k.symbol}.inner-loop.wat`);
    });
  }
});
