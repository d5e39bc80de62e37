// Step 1: quantize the float model to int8 (static QDQ, per-channel weights) with its calibration rows.
import { join } from 'node:path';
import * as ort from 'onnxruntime-node';
import { createOrtExecutor } from '@octet/quantizer';
import { quantizeFile, readDataDir } from '@octet/quantizer/node';

export async function quantizeRegressionModel(fixtureDir: string, outPath: string) {
  const { report } = await quantizeFile(join(fixtureDir, 'model.onnx'), outPath, {
    mode: 'static',
    calibration: readDataDir(join(fixtureDir, 'calib'), ['x']),
    executor: createOrtExecutor(ort), // runs the float model during calibration
  });
  return report;
}
