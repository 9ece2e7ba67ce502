import { pino } from 'pino';
import { describe, expect, test } from 'vitest';
import { ConfigError } from '../../core/errors.js';
import type { TierRecord } from '../../core/record.js';
import { createHtmlExtract, extractMainText, parseHtmlExtractConfig } from './index.js';
import { mathmlToLatex } from './mathml.js';
import { parseDocument } from './dom.js';

const ctx = { log: pino({ level: 'silent' }) };
const config = parseHtmlExtractConfig({});

function htmlRecord(html: string, format = 'html'): TierRecord {
  return {
    id: 'r1',
    tier: 'l0',
    domain: 'web',
    lang: null,
    text: html,
    source: { uri: 'https://example.com/a', dataset: 'test', dump: null, fetchTime: null, license: null },
    meta: { content_format: format },
    signals: {},
    lineage: [],
  };
}

const PROSE =
  'Stream processing engines read unbounded inputs and keep state per key. This paragraph is long enough for an ' +
  'article extractor to treat it as content rather than chrome, because it has several sentences, commas, and words.';

function article(content: string): string {
  return `<!DOCTYPE html><html lang="en"><head><title>Test page</title></head><body>
    <header><a href="/">Site</a> <a href="/about">About</a></header>
    <nav><ul><li><a href="/">Home</a></li><li><a href="/blog">Blog</a></li></ul></nav>
    <div class="cookie-banner">We use cookies to improve your experience. <button>Accept all</button></div>
    <main><article><h1>Main heading</h1><p>${PROSE}</p>${content}<p>${PROSE}</p></article></main>
    <footer>Copyright 2024 Example Corp. All rights reserved. <a href="/privacy">Privacy</a></footer>
  </body></html>`;
}

function extract(content: string): string {
  return extractMainText(article(content), config).text;
}

describe('html-extract text', () => {
  test('boilerplate removed, heading kept', () => {
    const text = extract('');
    expect(text).toContain('Main heading');
    expect(text).toContain('Stream processing engines');
    expect(text).not.toContain('cookies');
    expect(text).not.toContain('Accept all');
    expect(text).not.toContain('Copyright');
    expect(text).not.toContain('Blog');
  });

  test('paragraphs on separate lines', () => {
    const text = extract('<p>Second paragraph here.</p>');
    expect(text).toContain(`${PROSE}\n\nSecond paragraph here.\n\n${PROSE}`);
  });

  test('lists keep items on lines', () => {
    const text = extract('<ul><li>first item</li><li>second item</li></ul><ol><li>step one</li><li>step two</li></ol>');
    expect(text).toContain('- first item\n- second item');
    expect(text).toContain('1. step one\n2. step two');
  });

  test('link lists removed, prose lists kept', () => {
    const links = '<ul><li><a href="/a">Related post one</a></li><li><a href="/b">Related post two</a></li></ul>';
    const prose = '<ul><li>Read <a href="/c">the guide</a> before the first deployment of the engine.</li><li>Check the logs.</li></ul>';
    const text = extract(links + prose);
    expect(text).not.toContain('Related post one');
    expect(text).toContain('- Read the guide before the first deployment of the engine.');
    const unfiltered = extractMainText(article(links), parseHtmlExtractConfig({ maxListLinkDensity: 1 })).text;
    expect(unfiltered).toContain('- Related post one');
  });

  test('tables keep rows and cells', () => {
    const table = '<table><thead><tr><th>Tier</th><th>Topic</th></tr></thead><tbody><tr><td>L0</td><td>raw</td></tr><tr><td>L1</td><td>filtered</td></tr></tbody></table>';
    const text = extract(table);
    expect(text).toContain('Tier | Topic\nL0 | raw\nL1 | filtered');
  });

  test('pre keeps its line breaks', () => {
    const text = extract('<pre>line one\n  indented two\nline three</pre>');
    expect(text).toContain('line one\n  indented two\nline three');
  });

  test('Chinese text intact', () => {
    const chinese = '流处理引擎把训练数据按质量分层。每一层都是一个主题，记录带有来源和信号。这段文字足够长，可以被当作正文。';
    const text = extract(`<p>${chinese}</p><ul><li>第一项</li><li>第二项</li></ul>`);
    expect(text).toContain(chinese);
    expect(text).toContain('- 第一项\n- 第二项');
  });
});

