import type { Command } from 'commander';
import type { Logger } from 'pino';
import type { ConfigFile } from '../core/config-file.js';
import { LlmClient } from '../llm/client.js';
import { effectiveLlmSettings, resolveLlmEndpoint } from '../llm/config.js';
import type { EngineMetrics } from '../metrics/metrics.js';

export interface LlmCliOptions {
  llmUrl?: string;
  llmModel?: string;
  llmKeyFile?: string;
  scorerModel?: string;
}

export function addLlmOptions(command: Command, withScorerModel = true): Command {
  command
    .option('--llm-url <url>', 'OpenAI-compatible endpoint for the LLM stages, e.g. http://127.0.0.1:8080/v1 (default: TIERS_LLM_URL)')
    .option('--llm-model <name>', 'model name to request (default: TIERS_LLM_MODEL, else gemma-3-270m)')
    .option('--llm-key-file <file>', 'file holding the API key (default: TIERS_LLM_API_KEY_FILE or TIERS_LLM_API_KEY)');
  if (withScorerModel) command.option('--scorer-model <file>', 'score L1 with this trained classifier (tiers train-scorer) instead of the LLM');
  return command;
}

/**
 * Builds the shared model client when an endpoint is configured and checks that it answers,
 * so a wrong URL, key or model stops the command before any record is read.
 */
export async function connectLlm(
  options: LlmCliOptions,
  config: ConfigFile,
  log: Logger,
  metrics?: EngineMetrics,
): Promise<LlmClient | undefined> {
  const endpoint = resolveLlmEndpoint({ file: config.llm, cli: { url: options.llmUrl, model: options.llmModel, apiKeyFile: options.llmKeyFile } });
  if (!endpoint) {
    // Still check the settings, so a typo or an out-of-range value fails now and not on the
    // day an endpoint is configured.
    if (config.llm !== undefined) effectiveLlmSettings(config.llm);
    return undefined;
  }
  const client = new LlmClient(endpoint, log, metrics);
  await client.checkReady();
  const { url, model, concurrency, cacheDir } = endpoint.settings;
  log.info({ url, model, concurrency, cacheDir }, 'LLM endpoint ready');
  return client;
}
