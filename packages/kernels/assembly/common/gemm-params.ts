// Layout of the epilogue parameter block shared by every integer GEMM/conv kernel.
// The host writes it (src/gemm/gemm-params.ts mirrors these offsets); kernels only read it.
//   i32 za          activation zero point, in the u8 domain the kernel computes in
//   i32 biasI32     pointer to i32[N] bias, or 0
//   i32 scale       pointer to f32[N] combined scale (per-tensor scales are broadcast by the host)
//   i32 zy          output zero point
//   i32 qmin, qmax  output clamp in the quantized domain (ReLU/clip fused here)
//   i32 biasF32     pointer to f32[N] bias added after dequantization, or 0
export const P_ZA: u32 = 0;
export const P_BIAS_I32: u32 = 4;
export const P_SCALE: u32 = 8;
export const P_ZY: u32 = 12;
export const P_QMIN: u32 = 16;
export const P_QMAX: u32 = 20;
export const P_BIAS_F32: u32 = 24;
export const PARAMS_BYTES: u32 = 32;