describe('html-extract math', () => {
  test('MathML annotation becomes its LaTeX', () => {
    const math =
      '<p>Energy is <math><semantics><mrow><mi>E</mi><mo>=</mo><mi>m</mi><msup><mi>c</mi><mn>2</mn></msup></mrow>' +
      '<annotation encoding="application/x-tex">E = mc^2</annotation></semantics></math> here.</p>';
    expect(extract(math)).toContain('Energy is $E = mc^2$ here.');
  });

  test('KaTeX output keeps the source', () => {
    const katex =
      '<p>The sum <span class="katex"><span class="katex-mathml"><math><semantics><mrow><mi>x</mi></mrow>' +
      '<annotation encoding="application/x-tex">\\sum_{i=1}^n x_i</annotation></semantics></math></span>' +
      '<span class="katex-html" aria-hidden="true"><span class="mord">∑</span><span class="mord">x</span></span></span> converges.</p>';
    const text = extract(katex);
    expect(text).toContain('The sum $\\sum_{i=1}^n x_i$ converges.');
    expect(text).not.toContain('∑');
  });

  test('KaTeX display block', () => {
    const katex =
      '<span class="katex-display"><span class="katex"><span class="katex-mathml"><math display="block"><semantics><mi>y</mi>' +
      '<annotation encoding="application/x-tex">\\int_0^1 f(x)\\,dx</annotation></semantics></math></span></span></span>';
    const text = extract(`<p>Before the integral.</p>${katex}<p>After it.</p>`);
    // The display formula is a block of its own, between the two paragraphs.
    expect(text).toContain('Before the integral.\n\n$$\\int_0^1 f(x)\\,dx$$\n\nAfter it.');
  });

  test('MathJax script and text delimiters', () => {
    const mathjax = '<p>Inline <script type="math/tex">a^2+b^2</script> and \\(c^2\\) and $d_1$.</p><script type="math/tex; mode=display">\\frac{1}{2}</script>';
    const text = extract(mathjax);
    expect(text).toContain('Inline $a^2+b^2$ and \\(c^2\\) and $d_1$.');
    expect(text).toContain('$$\\frac{1}{2}$$');
  });

  test('image alt LaTeX kept', () => {
    const images =
      '<p>Wiki style <img class="mwe-math-fallback-image-inline" src="/media/math/render/svg/abc" alt="{\\displaystyle x^{2}}"> and ' +
      'WordPress <img src="https://s0.wp.com/latex.php?latex=y" class="latex" alt="y+1"> and a photo <img src="cat.jpg" alt="a cat">.</p>';
    const text = extract(images);
    expect(text).toContain('Wiki style ${\\displaystyle x^{2}}$');
    expect(text).toContain('WordPress $y+1$');
    expect(text).not.toContain('a cat');
  });

  test('plain MathML converted', () => {
    const math =
      '<math><mrow><mfrac><mrow><mo>−</mo><mi>b</mi><mo>±</mo><msqrt><mrow><msup><mi>b</mi><mn>2</mn></msup><mo>−</mo><mn>4</mn><mi>a</mi><mi>c</mi></mrow></msqrt></mrow>' +
      '<mrow><mn>2</mn><mi>a</mi></mrow></mfrac><mo>+</mo><msub><mi>x</mi><mi>i</mi></msub><mo>+</mo><mi>α</mi><mi>β</mi></mrow></math>';
    const document = parseDocument(`<p>${math}</p>`);
    const element = document.querySelectorAll('math')[0];
    expect(element).toBeDefined();
    expect(mathmlToLatex(element!)).toBe('\\frac{-b\\pm\\sqrt{b^2-4ac}}{2a}+x_i+\\alpha\\beta');
    expect(extract(`<p>Root: ${math}</p>`)).toContain('Root: $\\frac{-b\\pm\\sqrt{b^2-4ac}}{2a}+x_i+\\alpha\\beta$');
  });
});

