import { describe, expect, it } from 'vitest';
import { defaultTopology } from './default.js';
import { planStages } from './plan.js';

describe('planStages', () => {
  it('runs every stage when an LLM endpoint is configured', () => {
    const plan = planStages(defaultTopology, { llm: true });
    expect(plan.stages.map((s) => s.name)).toEqual(['filter', 'select', 'refine', 'verify']);
    expect(plan.skipped).toEqual([]);
  });

  it('stops after L1 without an endpoint and says how to enable each skipped stage', () => {
    const plan = planStages(defaultTopology, { llm: false });
    expect(plan.stages.map((s) => s.name)).toEqual(['filter']);
    expect(plan.skipped.map((s) => s.stage)).toEqual(['select', 'refine', 'verify']);
    expect(plan.skipped[0]!.reason).toContain('--llm-url');
    expect(plan.skipped[0]!.reason).toContain('--scorer-model');
    expect(plan.skipped[1]!.reason).toContain('llm-editor, llm-synthesizer');
    expect(plan.skipped[2]!.reason).toContain('verifier');
  });

  it('selects with a trained classifier in place of the LLM scorer', () => {
    const plan = planStages(defaultTopology, { llm: false, scorerModel: 'model.json' });
    expect(plan.stages.map((s) => s.name)).toEqual(['filter', 'select']);
    expect(plan.stages[1]!.operators).toEqual([{ operator: 'classifier-scorer', config: { modelPath: 'model.json' } }]);
    expect(plan.skipped.map((s) => s.stage)).toEqual(['refine', 'verify']);
    expect(plan.skipped[1]!.reason).toContain('verifier');
  });

  it('skips a stage whose input tier no running stage writes', () => {
    const topology = { ...defaultTopology, stages: defaultTopology.stages.filter((s) => s.name !== 'select') };
    const plan = planStages(topology, { llm: true });
    expect(plan.stages.map((s) => s.name)).toEqual(['filter']);
    expect(plan.skipped[0]).toEqual({ stage: 'refine', reason: 'it reads l2, which no running stage writes' });
  });

  it('with a stage list, runs those stages whatever feeds their input', () => {
    const plan = planStages(defaultTopology, { llm: true, only: ['refine'] });
    expect(plan.stages.map((s) => s.name)).toEqual(['refine']);
    expect(plan.skipped).toEqual([]);
  });
});
