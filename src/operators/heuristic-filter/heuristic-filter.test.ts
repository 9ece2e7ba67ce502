import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../core/errors.js';
import type { Outcome, OperatorContext } from '../../core/operator.js';
import type { TierRecord } from '../../core/record.js';
import { makeRecord } from '../../core/testing.js';
import { parseHeuristicFilterConfig } from './config.js';
import { createHeuristicFilter, HeuristicFilterOperator } from './heuristic-filter.js';
import { HEURISTIC_FILTER_RULES } from './reasons.js';

// The operator never logs, so a context without a usable logger is enough.
const CONTEXT = {} as OperatorContext;

const ENGLISH_ARTICLE = [
  'The old harbour of the town was built in the early eighteenth century, when fishing and salt trade were the main sources of income.',
  'Over the following decades, merchants added stone warehouses along the quay, and a small shipyard opened on the northern shore.',
  'By the middle of the nineteenth century the harbour handled grain, timber and coal, and a railway line connected it with inland markets.',
  'The decline began after the second world war, when larger ships could no longer enter the narrow channel.',
  'Today the quay is a quiet promenade with cafes, a maritime museum and a ferry that crosses to the island twice a day.',
].join('\n');

const CHINESE_ARTICLE = [
  '长江是中国最长的河流，全长约六千三百公里，发源于青藏高原的唐古拉山脉。它自西向东流经十一个省级行政区，最后在上海附近注入东海。长江流域的面积约占中国国土面积的五分之一，养育了全国三分之一以上的人口。',
  '历史上，长江两岸的城市依靠航运发展起来，武汉、南京和重庆都是重要的港口城市。三峡工程建成以后，长江中游的防洪能力明显提高，同时也为沿岸地区提供了大量电力。',
  '长江中下游平原土地肥沃，气候温和，是中国重要的粮食产区。这里的水稻、油菜和淡水鱼产量都很高，因此自古就有“鱼米之乡”的称号。',
].join('\n');

// Headline links of a Chinese portal page: no sentences, no function words.
const CHINESE_LINK_LIST = [
  '北京冬奥会开幕式精彩瞬间回顾',
  '上海地铁新线路今日正式开通',
  '广州老字号茶楼推出春季新品',
  '深圳科技园区迎来首批入驻企业',
  '杭州西湖景区游客数量创新高',
  '成都大熊猫基地新增两只幼崽',
  '南京博物院举办明清瓷器特展',
  '武汉长江大桥夜景灯光秀上演',
  '西安古城墙马拉松报名开启',
  '重庆火锅节吸引各地美食爱好者',
  '天津港集装箱吞吐量稳步增长',
  '苏州园林入选最受欢迎旅游地',
  '青岛啤酒节将于八月盛大开幕',
  '厦门鼓浪屿实行游客预约制度',
  '长沙橘子洲头烟花表演时间公布',
  '昆明滇池湿地公园候鸟数量增加',
].join('\n');

function run(operator: HeuristicFilterOperator, record: TierRecord): Outcome {
  const outcomes = operator.process(record, CONTEXT) as Outcome[];
  expect(outcomes).toHaveLength(1);
  return outcomes[0]!;
}

function expectFiniteSignals(record: TierRecord): void {
  for (const [name, value] of Object.entries(record.signals)) expect(Number.isFinite(value), name).toBe(true);
}

function operatorWith(config: unknown): HeuristicFilterOperator {
  return new HeuristicFilterOperator(parseHeuristicFilterConfig(config));
}

