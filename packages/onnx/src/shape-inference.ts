// Shape and type inference over the IR: walks each graph in topological order, applies the rule
// registered for each op (shape-inference/ops-*.ts), merges with declared value_info, and
// propagates small integer values (Shape → Gather → Concat → Reshape) so dynamic-batch exports
// keep their symbolic dims.
import { registerAllRules } from './shape-inference/register-all-rules.js';
import { DataType } from './dtypes.js';
import { OnnxShapeError, OnnxValidationError, type ValidationIssue } from './errors.js';
import type { Graph } from './ir/graph.js';
import type { Model } from './ir/model.js';
import type { Node } from './ir/node.js';
import { tensorDims } from './tensor-codec.js';
import type { Dim, Shape, TensorType } from './ir/types.js';
import { InferContext, mergeDim, type SymValue } from './shape-inference/context.js';
import { ruleFor } from './shape-inference/registry.js';
import { symValueOfTensor } from './shape-inference/ops-shape.js';

import { supportedInferenceOps as registeredOps } from './shape-inference/registry.js';

/** Ops with an inference rule, as `domain:op` ('' = the default ONNX domain). */
export function supportedInferenceOps(): string[] {
  registerAllRules();
  return registeredOps();
}

export interface InferOptions {
  /** Throw on the first inconsistency (OnnxShapeError) instead of recording it (default true). */
  strict?: boolean;
  /** Record inferred types of intermediate values in value_info (default true). */
  writeValueInfo?: boolean;
  /** Fill in graph outputs that have no type/shape yet (default true). */
  fillOutputs?: boolean;
  /** Override the shapes of main-graph inputs, e.g. `{ x: [1, 3, 224, 224] }` to pin the batch. */
  inputShapes?: Record<string, readonly Dim[]>;
}

export interface InferResult {
  /** Types of every value of the main graph that could be inferred (inputs and initializers too). */
  types: Map<string, TensorType>;
  /** Problems found (only non-empty when `strict: false`). */
  issues: ValidationIssue[];
}

interface Scope {
  types: Map<string, TensorType>;
  values: Map<string, SymValue>;
}

export function inferShapes(model: Model, opts: InferOptions = {}): InferResult {
  registerAllRules();
  const o = { strict: opts.strict ?? true, writeValueInfo: opts.writeValueInfo ?? true, fillOutputs: opts.fillOutputs ?? true, inputShapes: opts.inputShapes };
  const issues: ValidationIssue[] = [];
  const opsetOf = (domain: string) => model.opset(domain) ?? (domain === '' ? 1 : 1);
  const scope = inferGraph(model.graph, { types: new Map(), values: new Map() }, opsetOf, o, issues, model.graph.name || 'main', o.inputShapes);
  return { types: scope.types, issues };
}

type Opts = { strict: boolean; writeValueInfo: boolean; fillOutputs: boolean };

function mergeType(decl: TensorType | undefined, inf: TensorType | undefined, report: (code: ValidationIssue['code'], msg: string) => void): TensorType | undefined {
  if (!decl) return inf;
  if (!inf) return decl;
  let elemType = decl.elemType || inf.elemType;
  if (decl.elemType && inf.elemType && decl.elemType !== inf.elemType) {
    report('type-mismatch', `declared element type ${decl.elemType}, inferred ${inf.elemType}`);
    elemType = decl.elemType;
  }
  if (!decl.shape) return { elemType, shape: inf.shape };
  if (!inf.shape) return { elemType, shape: decl.shape };
  if (decl.shape.length !== inf.shape.length) {
    report('shape-mismatch', `declared rank ${decl.shape.length}, inferred ${inf.shape.length}`);
    return { elemType, shape: decl.shape };
  }
  const shape = decl.shape.map((d, i) => {
    const e = inf.shape![i];
    if (typeof d === 'number' && typeof e === 'number' && d !== e) report('shape-mismatch', `declared dim ${i} = ${d}, inferred ${e}`);
    return mergeDim(d, e);
  });
  return { elemType, shape };
}

function tensorTypeOfValue(v: { elemType?: number; shape?: Shape } | undefined): TensorType | undefined {
  if (!v || (v.elemType === undefined && v.shape === undefined)) return undefined;
  return { elemType: v.elemType ?? 0, shape: v.shape };
}