describe('html-extract operator', () => {
  test('HTML record becomes text with signals', async () => {
    const operator = createHtmlExtract({});
    const record = htmlRecord(article('<p>Extra.</p>'));
    const [outcome] = await operator.process(record, ctx);
    expect(outcome?.kind).toBe('promote');
    expect(record.text.startsWith('Main heading')).toBe(true);
    expect(record.meta.content_format).toBe('text');
    expect(record.meta.html_title).toBe('Test page');
    expect(record.signals.html_extract_chars).toBe(record.text.length);
    expect(record.signals.html_extract_ratio).toBeGreaterThan(0);
    expect(record.signals.html_extract_ratio).toBeLessThan(1);
    expect(record.signals.html_extract_body_fallback).toBe(0);
  });

  test('non-HTML record passes untouched', async () => {
    const operator = createHtmlExtract({});
    const record = htmlRecord('<p>not marked as html</p>', 'text');
    const [outcome] = await operator.process(record, ctx);
    expect(outcome?.kind).toBe('promote');
    expect(record.text).toBe('<p>not marked as html</p>');
    expect(record.signals).toEqual({});
  });

  test('page without content rejected', async () => {
    const operator = createHtmlExtract({});
    const record = htmlRecord('<html><body><nav><a href="/">Home</a></nav><script>var x = 1;</script></body></html>');
    const [outcome] = await operator.process(record, ctx);
    expect(outcome?.kind).toBe('reject');
    if (outcome?.kind !== 'reject') return;
    expect(outcome.rule).toBe('html_no_main_content');
    expect(outcome.reason).toContain('https://example.com/a');
    expect(record.text).toContain('<nav>');
  });

  test('short article falls back to body', () => {
    // Readability leaves out a sibling block made only of links; the cleaned body keeps it.
    const links = '<div id="more"><p><a href="/x">Related project notes.</a> <a href="/y">Other notes.</a></p></div>';
    const html = `<html><body><div id="main"><div id="content"><p>${PROSE}</p><p>${PROSE}</p><p>${PROSE}</p></div>${links}</div></body></html>`;
    const fallback = extractMainText(html, parseHtmlExtractConfig({ bodyFallbackShare: 1, bodyFallbackMaxChars: 100_000 }));
    expect(fallback.method).toBe('body');
    expect(fallback.text).toContain('Related project notes.');
    const article = extractMainText(html, parseHtmlExtractConfig({ bodyFallbackShare: 0 }));
    expect(article.method).toBe('readability');
    expect(article.text).not.toContain('Related project notes.');
  });

  test('home page sections use body', () => {
    // Readability picks the longest section, but the page's other sections are content too.
    const about = 'About me. I study how teams build data pipelines for language models and how they decide which web pages to keep for training. My students and I publish our data sets and the code that builds them';
    const teaching = 'My courses. I teach the graduate seminar on information retrieval and the undergraduate course on databases every spring term. Office hours are on Tuesday afternoons in the main building';
    const section = (heading: string, words: string) => `<section><h2>${heading}</h2><p>${words}</p></section>`;
    const news = `<div id="news"><p>${PROSE}</p><p>${PROSE}</p><p>${PROSE}</p></div>`;
    const html = `<html><body><div>${section('About', about)}${section('Teaching', teaching)}${news}</div></body></html>`;
    const extraction = extractMainText(html, config);
    expect(extraction.method).toBe('body');
    expect(extraction.text).toContain(about);
    expect(extraction.text).toContain(teaching);
  });

  test('invalid config names the option', () => {
    expect(() => parseHtmlExtractConfig({ minChars: 0 })).toThrow(ConfigError);
    expect(() => parseHtmlExtractConfig({ minChars: 0 })).toThrow('html-extract.minChars must be a positive integer, got 0');
    expect(() => parseHtmlExtractConfig({ bodyFallbackShare: 2 })).toThrow('html-extract.bodyFallbackShare must be a number from 0 to 1, got 2');
    expect(() => parseHtmlExtractConfig({ maxListLinkDensity: -1 })).toThrow('html-extract.maxListLinkDensity must be a number from 0 to 1, got -1');
    expect(() => parseHtmlExtractConfig({ minchars: 5 })).toThrow("unknown option(s) 'minchars'");
  });
});
