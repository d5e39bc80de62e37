// 8-bit lookup tables (element-wise quantized ops computed once per value).
export { x8_lut__scalar, x8_lut_columns__scalar, x8_lut_broadcast__scalar } from './x8-lut-scalar';
