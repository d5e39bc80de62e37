// The page: pick or drop a model, send it to the quantization worker, show the comparison, the
// report (in a sandboxed iframe) and the download link.
import { BUNDLED_MODELS, type FromWorker, type MetricName, type ModelChoice, type PlaygroundResult, type QuantizeSettings, type ToWorker, type UserData, type UserFile } from '../shared/protocol.js';
import { DropError, droppedFiles, listedFiles, pickModel, type PickedFile } from './dropped-files.js';
import { change, kib, metricValue, ms } from './format.js';

const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;

let worker: Worker;
const send = (m: ToWorker, transfer: Transferable[] = []) => worker.postMessage(m, transfer);

let dropped: { name: string; bytes: ArrayBuffer; sideFiles: UserFile[] } | undefined;
/** the user's labelled data files (src/worker/user-data.ts reads them) */
let dataFiles: UserFile[] | undefined;
let downloadUrls: string[] = [];
let busy = false;

function setStatus(text: string, error = false): void {
  const s = $('status');
  s.textContent = text;
  s.classList.toggle('error', error);
}

function setBusy(b: boolean): void {
  busy = b;
  $<HTMLButtonElement>('quantize').disabled = b;
  $('cancel').hidden = !b;
  document.body.dataset.state = b ? 'running' : 'idle';
}

function initModels(): void {
  const select = $<HTMLSelectElement>('model-select');
  for (const m of BUNDLED_MODELS) select.add(new Option(m.title, m.id));
  select.addEventListener('change', () => {
    dropped = undefined;
    $('dropped').textContent = '';
  });
}

const readAll = (files: readonly { name: string; file: File }[]) => Promise.all(files.map(async ({ name, file }) => ({ name, bytes: await file.arrayBuffer() })));
const sizeOf = (files: readonly UserFile[]) => files.reduce((n, f) => n + f.bytes.byteLength, 0);

/** The dropped or chosen files: one .onnx, plus its side files (external data) if any. */
async function takeFiles(files: PickedFile<File>[]): Promise<void> {
  let picked;
  try {
    picked = pickModel(files);
  } catch (e) {
    if (!(e instanceof DropError)) throw e;
    setStatus(e.message, true);
    return;
  }
  const [bytes, sideFiles] = await Promise.all([picked.model.file.arrayBuffer(), readAll(picked.sideFiles)]);
  const name = picked.model.file.name;
  dropped = { name, bytes, sideFiles };
  const side = sideFiles.length ? ` with ${sideFiles.map((f) => `${f.name} (${kib(f.bytes.byteLength)})`).join(', ')}` : '';
  $('dropped').textContent = `Using ${name} (${kib(bytes.byteLength)})${side}.`;
  setStatus('');
}

function initDrop(): void {
  const zone = $('dropzone');
  zone.addEventListener('dragover', (e) => {
    e.preventDefault();
    zone.classList.add('over');
  });
  zone.addEventListener('dragleave', () => zone.classList.remove('over'));
  zone.addEventListener('drop', (e) => {
    e.preventDefault();
    zone.classList.remove('over');
    // droppedFiles takes the entries now, while the event's DataTransfer is still readable.
    if (e.dataTransfer) void droppedFiles(e.dataTransfer).then(takeFiles);
  });
  // The zone is focusable: Enter or Space opens the file picker, as a click on "choose" does.
  zone.addEventListener('keydown', (e) => {
    if (e.key === 'Enter' || e.key === ' ') {
      e.preventDefault();
      $('file-input').click();
    }
  });
  for (const id of ['file-input', 'folder-input']) {
    $<HTMLInputElement>(id).addEventListener('change', (e) => {
      const list = (e.target as HTMLInputElement).files;
      if (list?.length) void takeFiles(listedFiles(list));
    });
  }
}

function initData(): void {
  $<HTMLInputElement>('data-input').addEventListener('change', async (e) => {
    const list = (e.target as HTMLInputElement).files;
    dataFiles = list?.length ? await readAll(Array.from(list, (file) => ({ name: file.name, file }))) : undefined;
    $('data-files').textContent = dataFiles ? `Using ${dataFiles.map((f) => f.name).join(', ')} (${kib(sizeOf(dataFiles))}).` : '';
    $('data-clear').hidden = !dataFiles;
  });
  $('data-clear').addEventListener('click', () => {
    dataFiles = undefined;
    $<HTMLInputElement>('data-input').value = '';
    $('data-files').textContent = '';
    $('data-clear').hidden = true;
  });
}

function row(label: string, field: string, float: string, quantized: string, delta: string, raw?: { float: number; quantized: number }): HTMLTableRowElement {
  const tr = document.createElement('tr');
  tr.dataset.field = field;
  if (raw) {
    tr.dataset.float = String(raw.float);
    tr.dataset.quantized = String(raw.quantized);
  }
  for (const text of [label, float, quantized, delta]) tr.insertCell().textContent = text;
  return tr;
}

