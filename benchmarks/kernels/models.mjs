// The peer's models for the kernel benchmark, built with @octet/onnx's builder: QLinearMatMul and
// MatMulInteger for (M, K, N), QLinearConv for the conv case. Same weights/zero points as Octet's run.
import { ModelBuilder, serializeModel } from '@octet/onnx';
import { Q, yScale } from './cases.mjs';

export function qlinearMatMulModel({ M, K, N }, w) {
  const b = new ModelBuilder({ opset: 17 });
  b.input('a', 'uint8', [M, K]);
  b.initializer('a_scale', 'float32', [], [Q.aScale]);
  b.initializer('a_zp', 'uint8', [], [128]);
  b.initializer('w', 'int8', [K, N], w);
  b.initializer('w_scale', 'float32', [], [Q.wScale]);
  b.initializer('w_zp', 'int8', [], [0]);
  b.initializer('y_scale', 'float32', [], [yScale(K)]);
  b.initializer('y_zp', 'uint8', [], [128]);
  b.node('QLinearMatMul', ['a', 'a_scale', 'a_zp', 'w', 'w_scale', 'w_zp', 'y_scale', 'y_zp'], ['y']);
  b.output('y', 'uint8', [M, N]);
  return serializeModel(b.build());
}

export function matMulIntegerModel({ M, K, N }, w) {
  const b = new ModelBuilder({ opset: 17 });
  b.input('a', 'uint8', [M, K]);
  b.initializer('w', 'int8', [K, N], w);
  b.initializer('a_zp', 'uint8', [], [128]);
  b.initializer('w_zp', 'int8', [], [0]);
  b.node('MatMulInteger', ['a', 'w', 'a_zp', 'w_zp'], ['y']);
  b.output('y', 'int32', [M, N]);
  return serializeModel(b.build());
}

export function qlinearConvModel({ C, H, W, M, k, pad, group }, w) {
  const b = new ModelBuilder({ opset: 17 });
  b.input('x', 'uint8', [1, C, H, W]);
  b.initializer('x_scale', 'float32', [], [Q.aScale]);
  b.initializer('x_zp', 'uint8', [], [128]);
  b.initializer('w', 'int8', [M, C / group, k, k], w);
  b.initializer('w_scale', 'float32', [], [Q.wScale]);
  b.initializer('w_zp', 'int8', [], [0]);
  b.initializer('y_scale', 'float32', [], [yScale((C / group) * k * k)]);
  b.initializer('y_zp', 'uint8', [], [128]);
  b.node('QLinearConv', ['x', 'x_scale', 'x_zp', 'w', 'w_scale', 'w_zp', 'y_scale', 'y_zp'], ['y'], {
    kernel_shape: [k, k], pads: [pad, pad, pad, pad], strides: [1, 1], group,
  });
  const oH = H + 2 * pad - k + 1;
  b.output('y', 'uint8', [1, M, oH, W + 2 * pad - k + 1]);
  return serializeModel(b.build());
}
