import { Command } from 'commander';
import { loadConfigFile } from '../core/config-file.js';
import { effectiveLlmSettings } from '../llm/config.js';
import { effectiveOperatorConfigs, type OperatorConfigs } from '../operators/index.js';
import { getTopology } from '../topologies/index.js';

export function configCommand(): Command {
  return new Command('config')
    .description('Print every operator option with its effective value, as a --config file to start from')
    .option('--topology <name>', 'topology whose operators to show', 'default')
    .option('--config <file>', 'apply this config file first, to see the result')
    .action((options: { topology: string; config?: string }) => {
      const topology = getTopology(options.topology);
      const file = loadConfigFile(options.config);
      const operators: OperatorConfigs = {};
      for (const stage of topology.stages) Object.assign(operators, effectiveOperatorConfigs(stage, file.operators));
      process.stdout.write(JSON.stringify({ llm: effectiveLlmSettings(file.llm), operators }, null, 2) + '\n');
    });
}
