import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../core/errors.js';
import { effectiveLlmSettings, resolveLlmEndpoint } from './config.js';

describe('resolveLlmEndpoint', () => {
  it('returns nothing when no URL is configured anywhere', () => {
    expect(resolveLlmEndpoint({ env: {} })).toBeUndefined();
    expect(resolveLlmEndpoint({ env: { TIERS_LLM_URL: '' } })).toBeUndefined();
  });

  it('prefers the command line over the environment over the file', () => {
    const file = { url: 'http://file.invalid/v1', model: 'file-model', concurrency: 2 };
    const env = { TIERS_LLM_URL: 'http://env.invalid/v1', TIERS_LLM_MODEL: 'env-model' };
    const fromCli = resolveLlmEndpoint({ file, env, cli: { url: 'http://cli.invalid/v1' } })!;
    expect(fromCli.settings.url).toBe('http://cli.invalid/v1');
    expect(fromCli.settings.model).toBe('env-model');
    expect(fromCli.settings.concurrency).toBe(2);
    expect(resolveLlmEndpoint({ file, env: {} })!.settings.model).toBe('file-model');
  });

  it('reads the key from a file or the environment, never from the config file', () => {
    const dir = mkdtempSync(join(tmpdir(), 'tiers-key-'));
    writeFileSync(join(dir, 'key'), 'sk-from-file\n');
    const env = { TIERS_LLM_URL: 'http://127.0.0.1:8080/v1', TIERS_LLM_API_KEY: 'sk-from-env' };
    expect(resolveLlmEndpoint({ env })!.apiKey).toBe('sk-from-env');
    expect(resolveLlmEndpoint({ env, cli: { apiKeyFile: join(dir, 'key') } })!.apiKey).toBe('sk-from-file');
    expect(() => resolveLlmEndpoint({ env, file: { apiKey: 'sk-in-file' } })).toThrow(/TIERS_LLM_API_KEY/);
  });

  it('names the missing key file without printing its contents', () => {
    const env = { TIERS_LLM_URL: 'http://127.0.0.1:8080/v1', TIERS_LLM_API_KEY_FILE: '/nonexistent/key' };
    expect(() => resolveLlmEndpoint({ env })).toThrow('cannot read the LLM API key file /nonexistent/key: ENOENT');
  });

  it('rejects out-of-range and unknown settings by name', () => {
    const env = { TIERS_LLM_URL: 'http://127.0.0.1:8080/v1' };
    expect(() => resolveLlmEndpoint({ env, file: { concurrency: 0 } })).toThrow(ConfigError);
    expect(() => resolveLlmEndpoint({ env, file: { concurrency: 0 } })).toThrow(/llm\.concurrency/);
    expect(() => resolveLlmEndpoint({ env, file: { concurrancy: 4 } })).toThrow(/concurrancy/);
    expect(() => resolveLlmEndpoint({ env: { TIERS_LLM_URL: 'not a url' } })).toThrow(/llm\.url/);
  });
});

describe('effectiveLlmSettings', () => {
  it('fills every default and leaves the URL out unless the file sets it', () => {
    const settings = effectiveLlmSettings(undefined);
    expect(settings).not.toHaveProperty('url');
    expect(settings).toMatchObject({ model: 'gemma-3-270m', concurrency: 4, responseFormat: 'auto', maxAttempts: 4 });
    expect(effectiveLlmSettings({ url: 'http://127.0.0.1:8080/v1' }).url).toBe('http://127.0.0.1:8080/v1');
  });
});
