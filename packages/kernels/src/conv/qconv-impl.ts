import type { KernelContext } from '../gemm/kernel-context.js';
import type { QConv, QConvOptions } from './conv.js';
export class QConvImpl implements QConv {
  outputShape = [0, 0, 0] as [number, number, number];
  output = 'u8' as const;
  method = '';
  constructor(_c: KernelContext, _o: QConvOptions) { throw new Error('todo'); }
  run(): void {}
  runArrays(): Uint8Array { return new Uint8Array(); }
  dispose(): void {}
}
