import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { afterAll, describe, expect, it } from 'vitest';
import { ConfigError } from '../../core/errors.js';
import type { Outcome } from '../../core/operator.js';
import type { TierRecord } from '../../core/record.js';
import { makeRecord } from '../../core/testing.js';
import { parseLangidConfig } from './config.js';
import { DETECTABLE_LANGS, MODEL_LABELS, langOfLabel } from './labels.js';
import { createLangid, LangidOperator, prefixCodePoints, prepareLine } from './langid.js';
import { loadLanguageModel, locateModelFiles, readModelBytes } from './model.js';

const ctx = { log: pino({ level: 'silent' }) };

const ENGLISH = 'The committee will meet next Tuesday to discuss the budget for the coming year.';
const FRENCH = 'Le conseil municipal se réunira mardi prochain pour voter le budget de la ville.';
const CHINESE = '会议决定调整明年的工作安排，并讨论新的预算方案。';
const CANTONESE = '佢哋今日喺度食緊飯，我哋聽日一齊去睇戲啦';
/** Simplified Chinese without kana that lid.176 labels `ja` (probability 0.77). */
const CHINESE_LABELLED_JA = '三、各团体间的互助与交流';
const JAPANESE = '東京都知事選挙の結果が発表されました。';

async function run(operator: LangidOperator, record: TierRecord): Promise<Outcome> {
  const outcomes = await operator.process(record);
  expect(outcomes).toHaveLength(1);
  return outcomes[0]!;
}

describe('langid config', () => {
  it('fills in defaults', () => {
    expect(parseLangidConfig({})).toEqual({ maxChars: 2000, minConfidence: 0.5, allow: null, overwrite: false });
    expect(parseLangidConfig(undefined)).toEqual(parseLangidConfig({}));
  });

  it('rejects unknown options', () => {
    expect(() => parseLangidConfig({ threshold: 0.5 })).toThrow(ConfigError);
    expect(() => parseLangidConfig({ threshold: 0.5 })).toThrow(/langid has unknown option\(s\) 'threshold'/);
  });

  it('rejects codes the model never returns', () => {
    expect(() => parseLangidConfig({ allow: ['eng'] })).toThrow(/langid\.allow\.0 must be a language code that the model returns/);
    expect(() => parseLangidConfig({ allow: ['EN'] })).toThrow(/got "EN"/);
    expect(() => parseLangidConfig({ allow: ['yue'] })).toThrow(ConfigError);
  });

  it('rejects an empty allow list', () => {
    expect(() => parseLangidConfig({ allow: [] })).toThrow(/use null to keep every language/);
  });

  it('rejects out-of-range numbers', () => {
    expect(() => parseLangidConfig({ minConfidence: 1.5 })).toThrow(/langid\.minConfidence must be a number from 0 to 1, got 1\.5/);
    expect(() => parseLangidConfig({ maxChars: 0 })).toThrow(/langid\.maxChars must be a positive integer, got 0/);
    expect(() => parseLangidConfig({ maxChars: 2.5 })).toThrow(/langid\.maxChars must be a positive integer/);
  });

  it('accepts und and mapped codes in allow', () => {
    expect(parseLangidConfig({ allow: ['en', 'zh', 'gsw', 'und'] }).allow).toEqual(['en', 'zh', 'gsw', 'und']);
  });
});

describe('langid labels', () => {
  it('lists the 176 model labels', () => {
    expect(MODEL_LABELS).toHaveLength(176);
    expect(new Set(MODEL_LABELS).size).toBe(176);
  });

  it('maps Chinese variants and Alemannic', () => {
    expect(langOfLabel('yue')).toBe('zh');
    expect(langOfLabel('wuu')).toBe('zh');
    expect(langOfLabel('als')).toBe('gsw');
    expect(langOfLabel('en')).toBe('en');
  });

  it('detectable languages exclude mapped labels', () => {
    expect(DETECTABLE_LANGS.has('yue')).toBe(false);
    expect(DETECTABLE_LANGS.has('als')).toBe(false);
    expect(DETECTABLE_LANGS.has('und')).toBe(true);
    expect(DETECTABLE_LANGS.size).toBe(176 - 3 + 2);
  });
});

describe('langid text preparation', () => {
  it('keeps surrogate pairs whole', () => {
    expect(prefixCodePoints('😀😀😀', 2)).toBe('😀😀');
    expect(prefixCodePoints('a😀b', 2)).toBe('a😀');
    expect(prefixCodePoints('short', 10)).toBe('short');
  });

  it('joins lines and lower-cases', () => {
    expect(prepareLine('  Hello\n\nWORLD\r\n\tagain  ', 100)).toBe('hello world again');
    expect(prepareLine('abcdef', 3)).toBe('abc');
  });
});

