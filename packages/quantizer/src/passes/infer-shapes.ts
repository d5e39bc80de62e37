import type { ModelProto } from 'onnx-buf';
import { Model, inferShapes } from '@octet/onnx';
import type { Pass, PassContext } from './pipeline.js';

/**
 * Shape and type facts from @octet/onnx's inference, kept beside the model (in the pass context)
 * rather than written into value_info: later passes use them to decide (e.g. which MatMul inputs are
 * 2-D), and the output model never carries a possibly wrong declaration.
 */
export const inferShapesPass: Pass = {
  name: 'infer-shapes',
  run(model: ModelProto, ctx: PassContext) {
    try {
      const r = inferShapes(Model.fromProto(model), { strict: false, writeValueInfo: false, fillOutputs: false });
      ctx.shapes = new Map([...r.types].map(([k, t]) => [k, { elemType: t.elemType, rank: t.shape?.length }]));
      return { model, changed: false, detail: `${r.types.size} values typed${r.issues.length ? `, ${r.issues.length} issues` : ''}` };
    } catch (e) {
      return { model, changed: false, detail: `skipped: ${(e as Error).message}` };
    }
  },
};
