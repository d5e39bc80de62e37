// The app both bundles share: fetch a model and one input, create a session through the
// onnxruntime-common API, run it once. Only the import of `ort` and its setup differ per bundle.
export async function run(ort, sessionOptions) {
  const model = new Uint8Array(await (await fetch('./model.onnx')).arrayBuffer());
  const input = await (await fetch('./input.json')).json();
  const session = await ort.InferenceSession.create(model, sessionOptions);
  const feeds = { [input.name]: new ort.Tensor(input.type, Float32Array.from(input.data), input.dims) };
  const out = await session.run(feeds);
  const y = out[session.outputNames[0]];
  await session.release();
  return { outputDims: y.dims, outputLength: y.data.length, first: Number(y.data[0]) };
}
