import { describe, expect, it } from 'vitest';
import type { OperatorContext } from '../../core/operator.js';
import { makeRecord } from '../../core/testing.js';
import { HEURISTIC_FAMILIES, type HeuristicFamily } from './config.js';
import { createHeuristicFilter } from './heuristic-filter.js';
import type { HeuristicProfile } from './profile.js';

// The operator never logs, so a context without a usable logger is enough.
const CONTEXT = {} as OperatorContext;

// Three lines of encyclopedic Chinese prose, each ending in `。`.
const CHINESE_ARTICLE = [
  '长江是中国最长的河流，全长约六千三百公里，发源于青藏高原的唐古拉山脉。它自西向东流经十一个省级行政区，最后在上海附近注入东海。长江流域的面积约占中国国土面积的五分之一，养育了全国三分之一以上的人口。',
  '历史上，长江两岸的城市依靠航运发展起来，武汉、南京和重庆都是重要的港口城市。三峡工程建成以后，长江中游的防洪能力明显提高，同时也为沿岸地区提供了大量电力。',
  '长江中下游平原土地肥沃，气候温和，是中国重要的粮食产区。这里的水稻、油菜和淡水鱼产量都很高，因此自古就有“鱼米之乡”的称号。',
].join('\n');

// Five lines of Spanish prose, which contain none of the English stop words.
const SPANISH_ARTICLE = [
  'El puerto antiguo de la ciudad fue construido a principios del siglo dieciocho, cuando la pesca y el comercio de sal eran las principales fuentes de ingresos.',
  'Durante las décadas siguientes, los comerciantes levantaron almacenes de piedra a lo largo del muelle, y un pequeño astillero abrió en la orilla norte.',
  'A mediados del siglo diecinueve el puerto recibía grano, madera y carbón, y una línea de ferrocarril lo conectaba con los mercados del interior.',
  'La decadencia comenzó después de la segunda guerra mundial, cuando los barcos más grandes ya no podían entrar en el canal estrecho.',
  'Hoy el muelle es un paseo tranquilo con cafés, un museo marítimo y un transbordador que cruza a la isla dos veces al día.',
].join('\n');

/** Returns the rule that rejects `text` with only `family` enabled, or 'keep'. */
function decide(text: string, lang: string, family: HeuristicFamily, profile?: HeuristicProfile): string {
  const config: Record<string, unknown> = profile === undefined ? {} : { profile };
  for (const name of HEURISTIC_FAMILIES) config[name] = { enabled: name === family };
  const operator = createHeuristicFilter(config);
  const [outcome] = operator.process(makeRecord(text, { lang }), CONTEXT);
  return outcome?.kind === 'reject' ? outcome.rule : 'keep';
}

// Decisions of datatrove 0.10.1's filters with default settings on the same texts, with
// jieba words for Chinese (`zho_Hani`) and spaCy's Spanish tokenizer for Spanish (`es`),
// translated to tiers' rule names.
const CASES = [
  { name: 'Chinese', text: CHINESE_ARTICLE, lang: 'zh', family: 'gopherRepetition', datatrove: 'keep' },
  { name: 'Chinese', text: CHINESE_ARTICLE, lang: 'zh', family: 'gopherQuality', datatrove: 'gopher_mean_word_length_too_short' },
  { name: 'Chinese', text: CHINESE_ARTICLE, lang: 'zh', family: 'c4', datatrove: 'c4_too_few_sentences' },
  { name: 'Chinese', text: CHINESE_ARTICLE, lang: 'zh', family: 'fineweb', datatrove: 'keep' },
  { name: 'Spanish', text: SPANISH_ARTICLE, lang: 'es', family: 'gopherRepetition', datatrove: 'keep' },
  { name: 'Spanish', text: SPANISH_ARTICLE, lang: 'es', family: 'gopherQuality', datatrove: 'gopher_too_few_stop_words' },
  { name: 'Spanish', text: SPANISH_ARTICLE, lang: 'es', family: 'c4', datatrove: 'keep' },
  { name: 'Spanish', text: SPANISH_ARTICLE, lang: 'es', family: 'fineweb', datatrove: 'keep' },
] as const;

describe('heuristic-filter profiles', () => {
  for (const { name, text, lang, family, datatrove } of CASES) {
    it(`datatrove profile: ${name} ${family} as datatrove`, () => {
      expect(decide(text, lang, family, 'datatrove')).toBe(datatrove);
    });

    it(`default profile: ${name} ${family} kept`, () => {
      expect(decide(text, lang, family)).toBe('keep');
      expect(decide(text, lang, family, 'language-aware')).toBe('keep');
    });
  }

  it('datatrove profile keeps English decisions', () => {
    const english = [
      'The old harbour of the town was built in the early eighteenth century, when fishing and salt trade were the main sources of income.',
      'Over the following decades, merchants added stone warehouses along the quay, and a small shipyard opened on the northern shore.',
      'By the middle of the nineteenth century the harbour handled grain, timber and coal, and a railway line connected it with inland markets.',
      'The decline began after the second world war, when larger ships could no longer enter the narrow channel.',
      'Today the quay is a quiet promenade with cafes, a maritime museum and a ferry that crosses to the island twice a day.',
    ].join('\n');
    // datatrove keeps this text in all four filters.
    for (const family of ['gopherRepetition', 'gopherQuality', 'c4', 'fineweb'] as const) {
      expect(decide(english, 'en', family, 'datatrove'), family).toBe('keep');
      expect(decide(english, 'en', family), family).toBe('keep');
    }
  });
});
