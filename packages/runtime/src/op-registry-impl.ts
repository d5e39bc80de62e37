import type { GraphPattern, OpConfig, OpRegistry } from './op-registry.js';

const key = (domain: string, opType: string) => `${normalizeDomain(domain)}::${opType}`;

export function normalizeDomain(domain: string): string {
  return domain === 'ai.onnx' ? '' : domain;
}

export class OpRegistryImpl implements OpRegistry {
  private readonly byKey = new Map<string, OpConfig[]>();
  private readonly patternList: GraphPattern[] = [];

  register(config: OpConfig): void {
    const k = key(config.domain, config.opType);
    const list = this.byKey.get(k) ?? [];
    for (const c of list) {
      if (c.minOpset <= config.maxOpset && config.minOpset <= c.maxOpset) {
        throw new Error(`op ${k} registered twice for overlapping opsets ${c.minOpset}-${c.maxOpset}`);
      }
    }
    list.push(config);
    this.byKey.set(k, list);
  }

  registerPattern(pattern: GraphPattern): void {
    if (this.patternList.some((p) => p.name === pattern.name)) throw new Error(`pattern ${pattern.name} registered twice`);
    this.patternList.push(pattern);
  }

  resolve(opType: string, domain: string, opset: number): OpConfig | string {
    const list = this.byKey.get(key(domain, opType));
    if (!list) return 'no implementation for this op type';
    const hit = list.find((c) => opset >= c.minOpset && opset <= c.maxOpset);
    if (hit) return hit;
    const ranges = list.map((c) => `${c.minOpset}-${c.maxOpset}`).join(', ');
    return `implemented for opsets ${ranges} only`;
  }

  get patterns(): readonly GraphPattern[] {
    return this.patternList;
  }

  ops(): readonly OpConfig[] {
    return [...this.byKey.values()].flat();
  }
}

export function createOpRegistry(): OpRegistry {
  return new OpRegistryImpl();
}