function inferGraph(
  g: Graph,
  outer: Scope,
  opsetOf: (d: string) => number,
  o: Opts,
  issues: ValidationIssue[],
  path: string,
  inputShapes?: Record<string, readonly Dim[]>,
  inputOverride?: Map<string, TensorType>,
): Scope {
  const types = new Map(outer.types);
  const values = new Map(outer.values);
  const declared = new Map<string, TensorType>();
  for (const v of [...g.valueInfo, ...g.outputs]) {
    const t = tensorTypeOfValue(v);
    if (t) declared.set(v.name, t);
  }
  for (const [name, t] of g.initializers) {
    types.set(name, { elemType: t.dataType, shape: tensorDims(t) });
    const sv = symValueOfTensor(t);
    if (sv) values.set(name, sv);
  }
  for (const v of g.inputs) {
    let t = inputOverride?.get(v.name) ?? tensorTypeOfValue(v);
    const pin = inputShapes?.[v.name];
    if (pin) t = { elemType: t?.elemType ?? 0, shape: [...pin] };
    if (t && !(g.initializers.has(v.name) && !pin)) types.set(v.name, t);
    else if (t && !types.has(v.name)) types.set(v.name, t);
  }

  let order: Node[];
  try {
    order = g.topologicalOrder();
  } catch (e) {
    if (o.strict || !(e instanceof OnnxValidationError)) throw e;
    issues.push(...e.issues);
    return { types, values };
  }

  for (const node of order) {
    const where = `${path}/${node.label}`;
    const outTypes: (TensorType | undefined)[] = node.outputs.map(() => undefined);
    const outValues: (SymValue | undefined)[] = node.outputs.map(() => undefined);
    const nodeIssues: ValidationIssue[] = [];
    const ctx = new InferContext(node, opsetOf(node.domain), types, values, outTypes, outValues, nodeIssues, where);
    try {
      if (node.subgraphs.size) inferControlFlow(ctx, node, { types, values }, opsetOf, o, issues, where);
      else ruleFor(node.domain, node.opType)?.(ctx);
    } catch (e) {
      if (!(e instanceof OnnxShapeError)) throw e;
      if (o.strict) throw e;
      issues.push({ code: 'shape-mismatch', message: e.message, where });
      outTypes.fill(undefined);
      outValues.fill(undefined);
    }
    node.outputs.forEach((name, i) => {
      if (!name) return;
      const report = (code: ValidationIssue['code'], msg: string) => nodeIssues.push({ code, message: `value '${name}': ${msg}`, where });
      const merged = mergeType(declared.get(name), outTypes[i], report);
      if (merged) types.set(name, merged);
      const v = outValues[i];
      if (v) values.set(name, v);
    });
    if (nodeIssues.length) {
      if (o.strict) throw new OnnxShapeError(nodeIssues[0].message, node.label);
      issues.push(...nodeIssues);
    }
  }

  // Write results back.
  const isOutput = new Set(g.outputs.map((v) => v.name));
  if (o.writeValueInfo) {
    const skip = new Set([...g.inputs.map((v) => v.name), ...g.initializers.keys(), ...isOutput]);
    for (const node of g.nodes) {
      for (const name of node.outputs) {
        const t = types.get(name);
        if (!name || skip.has(name) || !t || !t.elemType) continue;
        g.setValueType(name, t.elemType, t.shape);
      }
    }
  }
  if (o.fillOutputs || o.writeValueInfo) {
    for (const v of g.outputs) {
      const t = types.get(v.name);
      if (!t || !t.elemType) continue;
      if (v.elemType === undefined || v.shape === undefined || o.writeValueInfo) v.setType(t.elemType, t.shape);
    }
  }
  return { types, values };
}

/** If / Loop / Scan: infer the bodies with the outer scope visible, derive the node's outputs. */
function inferControlFlow(ctx: InferContext, node: Node, scope: Scope, opsetOf: (d: string) => number, o: Opts, issues: ValidationIssue[], where: string): void {
  const bodyOutputs = (g: Graph, sc: Scope) => g.outputs.map((v) => sc.types.get(v.name) ?? tensorTypeOfValue(v));
  switch (node.opType) {
    case 'If': {
      ctx.expectType(0, [DataType.BOOL], 'cond');
      const th = node.getGraph('then_branch');
      const el = node.getGraph('else_branch');
      if (!th || !el) return;
      const a = bodyOutputs(th, inferGraph(th, scope, opsetOf, o, issues, `${where}:then_branch`));
      const b = bodyOutputs(el, inferGraph(el, scope, opsetOf, o, issues, `${where}:else_branch`));
      if (a.length !== b.length) ctx.fail(`then_branch has ${a.length} outputs, else_branch ${b.length}`);
      a.forEach((ta, i) => {
        const tb = b[i];
        if (ta?.elemType && tb?.elemType && ta.elemType !== tb.elemType) ctx.typeMismatch(`branch output ${i} types differ (${ta.elemType} vs ${tb.elemType})`);
        const shape = ta?.shape && tb?.shape && ta.shape.length === tb.shape.length ? ta.shape.map((d, k) => (d === tb.shape![k] ? d : undefined)) : undefined;
        ctx.setOutput(i, ta?.elemType || tb?.elemType, shape);
      });
      return;
    }
    case 'Loop': {
      const body = node.getGraph('body');
      if (!body) return;
      const carried = node.inputs.length - 2;
      const override = new Map<string, TensorType>();
      if (body.inputs[0]) override.set(body.inputs[0].name, { elemType: DataType.INT64, shape: [] });
      if (body.inputs[1]) override.set(body.inputs[1].name, { elemType: DataType.BOOL, shape: [] });
      for (let i = 0; i < carried; i++) {
        const t = ctx.input(i + 2);
        const bi = body.inputs[i + 2];
        if (t && bi && !tensorTypeOfValue(bi)) override.set(bi.name, { elemType: t.elemType, shape: undefined });
      }
      const outs = bodyOutputs(body, inferGraph(body, scope, opsetOf, o, issues, `${where}:body`, undefined, override));
      for (let i = 0; i < node.outputs.length; i++) {
        const t = outs[i + 1];
        if (i < carried) ctx.setOutput(i, t?.elemType ?? ctx.elemType(i + 2), t?.shape);
        else ctx.setOutput(i, t?.elemType, t?.shape ? [undefined, ...t.shape] : undefined);
      }
      return;
    }
    default:
      for (const sg of node.allSubgraphs()) inferGraph(sg, scope, opsetOf, o, issues, `${where}:${sg.name}`);
  }
}
