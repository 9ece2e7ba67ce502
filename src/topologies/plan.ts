import type { OperatorSpec, StageSpec, Topology } from './types.js';

/** Operators that call a model endpoint and cannot run without one. */
export const LLM_OPERATORS: ReadonlySet<string> = new Set(['llm-scorer', 'llm-editor', 'llm-synthesizer', 'verifier']);

export interface PlanOptions {
  /** An LLM endpoint is configured. */
  llm: boolean;
  /** A trained classifier model file, which replaces llm-scorer wherever it appears. */
  scorerModel?: string;
  /** Only these stages, by name; the others are not run and not reported as skipped. */
  only?: string[];
}

export interface SkippedStage {
  stage: string;
  reason: string;
}

export interface StagePlan {
  stages: StageSpec[];
  skipped: SkippedStage[];
}

/**
 * Decides which of a topology's stages can run with what is configured. A stage that needs
 * an LLM is skipped without one, and so is every stage that reads a tier no running stage
 * writes; each skipped stage gets a reason that says how to enable it.
 */
export function planStages(topology: Topology, options: PlanOptions): StagePlan {
  const stages: StageSpec[] = [];
  const skipped: SkippedStage[] = [];
  const produced = new Set<string>(['l0']);
  for (const original of topology.stages) {
    if (options.only && !options.only.includes(original.name)) continue;
    const stage = withScorerModel(original, options.scorerModel);
    const needing = stage.operators.filter((op) => LLM_OPERATORS.has(op.operator)).map((op) => op.operator);
    // The missing endpoint is named first: it is the one thing that enables the stage.
    if (needing.length > 0 && !options.llm) {
      const classifierHint = needing.includes('llm-scorer') ? ', or pass --scorer-model with a model from `tiers train-scorer`' : '';
      skipped.push({
        stage: stage.name,
        reason: `${needing.join(', ')} ${needing.length === 1 ? 'needs' : 'need'} an LLM endpoint: pass --llm-url or set TIERS_LLM_URL${classifierHint}`,
      });
      continue;
    }
    // With a stage list, inputs come from Kafka topics other processes fill.
    if (!options.only && !produced.has(stage.input)) {
      skipped.push({ stage: stage.name, reason: `it reads ${stage.input}, which no running stage writes` });
      continue;
    }
    stages.push(stage);
    produced.add(stage.output);
  }
  return { stages, skipped };
}

function withScorerModel(stage: StageSpec, scorerModel: string | undefined): StageSpec {
  if (!scorerModel || !stage.operators.some((op) => op.operator === 'llm-scorer')) return stage;
  const operators: OperatorSpec[] = stage.operators.map((op) =>
    op.operator === 'llm-scorer' ? { operator: 'classifier-scorer', config: { modelPath: scorerModel } } : op,
  );
  return { ...stage, operators };
}
