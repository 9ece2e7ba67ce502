/** Counters that the report and the logs print; conservation is checked from these. */

export interface OperatorStats {
  operator: string;
  version: string;
  in: number;
  promoted: number;
  rejected: number;
  /** New records an operator derived from its input (synthesis); they travel on with the promoted ones. */
  emitted: number;
  /** Rejections by rule. */
  rules: Record<string, number>;
}

export interface StageStats {
  stage: string;
  input: string;
  output: string;
  /** Messages consumed from the input topic. */
  consumed: number;
  /** Records published to the output topic. */
  promoted: number;
  rejected: number;
  /** Messages that could not be decoded into a record, sent to the DLQ. */
  dlq: number;
  operators: OperatorStats[];
}

export function newOperatorStats(operator: string, version: string, rules: readonly string[]): OperatorStats {
  const zeroed: Record<string, number> = {};
  for (const rule of rules) zeroed[rule] = 0;
  return { operator, version, in: 0, promoted: 0, rejected: 0, emitted: 0, rules: zeroed };
}

/** Adds one batch's counts into running totals. */
export function addOperatorStats(total: OperatorStats, delta: OperatorStats): void {
  total.in += delta.in;
  total.promoted += delta.promoted;
  total.rejected += delta.rejected;
  total.emitted += delta.emitted;
  for (const [rule, count] of Object.entries(delta.rules)) total.rules[rule] = (total.rules[rule] ?? 0) + count;
}

export function countRejection(stats: { rejected: number; rules: Record<string, number> }, rule: string): void {
  stats.rejected++;
  stats.rules[rule] = (stats.rules[rule] ?? 0) + 1;
}

/** Conservation failures of a stage, as sentences; empty when every count balances. */
export function conservationErrors(stage: StageStats): string[] {
  const errors: string[] = [];
  const rejectedByOperators = stage.operators.reduce((sum, op) => sum + op.rejected, 0);
  const emitted = stage.operators.reduce((sum, op) => sum + op.emitted, 0);
  if (stage.consumed + emitted !== stage.promoted + rejectedByOperators + stage.dlq) {
    errors.push(
      `stage ${stage.stage}: consumed ${stage.consumed} + emitted ${emitted} != promoted ${stage.promoted} + rejected ${rejectedByOperators} + dlq ${stage.dlq}`,
    );
  }
  for (const op of stage.operators) {
    if (op.in !== op.promoted + op.rejected) {
      errors.push(`operator ${op.operator}: in ${op.in} != promoted ${op.promoted} + rejected ${op.rejected}`);
    }
  }
  return errors;
}
