export { x8_maxpool2d_wasmsimd } from './x8-maxpool2d-wasmsimd';
export { f32_avgpool2d_scalar, q8_avgpool2d_scalar } from './x8-avgpool2d-scalar';
export { q8_global_avgpool_wasmsimd, f32_global_avgpool_wasmsimd } from './x8-global-avgpool-wasmsimd';
