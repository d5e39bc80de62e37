// Structural checks in the spirit of ONNX's checker, for what the IR builds: every input defined
// (in this graph or an enclosing one), every value defined once, graph outputs produced, nodes in
// topological order without cycles, opsets imported for every domain, attributes typed; plus the
// type checks of shape inference on known ops.
import { OnnxValidationError, type ValidationIssue } from './errors.js';
import type { Graph } from './ir/graph.js';
import type { Model } from './ir/model.js';
import { inferShapes } from './shape-inference.js';

export interface ValidateOptions {
  /** Run shape/type inference checks too (default true). Never modifies the model. */
  types?: boolean;
}

export function validateModel(model: Model, opts: ValidateOptions = {}): ValidationIssue[] {
  const issues: ValidationIssue[] = [];
  const domains = new Set(model.opsets.map((o) => (o.domain === 'ai.onnx' ? '' : o.domain)));
  for (const f of model.functions) domains.add(f.domain);
  validateGraph(model.graph, new Set(), domains, issues, model.graph.name || 'main');
  if (opts.types !== false && !issues.some((i) => i.code === 'cycle')) {
    issues.push(...inferShapes(model, { strict: false, writeValueInfo: false, fillOutputs: false }).issues);
  }
  return issues;
}

/** Throws OnnxValidationError listing every issue. */
export function assertValid(model: Model, opts?: ValidateOptions): void {
  const issues = validateModel(model, opts);
  if (issues.length) throw new OnnxValidationError(issues);
}

function validateGraph(g: Graph, outer: ReadonlySet<string>, domains: ReadonlySet<string>, issues: ValidationIssue[], path: string): void {
  const defined = new Set<string>();
  const define = (name: string, what: string) => {
    if (!name) return;
    if (defined.has(name)) issues.push({ code: 'duplicate-output', message: `'${name}' is defined more than once (${what})`, where: `${path}/${name}` });
    defined.add(name);
  };
  const inputNames = new Set<string>();
  for (const v of g.inputs) {
    if (inputNames.has(v.name)) issues.push({ code: 'duplicate-name', message: `graph input '${v.name}' listed twice`, where: path });
    inputNames.add(v.name);
    define(v.name, 'graph input');
  }
  for (const name of g.initializers.keys()) if (!inputNames.has(name)) define(name, 'initializer');
  for (const sp of g.proto.sparseInitializer) if (sp.values?.name && !inputNames.has(sp.values.name)) define(sp.values.name, 'sparse initializer');

  let sorted = true;
  const producedLater = new Set<string>();
  for (const n of g.nodes) for (const o of n.outputs) if (o) producedLater.add(o);
  const available = new Set([...defined, ...outer]);
  for (const n of g.nodes) {
    const where = `${path}/${n.label}`;
    for (const i of n.inputs) {
      if (!i || available.has(i)) continue;
      if (producedLater.has(i)) {
        sorted = false;
        continue;
      }
      issues.push({ code: 'dangling-input', message: `input '${i}' of ${n.opType} ${n.label} is not defined`, where });
    }
    for (const o of n.outputs) {
      if (!o) continue;
      define(o, `output of ${n.label}`);
      available.add(o);
    }
    if (!domains.has(n.domain)) issues.push({ code: 'missing-opset', message: `domain '${n.domain}' of ${n.opType} is not in opset_import`, where });
    for (const a of n.proto.attribute) {
      if (!a.name) issues.push({ code: 'bad-attribute', message: `${n.opType} ${n.label} has an attribute without a name`, where });
      if (a.type === 0 && !a.refAttrName) issues.push({ code: 'bad-attribute', message: `attribute '${a.name}' has no type`, where });
    }
  }
  if (!sorted) {
    try {
      g.topologicalOrder();
      issues.push({ code: 'not-topologically-sorted', message: 'nodes are not in topological order (call graph.sortTopologically())', where: path });
    } catch (e) {
      if (e instanceof OnnxValidationError) issues.push(...e.issues);
      else throw e;
    }
  }
  for (const v of g.outputs) {
    if (!available.has(v.name)) issues.push({ code: 'missing-output', message: `graph output '${v.name}' is not produced`, where: path });
  }
  // Subgraphs see everything defined here plus the outer scope.
  const scope = new Set([...outer, ...available]);
  for (const n of g.nodes) {
    for (const [attr, sg] of n.subgraphs) {
      for (const [k, s] of (Array.isArray(sg) ? sg : [sg]).entries()) {
        validateGraph(s, scope, domains, issues, `${path}/${n.label}:${attr}${Array.isArray(sg) ? `[${k}]` : ''}`);
      }
    }
  }
}
