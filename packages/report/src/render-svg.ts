import * as vega from 'vega';
import { loader, parse, View } from 'vega';
import { compile, type TopLevelSpec } from 'vega-lite';
import { textWidth, type TextItem } from './text-metrics.js';
import { VEGA_CONFIG } from './theme.js';

// exported by vega (from vega-scenegraph) but missing from its typings
const metrics = (vega as unknown as { textMetrics: { width: (item: TextItem, text: unknown) => number } }).textMetrics;

export interface RenderedChart {
  svg: string;
  /** warnings from Vega-Lite's compiler and Vega (a correct spec has none) */
  warnings: string[];
}

// Charts embed their data; any attempt to load a URL is a bug and must not reach the network.
function offlineLoader() {
  const l = loader();
  l.sanitize = async (uri: string) => {
    throw new Error(`report charts never load external resources (asked for ${JSON.stringify(uri)})`);
  };
  return l;
}

function collectingLogger(warnings: string[]) {
  let lvl = 2;
  const self = {
    level(l?: number): any {
      if (l === undefined) return lvl;
      lvl = l;
      return self;
    },
    error(...args: readonly unknown[]) {
      throw new Error(args.map(String).join(' '));
    },
    warn(...args: readonly unknown[]) {
      warnings.push(args.map(String).join(' '));
      return self;
    },
    info() {
      return self;
    },
    debug() {
      return self;
    },
  };
  return self;
}

/** Vega-Lite spec → Vega → static SVG string, headless (no DOM, no canvas). */
export async function renderChart(spec: TopLevelSpec, idPrefix: string): Promise<RenderedChart> {
  const warnings: string[] = [];
  const logger = collectingLogger(warnings);
  const vg = compile({ config: VEGA_CONFIG, ...spec } as TopLevelSpec, { logger }).spec;
  const view = new View(parse(vg), { renderer: 'none', loader: offlineLoader(), logger });
  const previous = metrics.width;
  metrics.width = textWidth;
  try {
    const svg = await view.toSVG();
    return { svg: scopeSvgIds(svg, idPrefix), warnings };
  } finally {
    metrics.width = previous;
    view.finalize();
  }
}

/**
 * Vega numbers clip paths and gradients with process-wide counters, so two inline SVGs can both
 * define `clip1`; in one HTML document the second would then use the first one's clip. Rename
 * every id an SVG defines to `<prefix>-<n>` in order of appearance (also making the output the
 * same on every run), and its references.
 */
export function scopeSvgIds(svg: string, prefix: string): string {
  // Vega escapes <, > and " in attribute values, so a tag is exactly `<…>` without those inside;
  // text content may contain `id="…"` and must stay untouched.
  const tags = /<[^<>]+>/g;
  const ids = new Map<string, string>();
  for (const [tag] of svg.matchAll(tags)) {
    const m = /\sid="([^"]+)"/.exec(tag);
    if (m && !ids.has(m[1]!)) ids.set(m[1]!, `${prefix}-${ids.size + 1}`);
  }
  if (ids.size === 0) return svg;
  const ref = /(\sid="|url\(#|href="#)([^")]+)(?=[")])/g;
  return svg.replace(tags, (tag) => tag.replace(ref, (all, lead: string, id: string) => (ids.has(id) ? lead + ids.get(id) : all)));
}