function showResult(r: PlaygroundResult): void {
  const body = $('results-body');
  body.replaceChildren();
  if (r.metric) {
    const m = r.metric;
    const better = m.higherIsBetter ? 'higher is better' : 'lower is better';
    body.append(row(`${m.name} (${m.samples} test samples, ${better})`, 'metric', metricValue(m.name, m.float), metricValue(m.name, m.quantized), m.isFraction ? change('points', m.float, m.quantized) : change('ratio', m.float, m.quantized), m));
  }
  body.append(row('model size', 'size', kib(r.sizeBytes.float), kib(r.sizeBytes.quantized), change('ratio', r.sizeBytes.float, r.sizeBytes.quantized), r.sizeBytes));
  body.append(row(`latency (batch ${r.latencyMs.batch}, median of ${r.latencyMs.runs})`, 'latency', ms(r.latencyMs.float), ms(r.latencyMs.quantized), change('ratio', r.latencyMs.float, r.latencyMs.quantized), r.latencyMs));
  const sqnr = Number.isFinite(r.agreement.sqnrDb) ? `${r.agreement.sqnrDb.toFixed(1)} dB` : 'identical';
  body.append(row(`output agreement '${r.agreement.output}' (SQNR vs float)`, 'agreement', '—', sqnr, '', { float: Infinity, quantized: r.agreement.sqnrDb }));

  const threads = `${r.env.threads} thread${r.env.threads === 1 ? '' : 's'}`;
  $('notes').textContent =
    `${r.quantizedNodes} of ${r.nodes} nodes quantized in ${r.quantizeSeconds.toFixed(1)} s; measured on Octet's ${r.env.variant} kernels with ${threads}. ` +
    (r.warnings.length ? `Warnings: ${r.warnings.join('; ')}.` : '');

  // One self-contained .onnx; a model over protobuf's 2 GiB limit comes with its .data file.
  for (const url of downloadUrls) URL.revokeObjectURL(url);
  downloadUrls = r.files.map((f) => URL.createObjectURL(f.blob));
  const links = r.files.map((f, i) => {
    const a = i === 0 ? $<HTMLAnchorElement>('download') : document.createElement('a');
    a.className = 'button';
    a.href = downloadUrls[i]!;
    a.download = f.name;
    a.textContent = `Download ${f.name} (${kib(f.blob.size)})`;
    return a;
  });
  $('downloads').replaceChildren(...links);
  $('download-note').textContent = r.files.length > 1 ? `Over protobuf's 2 GiB limit: the model keeps its weights in ${r.files[1]!.name}; download both into one folder.` : '';
  $('results').hidden = false;

  $<HTMLIFrameElement>('report').srcdoc = r.reportHtml;
  $('report-section').hidden = false;
}

function settings(): QuantizeSettings {
  return {
    mode: $<HTMLSelectElement>('mode').value as QuantizeSettings['mode'],
    calibrationMethod: $<HTMLSelectElement>('calibration').value as QuantizeSettings['calibrationMethod'],
  };
}

function start(): void {
  if (busy) return;
  setBusy(true);
  $('results').hidden = true;
  $('report-section').hidden = true;
  // A copy: the bytes are transferred to the worker, the dropped file stays usable for another run.
  const copy = (f: UserFile): UserFile => ({ name: f.name, bytes: f.bytes.slice(0) });
  const model: ModelChoice = dropped
    ? { kind: 'file', name: dropped.name, bytes: dropped.bytes.slice(0), sideFiles: dropped.sideFiles.map(copy) }
    : { kind: 'bundled', id: $<HTMLSelectElement>('model-select').value };
  const data: UserData | undefined = dataFiles && { files: dataFiles.map(copy), metric: $<HTMLSelectElement>('data-metric').value as MetricName };
  setStatus(`Quantizing ${model.kind === 'file' ? model.name : model.id}…`);
  const transfer = [...(model.kind === 'file' ? [model.bytes, ...model.sideFiles.map((f) => f.bytes)] : []), ...(data?.files.map((f) => f.bytes) ?? [])];
  send({ type: 'quantize', model, settings: settings(), data }, transfer);
}

function onMessage(e: MessageEvent<FromWorker>): void {
  const m = e.data;
  switch (m.type) {
    case 'env': {
      const { env } = m;
      $('env').textContent = env.crossOriginIsolated
        ? `Cross-origin isolated: Octet runs with ${env.threads} thread${env.threads === 1 ? '' : 's'} (${env.variant} kernels) in the worker.`
        : `Not cross-origin isolated (serve with COOP/COEP headers for threads): Octet runs single-threaded (${env.variant} kernels).`;
      $<HTMLButtonElement>('quantize').disabled = false;
      document.body.dataset.state = 'idle';
      break;
    }
    case 'progress':
      setStatus(m.fraction === undefined ? `${m.message}…` : `${m.message}… ${Math.round(100 * m.fraction)} %`);
      break;
    case 'done':
      showResult(m.result);
      setStatus(`Done: ${m.result.modelName} → ${m.result.fileName}.`);
      setBusy(false);
      document.body.dataset.state = 'done';
      break;
    case 'error':
      setStatus(`Failed: ${m.message}`, true);
      setBusy(false);
      document.body.dataset.state = 'error';
      break;
  }
}

/** A fresh worker (at start, and after Cancel: terminating is the only way to stop a running job). */
function startWorker(): void {
  worker = new Worker(new URL('./worker.js', import.meta.url), { type: 'module' });
  worker.onmessage = onMessage;
  worker.onerror = (e) => {
    setStatus(`The worker failed: ${e.message}`, true);
    setBusy(false);
    document.body.dataset.state = 'error';
  };
  document.body.dataset.state = 'loading';
  $<HTMLButtonElement>('quantize').disabled = true;
  send({ type: 'env' });
}

function cancel(): void {
  if (!busy) return;
  worker.terminate();
  setBusy(false);
  setStatus('Cancelled.');
  startWorker();
}

initModels();
initDrop();
initData();
$('quantize').addEventListener('click', start);
$('cancel').addEventListener('click', cancel);
// Dynamic quantization has no calibration step.
$('mode').addEventListener('change', () => ($<HTMLSelectElement>('calibration').disabled = $<HTMLSelectElement>('mode').value !== 'static'));
startWorker();
