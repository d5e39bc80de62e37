import { performance } from 'node:perf_hooks';
import type { CommandSpec } from '../args.js';
import { batchesOf, dataParts, readDataPart, type DataTensor } from '../data-folder.js';
import { openSession, runBatch } from '../engine.js';
import { formatMs, latencyStats, type LatencyStats } from '../latency.js';
import { resolvePath } from '../model-file.js';
import { benchPeer, PEERS, type Peer } from '../peer-bench.js';
import { createProgress } from '../progress.js';
import { syntheticFeeds } from '../synthetic-inputs.js';
import { jsonOption, threadsOption } from './common-options.js';

export const benchCommand: CommandSpec = {
  name: 'bench',
  positionals: ['MODEL.onnx'],
  summary: "Time the model on Octet's runtime (median/mean/p90), optionally against onnxruntime in a separate process.",
  details:
    'Inputs: the first samples of --inputs DIR (--batch-size of them, default all), or synthetic\n' +
    'inputs of --batch-size samples (default 1). --vs runs the peer in its own process on the same\n' +
    'inputs and prints the ratio of medians; Octet and the peer alternate in --rounds rounds.',
  options: {
    inputs: { type: 'string', value: 'DIR', help: 'folder of input_K.pb files (default: synthetic inputs)' },
    'batch-size': { type: 'string', value: 'N', help: 'samples per run', integer: { min: 1 } },
    threads: threadsOption,
    runs: { type: 'string', value: 'N', help: 'timed runs (default 20)', integer: { min: 1, max: 100000 } },
    warmup: { type: 'string', value: 'N', help: 'untimed runs first (default 5)', integer: { min: 0, max: 100000 } },
    vs: { type: 'string', value: 'PEER', help: 'also time this runtime, in a separate process', choices: PEERS },
    rounds: { type: 'string', value: 'N', help: 'with --vs: alternate Octet and the peer this many times (default 3)', integer: { min: 1, max: 100 } },
    json: jsonOption,
  },
  async run(args, io) {
    const modelPath = resolvePath(args.positionals[0], io.cwd);
    const threads = args.options.threads as number | undefined;
    const runs = (args.options.runs as number | undefined) ?? 20;
    const warmup = (args.options.warmup as number | undefined) ?? 5;
    const requestedBatch = args.options['batch-size'] as number | undefined;
    const json = Boolean(args.options.json);
    const session = await openSession(modelPath, { threads });
    let feeds: Record<string, DataTensor>;
    let batch: number;
    let octet: LatencyStats;
    let firstRunMs: number;
    const peerName = args.options.vs as Peer | undefined;
    let peer: (LatencyStats & { name: Peer; version: string }) | undefined;
    const progress = createProgress(io, 'bench', json);
    try {
      if (args.options.inputs) {
        const part = readDataPart(dataParts(resolvePath(args.options.inputs as string, io.cwd))[0], session.inputNames, { labels: 'ignore' });
        const b = batchesOf(part, requestedBatch ?? Infinity).next().value!;
        feeds = b.feeds;
        batch = b.count;
      } else {
        batch = requestedBatch ?? 1;
        feeds = syntheticFeeds(session.inputMetadata, batch);
      }
      let t0 = performance.now();
      await runBatch(session, modelPath, feeds);
      firstRunMs = performance.now() - t0;
      for (let i = 1; i < warmup; i++) await runBatch(session, modelPath, feeds);
      // With a peer, alternate: a share of Octet's runs, then a peer process, and again, so that
      // both see the same machine load (others' jobs come and go).
      const rounds = peerName ? Math.min((args.options.rounds as number | undefined) ?? 3, runs) : 1;
      const times: number[] = [];
      const peerTimes: number[] = [];
      let version = 'unknown';
      for (let r = 0; r < rounds; r++) {
        const share = Math.floor(runs / rounds) + (r < runs % rounds ? 1 : 0);
        for (let i = 0; i < share; i++) {
          t0 = performance.now();
          await runBatch(session, modelPath, feeds);
          times.push(performance.now() - t0);
          progress.update(times.length / runs, `octet run ${times.length}/${runs}`);
        }
        if (peerName) {
          progress.update(undefined, `${peerName} round ${r + 1}/${rounds}`);
          const res = await benchPeer({ peer: peerName, model: modelPath, feeds, runs: share, warmup, threads });
          version = res.version;
          peerTimes.push(...res.times);
        }
      }
      octet = latencyStats(times);
      if (peerName) peer = { name: peerName, version, ...latencyStats(peerTimes) };
    } finally {
      progress.done();
      session.dispose();
    }
    const result = {
      model: args.positionals[0],
      batch,
      threads: threads ?? null,
      octet: { ...octet, firstRunMs },
      ...(peer ? { peer, speedup: peer.medianMs / octet.medianMs } : {}),
    };
    if (json) {
      io.stdout(JSON.stringify(result, null, 2) + '\n');
      return;
    }
    const line = (name: string, s: LatencyStats) =>
      `${name.padEnd(22)} median ${formatMs(s.medianMs)}  mean ${formatMs(s.meanMs)}  p90 ${formatMs(s.p90Ms)}  min ${formatMs(s.minMs)}\n`;
    io.stdout(`${args.positionals[0]}: batch ${batch}, ${runs} runs after ${warmup} warm-up${threads ? `, ${threads} threads` : ''}\n`);
    io.stdout(line('octet', octet));
    if (peer) {
      io.stdout(line(`${peer.name} ${peer.version}`, peer));
      const r = peer.medianMs / octet.medianMs;
      io.stdout(r >= 1 ? `octet is ${r.toFixed(2)}× faster than ${peer.name} (median)\n` : `octet is ${(1 / r).toFixed(2)}× slower than ${peer.name} (median)\n`);
    }
  },
};