describe('HeuristicFilterOperator', () => {
  const operator = new HeuristicFilterOperator();

  it('declares its name, version and every rule', () => {
    expect(operator.name).toBe('heuristic-filter');
    expect(operator.version).toBe('1.0.0');
    expect(operator.rules).toEqual(HEURISTIC_FILTER_RULES);
    expect(new Set(operator.rules).size).toBe(operator.rules.length);
  });

  it('promotes clean English article', () => {
    const record = makeRecord(ENGLISH_ARTICLE);
    const outcome = run(operator, record);

    expect(outcome.kind).toBe('promote');
    expect(record.text).toBe(ENGLISH_ARTICLE);
    expect(record.signals.gopher_duplicate_line_ratio).toBe(0);
    expect(record.signals.gopher_word_count).toBeGreaterThan(100);
    expect(record.signals.c4_sentence_count).toBe(5);
    expect(record.signals.fineweb_line_punct_ratio).toBe(1);
    expectFiniteSignals(record);
  });

  it('promotes a clean Chinese article', () => {
    const record = makeRecord(CHINESE_ARTICLE);
    const outcome = run(operator, record);

    expect(outcome).toMatchObject({ kind: 'promote' });
    expect(record.signals.gopher_word_count).toBeGreaterThan(100);
    expect(record.signals.gopher_mean_word_length).toBeLessThan(2.5);
    expect(record.signals.gopher_distinct_stop_words).toBeGreaterThanOrEqual(4);
    expect(record.signals.c4_sentence_count).toBe(7);
  });

  it('rejects Chinese link list', () => {
    const record = makeRecord(CHINESE_LINK_LIST);
    const outcome = run(operator, record);

    expect(outcome).toMatchObject({ kind: 'reject', rule: 'gopher_too_few_stop_words' });
    expect(record.signals.gopher_word_count).toBeGreaterThanOrEqual(50);
  });

  it('rejects link list without sentences', () => {
    const record = makeRecord(CHINESE_LINK_LIST);
    const outcome = run(operatorWith({ gopherQuality: { minStopWords: null } }), record);

    expect(outcome).toMatchObject({ kind: 'reject', rule: 'c4_too_few_sentences', value: 0 });
    expect(record.signals.c4_lines_removed).toBe(16);
  });

  it('reports the first failing rule in FineWeb order', () => {
    // Repeated lines without stop words fail both Gopher families; repetition runs first.
    const record = makeRecord('buy cheap watches online now\n'.repeat(20));

    expect(run(operator, record)).toMatchObject({ kind: 'reject', rule: 'gopher_too_many_duplicate_lines' });
    expect(record.signals.gopher_word_count).toBeUndefined();
  });

  it('rejects an empty or blank document without NaN', () => {
    for (const text of ['', '   ', '\n\n\r\n\t']) {
      const record = makeRecord(text);
      const outcome = run(operator, record);

      expect(outcome).toMatchObject({ kind: 'reject', rule: 'gopher_short_doc', value: 0 });
      expectFiniteSignals(record);
    }
  });

  it('rejects blank text as fineweb_empty', () => {
    const record = makeRecord(' \n \n');

    expect(run(operatorWith({ domains: { web: ['fineweb'] } }), record)).toMatchObject({ rule: 'fineweb_empty' });
  });

  it('promotes empty text with zero signals', () => {
    const record = makeRecord('');
    const quiet = operatorWith({ domains: { web: ['gopherRepetition', 'gopherQuality'] }, gopherQuality: { minDocWords: null } });

    expect(run(quiet, record).kind).toBe('promote');
    expect(record.signals.gopher_word_count).toBe(0);
    expectFiniteSignals(record);
  });

  it('stops signals at failing family', () => {
    // One line of the article passes the repetition rules and has too few words.
    const record = makeRecord(ENGLISH_ARTICLE.split('\n')[0]!);

    expect(run(operator, record)).toMatchObject({ rule: 'gopher_short_doc' });
    expect(record.signals.gopher_word_count).toBe(24);
    expect(record.signals.c4_sentence_count).toBeUndefined();
    expect(record.signals.fineweb_line_punct_ratio).toBeUndefined();
  });

  it('rejects a very short text on its top 2-gram', () => {
    // As in datatrove, the only 2-grams of a short text cover much of it: "Too short" is 9 of 18 characters.
    expect(run(operator, makeRecord('Too short to keep.'))).toMatchObject({ rule: 'gopher_top_2_gram_too_frequent' });
  });
});

