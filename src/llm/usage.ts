import type { LlmErrorKind } from './retry.js';

/** What one operator's model calls cost, for report.json. */
export interface OperatorUsage {
  requests: number;
  cacheHits: number;
  failedRequests: number;
  retries: number;
  errors: Partial<Record<LlmErrorKind, number>>;
  promptTokens: number;
  completionTokens: number;
}

export interface UsageReport {
  url: string;
  model: string;
  operators: Record<string, OperatorUsage & { costUsd: number }>;
  promptTokens: number;
  completionTokens: number;
  /** From the configured prices per million tokens; 0 when none are set. */
  costUsd: number;
}

/** Token and request counts per operator, kept beside the Prometheus counters for the run report. */
export class UsageLedger {
  private readonly byOperator = new Map<string, OperatorUsage>();

  entry(operator: string): OperatorUsage {
    let usage = this.byOperator.get(operator);
    if (!usage) {
      usage = { requests: 0, cacheHits: 0, failedRequests: 0, retries: 0, errors: {}, promptTokens: 0, completionTokens: 0 };
      this.byOperator.set(operator, usage);
    }
    return usage;
  }

  report(url: string, model: string, promptPricePerMillion: number, completionPricePerMillion: number): UsageReport {
    const cost = (u: OperatorUsage) => (u.promptTokens * promptPricePerMillion + u.completionTokens * completionPricePerMillion) / 1e6;
    const operators: UsageReport['operators'] = {};
    let promptTokens = 0;
    let completionTokens = 0;
    for (const [name, usage] of [...this.byOperator].sort(([a], [b]) => a.localeCompare(b))) {
      operators[name] = { ...usage, errors: { ...usage.errors }, costUsd: cost(usage) };
      promptTokens += usage.promptTokens;
      completionTokens += usage.completionTokens;
    }
    const costUsd = Object.values(operators).reduce((sum, u) => sum + u.costUsd, 0);
    return { url, model, operators, promptTokens, completionTokens, costUsd };
  }
}
