// The page: pick or drop a model, send it to the quantization worker, show the comparison, the
// report (in a sandboxed iframe) and the download link.
import { BUNDLED_MODELS, type FromWorker, type ModelChoice, type PlaygroundResult, type QuantizeSettings, type ToWorker } from '../shared/protocol.js';
import { change, kib, metricValue, ms } from './format.js';

const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;

let worker: Worker;
const send = (m: ToWorker, transfer: Transferable[] = []) => worker.postMessage(m, transfer);

let dropped: { name: string; bytes: ArrayBuffer } | undefined;
let downloadUrl: string | undefined;
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

async function takeFile(file: File): Promise<void> {
  if (!/\.onnx$/i.test(file.name)) {
    setStatus(`${file.name}: not an .onnx file`, true);
    return;
  }
  dropped = { name: file.name, bytes: await file.arrayBuffer() };
  $('dropped').textContent = `Using ${file.name} (${kib(file.size)}).`;
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
    const file = e.dataTransfer?.files[0];
    if (file) void takeFile(file);
  });
  // The zone is focusable: Enter or Space opens the file picker, as a click on "choose one" does.
  zone.addEventListener('keydown', (e) => {
    if (e.key === 'Enter' || e.key === ' ') {
      e.preventDefault();
      $('file-input').click();
    }
  });
  $<HTMLInputElement>('file-input').addEventListener('change', (e) => {
    const file = (e.target as HTMLInputElement).files?.[0];
    if (file) void takeFile(file);
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

  if (downloadUrl) URL.revokeObjectURL(downloadUrl);
  downloadUrl = URL.createObjectURL(new Blob([r.quantized], { type: 'application/octet-stream' }));
  const a = $<HTMLAnchorElement>('download');
  a.href = downloadUrl;
  a.download = r.fileName;
  a.textContent = `Download ${r.fileName} (${kib(r.sizeBytes.quantized)})`;
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
  const model: ModelChoice = dropped ? { kind: 'file', name: dropped.name, bytes: dropped.bytes.slice(0) } : { kind: 'bundled', id: $<HTMLSelectElement>('model-select').value };
  setStatus(`Quantizing ${model.kind === 'file' ? model.name : model.id}…`);
  send({ type: 'quantize', model, settings: settings() }, model.kind === 'file' ? [model.bytes] : []);
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
$('quantize').addEventListener('click', start);
$('cancel').addEventListener('click', cancel);
// Dynamic quantization has no calibration step.
$('mode').addEventListener('change', () => ($<HTMLSelectElement>('calibration').disabled = $<HTMLSelectElement>('mode').value !== 'static'));
startWorker();
