import { clone } from '@bufbuild/protobuf';
import { AttributeProtoSchema, NodeProtoSchema, type AttributeProto, type FunctionProto, type ModelProto, type NodeProto } from 'onnx-buf';
import { GraphIndex, opsetVersion, setOpset } from '../model/graph.js';
import type { Pass } from './pipeline.js';

/**
 * Inlines calls to model-local functions (torch.dynamo exports wrap modules in them), so every
 * later pass sees plain ONNX ops. Attribute references (`ref_attr_name`) are resolved from the call.
 */
export const inlineFunctions: Pass = {
  name: 'inline-functions',
  run(model: ModelProto) {
    if (!model.functions.length) return { model, changed: false };
    const fns = new Map<string, FunctionProto>(model.functions.map((f) => [`${f.domain}::${f.name}::${f.overload}`, f]));
    const g = model.graph!;
    const idx = new GraphIndex(g);
    let inlined = 0;
    const expand = (nodes: NodeProto[], depth: number): NodeProto[] => {
      const out: NodeProto[] = [];
      for (const n of nodes) {
        const f = fns.get(`${n.domain}::${n.opType}::${n.overload}`);
        if (!f || depth > 32) {
          out.push(n);
          continue;
        }
        inlined++;
        const prefix = idx.unique(`${n.name || f.name}`);
        const rename = new Map<string, string>();
        f.input.forEach((name, i) => rename.set(name, n.input[i] ?? ''));
        f.output.forEach((name, i) => rename.set(name, n.output[i] ?? idx.unique(`${prefix}/${name}`)));
        const callAttrs = new Map(n.attribute.map((a) => [a.name, a]));
        const defaults = new Map(f.attributeProto.map((a) => [a.name, a]));
        const map = (name: string) => {
          if (!name) return name;
          let r = rename.get(name);
          if (r === undefined) {
            r = idx.unique(`${prefix}/${name}`);
            rename.set(name, r);
          }
          return r;
        };
        const body: NodeProto[] = [];
        for (const fnNode of f.node) {
          const c = clone(NodeProtoSchema, fnNode);
          c.name = c.name ? `${prefix}/${c.name}` : '';
          c.input = c.input.map(map);
          c.output = c.output.map(map);
          const attrs: AttributeProto[] = [];
          for (const a of c.attribute) {
            if (a.refAttrName) {
              const v = callAttrs.get(a.refAttrName) ?? defaults.get(a.refAttrName);
              if (v) {
                const copy = clone(AttributeProtoSchema, v);
                copy.name = a.name;
                attrs.push(copy);
              }
            } else attrs.push(a);
          }
          c.attribute = attrs;
          body.push(c);
        }
        for (const imp of f.opsetImport) {
          const have = opsetVersion(model, imp.domain);
          if (have === undefined) setOpset(model, imp.domain, Number(imp.version));
        }
        out.push(...expand(body, depth + 1));
      }
      return out;
    };
    g.node = expand(g.node, 0);
    const stillUsed = new Set(g.node.map((n) => `${n.domain}::${n.opType}::${n.overload}`));
    model.functions = model.functions.filter((f) => stillUsed.has(`${f.domain}::${f.name}::${f.overload}`));
    return { model, changed: inlined > 0, detail: `${inlined} function calls inlined` };
  },
};