describe('HeuristicFilterOperator C4 rewrite', () => {
  const withMenu = `${ENGLISH_ARTICLE}\nHome | About | Contact`;

  it('rewrites kept record text', () => {
    const record = makeRecord(withMenu);

    expect(run(new HeuristicFilterOperator(), record).kind).toBe('promote');
    expect(record.text).toBe(ENGLISH_ARTICLE);
    expect(record.signals.c4_lines_removed).toBe(1);
  });

  it('keeps the text when rewriting is off', () => {
    const record = makeRecord(withMenu);

    expect(run(operatorWith({ c4: { rewriteText: false } }), record).kind).toBe('promote');
    expect(record.text).toBe(withMenu);
  });

  it('keeps the original text when a later family rejects', () => {
    // The repeated line passes Gopher and C4, but it is over 1% of the characters for FineWeb.
    const repeated = 'Read more about the history of the harbour.';
    const text = `${ENGLISH_ARTICLE}\n${repeated}\nMenu\n${repeated}`;
    const record = makeRecord(text);

    expect(run(new HeuristicFilterOperator(), record)).toMatchObject({ kind: 'reject', rule: 'fineweb_too_many_duplicate_line_chars' });
    expect(record.text).toBe(text);
    expect(record.signals.c4_lines_removed).toBe(1);
  });

  it('measures CR LF and CR lines separately', () => {
    const menu = Array.from({ length: 60 }, (_, i) => `Topic${i} overview${i}`);
    const record = makeRecord(`${menu.slice(0, 30).join('\r\n')}\r${menu.slice(30).join('\r')}`);
    const quiet = operatorWith({ gopherQuality: { minStopWords: null } });

    expect(run(quiet, record)).toMatchObject({ kind: 'reject', rule: 'c4_too_few_sentences' });
    expect(record.signals.c4_lines_removed).toBe(60);
  });
});

describe('HeuristicFilterOperator domains', () => {
  const PYTHON = [
    'def merge(left: dict, right: dict) -> dict:',
    '    """Return a new dict with the keys of both arguments."""',
    '    result = {**left}',
    '    result.update(right)',
    '    return result',
  ].join('\n');

  it('runs only code rules for the code domain', () => {
    const record = makeRecord(PYTHON, { domain: 'code' });

    expect(run(new HeuristicFilterOperator(), record).kind).toBe('promote');
    expect(Object.keys(record.signals).every((name) => name.startsWith('code_'))).toBe(true);
    expect(record.text).toBe(PYTHON);
  });

  it('rejects the same source under web rules', () => {
    expect(run(new HeuristicFilterOperator(), makeRecord(PYTHON)).kind).toBe('reject');
  });

  it('uses web rules for an unknown domain', () => {
    const record = makeRecord(ENGLISH_ARTICLE.split('\n')[0]!, { domain: 'forum' });

    expect(run(new HeuristicFilterOperator(), record)).toMatchObject({ rule: 'gopher_short_doc' });
  });

  it('skips the hash rule for math', () => {
    const hashtags = Array.from({ length: 30 }, (_, i) => `#tag${i}`).join(' ');
    const withHashes = `${ENGLISH_ARTICLE} ${hashtags}`;

    expect(run(new HeuristicFilterOperator(), makeRecord(withHashes))).toMatchObject({ rule: 'gopher_too_many_hashes' });
    expect(run(new HeuristicFilterOperator(), makeRecord(withHashes, { domain: 'math' })).kind).toBe('promote');
  });

  it('leaves a family out everywhere when it is disabled', () => {
    const record = makeRecord('Far too short.');
    const outcome = run(operatorWith({ domains: { web: ['gopherQuality'] }, gopherQuality: { enabled: false } }), record);

    expect(outcome.kind).toBe('promote');
    expect(record.signals).toEqual({});
  });

  it('applies the skip list of a domain', () => {
    const config = { domains: { web: { families: ['gopherQuality'], skipRules: ['gopher_short_doc'] } } };
    const record = makeRecord(ENGLISH_ARTICLE.split('\n')[0]!);

    expect(run(operatorWith(config), record).kind).toBe('promote');
  });
});

describe('createHeuristicFilter', () => {
  it('builds the operator from raw config', () => {
    expect(createHeuristicFilter({ c4: { minSentences: 3 } }).config.c4.minSentences).toBe(3);
  });

  it('throws ConfigError for invalid config', () => {
    expect(() => createHeuristicFilter({ fineweb: { maxShortLineRatio: 5 } })).toThrow(ConfigError);
  });

  it('requires a web domain in built config', () => {
    const config = parseHeuristicFilterConfig({});
    const { web: _web, ...others } = config.domains;

    expect(() => new HeuristicFilterOperator({ ...config, domains: others })).toThrow(/domains\.web is missing/);
  });
});
