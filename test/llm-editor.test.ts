import { createHash } from 'node:crypto';
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import type { Outcome } from '../src/core/operator.js';
import { makeRecord } from '../src/core/testing.js';
import { applyEdits, splitLines } from '../src/operators/llm-editor/edits.js';
import { createLlmEditor, LLM_EDITOR_RULES } from '../src/operators/llm-editor/index.js';
import { testClient } from './support/llm.js';

/**
 * Real web pages with boilerplate. The English ones are records of
 * tests/data/formats/gz/CC-MAIN-20190717121559-20190717143559-00140.jsonl.gz in allenai/dolma
 * @ 937ccc06 (Common Crawl 2019-30 text, ODC-BY), keyed by their Dolma ids. The Chinese one is
 * the `raw_content` of digest N7NVW7WZ5Y5YIJD6V4F74TTDNKUQ4MCQ in 2021-43/cleared1.jsonl of
 * CASIA-LM/ChineseWebText @ aa459c4c (Common Crawl text, for research).
 */
const PAGES: Array<{ id: string; lang: string; text: string }> = [
  {
    id: '5czpwxfrukpix4zzd3a6zfio2n6dif4m',
    lang: 'en',
    text: 'Hacking With SQL Injection Attacks (and Where to Practice Them Safely)\n\nFrom DCTVpedia\nRevision as of 12:20, 7 January 2017 by Gavinr (Talk | contribs) (adding new episode)\n\n(diff) ← Older revision | Latest revision (diff) | Newer revision → (diff)\nJump to: navigation, search\nHacking With SQL Injection Attacks (and Where to Practice Them Safely)\nNumber 46\nBroadcast Date December 30, 2016\nEpisode Length 9:03\nHosts Brian Brushwood, Jason Murphy\nGuests Jgor\n\nSummary\n\nBrian and Jason finally figured out HTML tags, so that got them thinking, what other sinister design lies just under the surface? They called up friend and hacker Jgor, who helps them understand one of the oldest security breaches in the books, the SQL injection.\n\n\nFull Episode\n\nExtended Outtakes\n\n  • Coming soon\n\nFun Facts\n\n  • At 8:29, Jason\'s robotic fairy godmother possessed him and kept him from accidentally saying the wrong decade.\n\nLinks\n\n\nPreceded by:\n"Testing The "Evil Russian" Push-Up Program"\nHacking With SQL Injection Attacks (and Where to Practice Them Safely)\nFollowed by:\n"Making a Negroni"',
  },
  {
    id: 'pu6pecgxi4q6d7ewgphkr5xzqbdujnm3',
    lang: 'en',
    text: 'Bulletin Board\u200e > \u200e\n\n2014 ASHRAE Saskatoon Golf Tournament\n\nposted May 2, 2014, 12:15 PM by ASHRAE Saskatoon   [ updated May 2, 2014, 1:02 PM ]\n\nThe local ASHRAE golf tournament will be held this year at Moon Lake Golf and Country Club on Friday, June 13th.  Note that this year the green fees include a lunch so be sure to arrive in lots of time to enjoy lunch and a warm up.  \n\nTo ensure your spot, please forward a cheque made out to "ASHRAE, Saskatoon Chapter" by May 17th, 2014\n\nClick on the following links for registration forms:\n\nASHRAE 2014 Golf Registration Form\n\nASHRAE 2014 Golf Sponsorship Form',
  },
  {
    id: 'dyk6c4ui7gdwnvx7cjn3hll5jviu3acf',
    lang: 'en',
    text: 'MakerBot Print is our newest print-prepration software, which supports native CAD files and STL assemblies,\nallows you to interact with all your printers via the Cloud, and many other exciting new features.\n\nDownload Now\n\nRail holder for CR 10\n\nby IllyaByelkin Mar 19, 2018\nDownload All Files\n\nThing Apps Enabled\n\nContents\n\nDesign Tools\n\nBlender\n\nLiked By View All\n\nGive a Shout Out\n\nIf you print this Thing and display it in public proudly give attribution by printing and displaying this tag.\n\nPrint Thing Tag\n\nThing Statistics\n\n169 Views\n59 Downloads\nFound in 3D Printer Accessories',
  },
  {
    id: 'k5yk3cfzy4kkalrvi6aw6jhupd425u4f',
    lang: 'en',
    text: 'Choose Your Superpower\n\nNOTE: Daily cartoons are now available only through Patreon. Just $1 a month!\n\n \n\nThe debate about flight vs. invisibility is as old as time (and is the subject of a great This American Life segment, hosted by John Hodgman). Today, I have a different question: which MATHEMATICAL superpower would you prefer?\n\n  • Super Approximation: the ability to immediately answer any numerical question to within 20% accuracy\n  • Super Visualization: the ability to picture extra spatial dimensions in your mind\n  • Super Counterexamples: the ability to immediately furnish the counterexample to any statement where one exists\n\nComment with your reasoning below.\n\nAdvertisements',
  },
  {
    id: 'zh-N7NVW7WZ5Y5YIJD6V4F74TTDNKUQ4MCQ',
    lang: 'zh',
    text: '0 发布时间：2021.04.17\n如何保持冰箱清洁\n1、不要什么都放进冰箱。买回来的蔬菜要先做筛选再处理，那些不适合放在冰箱的蔬菜，如萝卜、土豆等就不要放冰箱了。\n2、生肉先清洗：鲜肉买回后，先用清水稍加冲洗，晾一会儿后再装进保鲜盒或保鲜袋中，放入冷冻室。\n3、分区摆放：为了食物的清洁卫生和防止交叉感染，食物应分区摆放。冷藏室中，蔬果放下面，熟肉、奶制品放上面，中间一层可以放剩菜、剩饭。\n4、善用保鲜盒和保鲜袋：用保鲜袋和保鲜盒能一定程度上加强食物的密封性，防止被食物被细菌污染。另外，即便用了保鲜盒和保鲜袋，食物也不能长时间存放在冰箱，否则一样会变质。\n5、定期清洁：应每周给冰箱进行一次大扫除。大扫除时应先切断电源，用软布蘸上清水或洗洁精轻轻擦洗，然后蘸清水将洗洁精拭去。在发现冰箱零件积垢时，应拆下用清水或洗洁精清洗。\n本文为长沙海尔冰箱售后整理编辑，希望可以帮助大家！\n上一篇：冰箱有臭味怎么办？冰箱异味处理方法',
  },
];

