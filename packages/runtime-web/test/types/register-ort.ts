// Type-level cases for `register(ort)` (compiled by ../register-types.test.ts, and by the root
// typecheck): the `ort` objects of onnxruntime-web and onnxruntime-node 1.30, and onnxruntime-common
// 1.22's API (which onnxruntime-web/-node 1.22 re-export), are accepted without a cast; things
// that are not an `ort` object are rejected.
import * as common122 from 'onnxruntime-common-1-22';
import * as ortNode from 'onnxruntime-node';
import * as ortWeb from 'onnxruntime-web';
import { register as registerNode } from '@octet/runtime-node';
import { register as registerWeb } from '@octet/runtime-web';

export function accepted(): void {
  registerWeb(ortWeb);
  registerWeb(common122);
  registerNode(ortNode);
  registerNode(ortWeb);
  registerNode(common122, { numThreads: 1 });
}

export function rejected(): void {
  // @ts-expect-error not an ort object
  registerWeb({});
  // @ts-expect-error registerBackend with the wrong name type
  registerWeb({ registerBackend: (name: number, backend: unknown, priority: number) => void [name, backend, priority] });
  // @ts-expect-error not an ort object
  registerNode({ InferenceSession: ortNode.InferenceSession });
  // @ts-expect-error options are still checked
  registerNode(ortNode, { numThreads: 'two' });
}
