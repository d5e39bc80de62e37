// The shape of benchmarks/results/latest.json: one run of every suite, normalised for the table.

export type SuiteState = 'ok' | 'failed' | 'skipped' | 'missing';

export interface SuiteStatus {
  name: string;
  state: SuiteState;
  /** why it failed / was skipped / is missing (exit code, error message) */
  detail?: string;
  /** the suite's own date stamp, when its JSON was read */
  date?: string;
  /** the JSON is from an earlier run than this one (e.g. a suite skipped by --quick) */
  earlierRun?: boolean;
  seconds?: number;
}

export interface Machine {
  cpu: string;
  cores: number;
  /** clock reported by the OS (MHz, /proc/cpuinfo or os.cpus) */
  reportedMhz?: number;
  /** effective clock estimated by the kernel suite from a dependent multiply chain (GHz): the core share the process got */
  measuredGhz?: number;
  os: string;
  memoryGB: number;
  /** 1-minute load average samples seen by suites that record it */
  loadAverage?: { min: number; max: number };
}

export interface Versions {
  node: string;
  chromium?: string;
  'onnxruntime-web'?: string;
  'onnxruntime-node'?: string;
  'onnxruntime-common'?: string;
  esbuild?: string;
}

/** One model × variant × batch in one environment (Node or Chromium). Times in ms, medians. */
export interface ModelRow {
  case: string;
  env: 'node' | 'chromium';
  /** Octet by thread count, e.g. { '1': 1.12, '2': 1.38 } */
  octetMs: Record<string, number>;
  ortWebMs?: number;
  ortNodeMs?: number;
  /** ort-web time ÷ Octet time per thread count: > 1 means Octet is faster */
  vsOrtWeb: Record<string, number>;
  error?: string;
}

export interface KernelRow {
  case: string;
  env: 'node' | 'chromium';
  /** Octet build/threads label → { ms, gops } */
  octet: Record<string, { ms: number; gops: number }>;
  ortWeb?: { ms: number; gops: number };
  ortNode?: { ms: number; gops: number };
  /** ort-web median time ÷ Octet median time, per Octet label */
  vsOrtWeb: Record<string, number>;
  /** the suite's in-process paired ratio (robust under load), Node 1 thread only */
  pairedVsOrtWeb?: number;
  outputsMatchOrtWeb?: boolean;
}

export interface QuantizerRow {
  case: string;
  params?: number;
  seconds: number;
  peakMB?: number;
  goal?: string;
  met?: boolean;
}

export interface Sizes {
  raw: number;
  gzip: number;
  brotli: number;
}

export interface BundleRow {
  id: string;
  label: string;
  js: Sizes;
  wasm: Sizes;
  total: Sizes;
  files: string[];
  /** minified bytes each package contributes to the app's JS (esbuild metafile), largest first */
  jsByPackage?: Record<string, number>;
  /** this app's total gzip ÷ the reference app's (onnxruntime-web/wasm) */
  gzipVsOrtWeb?: number;
}

export interface OnnxCodecRow {
  model: string;
  op: string;
  /** implementation label → median ms */
  medianMs: Record<string, number>;
  /** implementation label → peak memory beyond input, as a multiple of the model size */
  peakRatio: Record<string, number>;
}

export interface SuiteMethod {
  rounds?: number;
  method: string;
}

export interface Latest {
  date: string;
  quick: boolean;
  machine: Machine;
  versions: Versions;
  suites: SuiteStatus[];
  models?: SuiteMethod & { rows: ModelRow[] };
  kernels?: SuiteMethod & { rows: KernelRow[] };
  quantizer?: SuiteMethod & { rows: QuantizerRow[] };
  bundleSize?: SuiteMethod & { measuredIn: string; model?: string; rows: BundleRow[] };
  onnx?: SuiteMethod & { rows: OnnxCodecRow[] };
}
