import { SeededRandom } from '../export/random.js';

/**
 * Generates a small labelled corpus for tests from a seed: spam and keyword lists score 0,
 * promotional text 2 and explanatory text 4 or 5, in English and Chinese. Each class draws
 * from its own vocabulary, so a working classifier separates them almost perfectly.
 */
export function syntheticCorpus(perClass: number, seed: number): Array<{ text: string; domain: string; score: number }> {
  const random = new SeededRandom(seed, 'synthetic-corpus');
  const pick = (words: readonly string[], count: number, joiner: string) =>
    Array.from({ length: count }, () => words[random.nextIndex(words.length)]!).join(joiner);
  const documents: Array<{ text: string; domain: string; score: number }> = [];
  for (let i = 0; i < perClass; i++) {
    documents.push({ text: pick(SPAM, 30 + random.nextIndex(20), ' ') + ' !!!', domain: 'web', score: 0 });
    documents.push({ text: pick(PROMO, 25 + random.nextIndex(20), ' ') + '.', domain: 'web', score: 2 });
    documents.push({ text: sentences(pick, TEACHING, 6), domain: 'web', score: 4 });
    documents.push({ text: pick(SPAM_ZH, 40 + random.nextIndex(20), ''), domain: 'web', score: 0 });
    documents.push({ text: pick(TEACHING_ZH, 40 + random.nextIndex(20), '') + '。', domain: 'web', score: 5 });
  }
  return documents;
}

function sentences(pick: (words: readonly string[], count: number, joiner: string) => string, words: readonly string[], count: number): string {
  return Array.from({ length: count }, () => {
    const sentence = pick(words, 12, ' ');
    return sentence.charAt(0).toUpperCase() + sentence.slice(1) + '.';
  }).join(' ');
}

const SPAM = ['buy', 'cheap', 'pills', 'casino', 'free', 'click', 'here', 'win', 'bonus', 'viagra', 'deal', 'now', 'jackpot', 'loans'] as const;
const PROMO = ['our', 'amazing', 'product', 'best', 'brand', 'store', 'offer', 'shop', 'customers', 'love', 'quality', 'today', 'new', 'collection'] as const;
const TEACHING = [
  'the', 'theorem', 'explains', 'why', 'energy', 'is', 'conserved', 'because', 'each', 'step', 'of', 'proof', 'follows', 'from',
  'definition', 'therefore', 'we', 'derive', 'example', 'shows', 'how', 'function', 'equation',
] as const;
const SPAM_ZH = ['威尼斯人', '现金网', '娱乐城', '博彩', '注册', '送彩金', '赌场', '网址', '老虎机', '百家乐', '开户', '优惠'] as const;
const TEACHING_ZH = ['因为', '所以', '定理', '证明', '我们', '可以', '推导', '函数', '方程', '例如', '说明', '能量', '守恒', '每一步'] as const;
