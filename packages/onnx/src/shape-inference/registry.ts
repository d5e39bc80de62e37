import type { InferContext } from './context.js';

export type InferRule = (ctx: InferContext) => void;

const rules = new Map<string, InferRule>();

const key = (domain: string, op: string) => `${domain === 'ai.onnx' ? '' : domain}:${op}`;

export function registerRule(ops: string | readonly string[], rule: InferRule, domain = ''): void {
  for (const op of typeof ops === 'string' ? [ops] : ops) rules.set(key(domain, op), rule);
}

export function ruleFor(domain: string, op: string): InferRule | undefined {
  return rules.get(key(domain, op));
}

/** Ops with an inference rule, as `domain:op` ('' = default domain). */
export function supportedInferenceOps(): string[] {
  return [...rules.keys()].sort();
}