const ctx = { log: pino({ level: 'silent' }) };

// llama-cpp-python 0.3.36 takes a schema only in the json_object form, and it returns HTTP 500
// for the json_schema form.
// Two attempts and 200 completion tokens (room for about six edits) bound the file to 12 model
// calls of a few seconds each.
const config = { attempts: 2, maxTokens: 200, concurrency: 1 };

function sha256(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}

/** Checks the properties every outcome must have, whatever the model returned. */
function expectAuditable(outcome: Outcome, original: string, id: string): void {
  expect(outcome.record.id).toBe(id);
  expect(outcome.details?.prompt).toBe('edit-web/1');
  if (outcome.kind === 'reject') {
    expect(LLM_EDITOR_RULES).toContain(outcome.rule);
    expect(outcome.reason.trim()).not.toBe('');
    expect(outcome.record.text).toBe(original);
    if (outcome.rule === 'llm_edit_invalid') expect(outcome.reason).toMatch(/edit \d+|line \d+|edits/);
    if (outcome.rule === 'llm_edit_removes_content' || outcome.rule === 'llm_edit_adds_content') {
      // A guard rejection still carries a well-formed edit list that applies to the original.
      const replay = applyEdits(original, JSON.parse(outcome.details!.edits!) as unknown[]);
      expect(replay.ok).toBe(true);
      expect(outcome.value).toBeGreaterThan(0);
    }
    return;
  }
  expect(outcome.kind).toBe('promote');
  const edits = JSON.parse(outcome.details!.edits!) as unknown[];
  expect(outcome.details!.originalSha256).toBe(sha256(original));
  expect(outcome.details!.editCount).toBe(String(edits.length));
  expect(outcome.record.signals.edit_ops).toBe(edits.length);
  expect(outcome.record.signals.edit_removed_share).toBeLessThanOrEqual(0.5);
  expect(outcome.record.signals.edit_added_unsupported_share).toBeLessThanOrEqual(0.2);
  expect(applyEdits(original, edits)).toEqual({ ok: true, text: outcome.record.text });
  if (edits.length === 0) expect(outcome.record.text).toBe(original);
}

describe('llm-editor with the local model', () => {
  it('returns auditable outcomes for real pages', async () => {
    const llm = testClient({ responseFormat: 'json_object' });
    const operator = createLlmEditor(config, { llm });
    const tally: Record<string, number> = {};
    for (const page of PAGES) {
      const record = makeRecord(page.text, { id: page.id, lang: page.lang, tier: 'l2' });
      const outcomes = await operator.process(record, ctx);
      expect(outcomes).toHaveLength(1);
      const outcome = outcomes[0]!;
      expectAuditable(outcome, page.text, page.id);
      const key = outcome.kind === 'reject' ? outcome.rule : `promote(${outcome.details!.editCount} edits)`;
      tally[key] = (tally[key] ?? 0) + 1;
      console.log(page.id, outcome.kind, outcome.kind === 'reject' ? `${outcome.rule}: ${outcome.reason}` : '', outcome.details?.edits ?? '');
    }
    console.log('llm-editor outcomes:', JSON.stringify(tally));
    expect(Object.values(tally).reduce((sum, count) => sum + count, 0)).toBe(PAGES.length);
    const requests = llm.report().operators['llm-editor']!.requests;
    expect(requests).toBeGreaterThanOrEqual(PAGES.length);
    expect(requests).toBeLessThanOrEqual(PAGES.length * config.attempts);
  });

  it('edits only the shown lines of a clipped page', async () => {
    const llm = testClient({ responseFormat: 'json_object' });
    // At temperature 0 this model returns {"edits": []}. Sampling at 1 also yields non-empty
    // lists, most of them invalid, and the checks below hold for every answer.
    const operator = createLlmEditor({ ...config, maxInputLines: 10, temperature: 1 }, { llm });
    const page = PAGES[0]!;
    const [outcome] = await operator.process(makeRecord(page.text, { id: page.id, tier: 'l2' }), ctx);
    console.log('clipped page:', outcome!.kind, outcome!.kind === 'reject' ? `${outcome!.rule}: ${outcome!.reason}` : outcome!.details!.edits);
    expectAuditable(outcome!, page.text, page.id);
    expect(outcome!.details!.inputLinesShown).toBe(`10 of ${splitLines(page.text).length}`);
    if (outcome!.kind === 'promote') {
      const tail = splitLines(page.text).slice(10).join('\n');
      expect(outcome!.record.text.endsWith(tail)).toBe(true);
    }
  });
});