describe('langid operator', () => {
  it('sets lang and lang_score', async () => {
    const operator = createLangid({});
    const record = makeRecord(ENGLISH);
    const outcome = await run(operator, record);
    expect(outcome.kind).toBe('promote');
    expect(record.lang).toBe('en');
    expect(record.signals.lang_score).toBeGreaterThan(0.9);
    expect(outcome.details).toBeUndefined();
  });

  it('identifies Chinese and French', async () => {
    const operator = createLangid({});
    const chinese = makeRecord(CHINESE);
    const french = makeRecord(FRENCH);
    await run(operator, chinese);
    await run(operator, french);
    expect(chinese.lang).toBe('zh');
    expect(french.lang).toBe('fr');
  });

  it('maps Cantonese to zh', async () => {
    const record = makeRecord(CANTONESE);
    const outcome = await run(createLangid({}), record);
    expect(record.lang).toBe('zh');
    expect(outcome.details).toEqual({ model_label: 'yue' });
  });

  it('turns ja without kana into zh', async () => {
    const chinese = makeRecord(CHINESE_LABELLED_JA);
    const japanese = makeRecord(JAPANESE);
    const operator = createLangid({});
    const chineseOutcome = await run(operator, chinese);
    await run(operator, japanese);
    expect(chinese.lang).toBe('zh');
    expect(chineseOutcome.details).toEqual({ model_label: 'ja' });
    expect(japanese.lang).toBe('ja');
  });

  it('reads every line, not only the first', async () => {
    const record = makeRecord(`Hello\n${FRENCH}\n${FRENCH}`);
    await run(createLangid({}), record);
    expect(record.lang).toBe('fr');
  });

  it('handles upper-case text', async () => {
    const record = makeRecord(FRENCH.toUpperCase());
    await run(createLangid({}), record);
    expect(record.lang).toBe('fr');
    expect(record.signals.lang_score).toBeGreaterThan(0.5);
  });

  it('classifies only maxChars code points', async () => {
    const text = `${ENGLISH} ${CHINESE.repeat(20)}`;
    const prefixOnly = makeRecord(text);
    const whole = makeRecord(text);
    await run(createLangid({ maxChars: ENGLISH.length }), prefixOnly);
    await run(createLangid({}), whole);
    expect(prefixOnly.lang).toBe('en');
    expect(whole.lang).toBe('zh');
  });

  it('gives und to text without letters', async () => {
    const operator = createLangid({});
    for (const text of ['', '   \n\t ', '12345 !!! 3.14', '😀😀']) {
      const record = makeRecord(text);
      const outcome = await run(operator, record);
      expect(outcome.kind, JSON.stringify(text)).toBe('promote');
      expect(record.lang, JSON.stringify(text)).toBe('und');
      expect(record.signals.lang_score, JSON.stringify(text)).toBe(0);
      expect(outcome.details, JSON.stringify(text)).toBeUndefined();
    }
  });

  it('gives und below minConfidence', async () => {
    const record = makeRecord('Hello');
    const outcome = await run(createLangid({ minConfidence: 0.5 }), record);
    expect(record.lang).toBe('und');
    expect(record.signals.lang_score).toBeGreaterThan(0);
    expect(record.signals.lang_score).toBeLessThan(0.5);
    expect(outcome.details).toEqual({ model_label: 'en' });
  });

  it('passes code records unchanged', async () => {
    const record = makeRecord('def main():\n    print("hello world")\n', { domain: 'code' });
    const outcome = await run(createLangid({ allow: ['fr'] }), record);
    expect(outcome.kind).toBe('promote');
    expect(record.lang).toBeNull();
    expect(record.signals.lang_score).toBeUndefined();
  });

  it('keeps a given lang by default', async () => {
    const record = makeRecord(FRENCH, { lang: 'en-GB' });
    const outcome = await run(createLangid({}), record);
    expect(record.lang).toBe('en-GB');
    expect(record.signals.lang_score).toBeGreaterThan(0.9);
    expect(outcome.details).toEqual({ model_label: 'fr' });
  });

  it('replaces a given und', async () => {
    const record = makeRecord(FRENCH, { lang: 'und' });
    await run(createLangid({}), record);
    expect(record.lang).toBe('fr');
  });

  it('overwrites a given lang when asked', async () => {
    const record = makeRecord(FRENCH, { lang: 'en' });
    await run(createLangid({ overwrite: true }), record);
    expect(record.lang).toBe('fr');
  });

  it('keeps a given lang when unsure', async () => {
    const record = makeRecord('Hello', { lang: 'de' });
    await run(createLangid({ overwrite: true }), record);
    expect(record.lang).toBe('de');
  });

  it('rejects languages outside allow', async () => {
    const record = makeRecord(FRENCH);
    const outcome = await run(createLangid({ allow: ['en', 'de'] }), record);
    expect(outcome.kind).toBe('reject');
    if (outcome.kind !== 'reject') return;
    expect(outcome.rule).toBe('langid_not_allowed');
    expect(outcome.value).toBe('fr');
    expect(outcome.reason).toMatch(/^language fr \(detected with score 0\.\d{3}\) is not in allow: en, de$/);
    expect(record.lang).toBe('fr');
  });

  it('rejects a given lang outside allow', async () => {
    const record = makeRecord(ENGLISH, { lang: 'fr-CA' });
    const outcome = await run(createLangid({ allow: ['en'] }), record);
    expect(outcome.kind).toBe('reject');
    if (outcome.kind !== 'reject') return;
    expect(outcome.rule).toBe('langid_not_allowed');
    expect(outcome.reason).toBe('language fr-CA (given by the input) is not in allow: en');
  });

  it('allows by primary subtag', async () => {
    const record = makeRecord(ENGLISH, { lang: 'en-GB' });
    const outcome = await run(createLangid({ allow: ['en'] }), record);
    expect(outcome.kind).toBe('promote');
  });

  it('rejects und unless allowed', async () => {
    const noLetters = makeRecord('12345 !!!');
    const unsure = makeRecord('Hello');
    const operator = createLangid({ allow: ['en'] });
    const noLettersOutcome = await run(operator, noLetters);
    const unsureOutcome = await run(operator, unsure);
    expect(noLettersOutcome.kind).toBe('reject');
    expect(unsureOutcome.kind).toBe('reject');
    if (noLettersOutcome.kind !== 'reject' || unsureOutcome.kind !== 'reject') return;
    expect(noLettersOutcome.rule).toBe('langid_undetermined');
    expect(noLettersOutcome.reason).toBe("the language is undetermined because the text has no letters; allow lists en without 'und'");
    expect(unsureOutcome.rule).toBe('langid_undetermined');
    expect(unsureOutcome.reason).toMatch(/the top label en scored 0\.\d{3}, below minConfidence 0\.5/);

    const unsureAllowed = makeRecord('Hello');
    expect((await run(createLangid({ allow: ['en', 'und'] }), unsureAllowed)).kind).toBe('promote');
  });

  it('decides synchronously once loaded', async () => {
    const operator = createLangid({});
    await operator.process(makeRecord(ENGLISH));
    const outcomes = operator.process(makeRecord(FRENCH));
    expect(Array.isArray(outcomes)).toBe(true);
  });

  it('shares one model per process', async () => {
    expect(await loadLanguageModel()).toBe(await loadLanguageModel());
  });

  it('lists its rules', () => {
    expect(createLangid({}).rules).toEqual(['langid_not_allowed', 'langid_undetermined']);
  });

  it('accepts the runtime context', async () => {
    const operator = createLangid({});
    const record = makeRecord(ENGLISH);
    const outcomes = await operator.process(record, ctx);
    expect(outcomes[0]?.record).toBe(record);
  });
});

describe('langid model files', () => {
  const dir = mkdtempSync(join(tmpdir(), 'tiers-langid-test-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('finds the packaged model', () => {
    const files = locateModelFiles();
    expect(readModelBytes(files).length).toBe(938_013);
  });

  it('reports a missing model file', () => {
    const files = { ...locateModelFiles(), modelPath: join(dir, 'missing.ftz') };
    expect(() => readModelBytes(files)).toThrow(ConfigError);
    expect(() => readModelBytes(files)).toThrow(/missing\.ftz is missing from the fasttext\.wasm package; run npm ci/);
  });

  it('reports a file that is not a model', () => {
    const path = join(dir, 'not-a-model.ftz');
    writeFileSync(path, 'this is text, not a fastText model');
    const files = { ...locateModelFiles(), modelPath: path };
    expect(() => readModelBytes(files)).toThrow(/not-a-model\.ftz is not a fastText model file/);
  });
});
