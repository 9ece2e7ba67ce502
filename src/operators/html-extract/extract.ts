import { Readability } from '@mozilla/readability';
import { removeBoilerplate, removeLinkLists } from './boilerplate.js';
import type { HtmlExtractConfig } from './config.js';
import { parseDocument, type DomNode } from './dom.js';
import { rewriteMath } from './math.js';
import { serializeText } from './serialize.js';

/**
 * Main-content selection uses @mozilla/readability (Firefox Reader View's algorithm) on a
 * linkedom DOM. Readability was chosen because it is maintained by Mozilla, runs in Node
 * without a browser, keeps the content as a DOM subtree (so lists, tables and formulas keep
 * their structure for serializeText), and is a standard choice for article extraction in
 * JavaScript. linkedom is a light DOM without layout or scripts, which is all Readability needs;
 * its agreement with trafilatura on real pages is in BENCHMARKS.md.
 */

/** How the text was chosen: Readability's article, or the whole cleaned body when the article was too small a part of it. */
export type ExtractionMethod = 'readability' | 'body';

export interface Extraction {
  text: string;
  method: ExtractionMethod;
  title: string | null;
  /** The page's `lang` attribute, when Readability found one. */
  htmlLang: string | null;
  /** Formulas rewritten as LaTeX. */
  mathCount: number;
  /** Boilerplate elements removed before extraction. */
  boilerplateRemoved: number;
  /** Characters of the cleaned body text, the basis of the fallback decision. */
  bodyChars: number;
}

/** Extracts the main text of an HTML page (see the operator documentation for the steps). */
export function extractMainText(html: string, config: HtmlExtractConfig): Extraction {
  const document = parseDocument(html);
  const mathCount = rewriteMath(document);
  const boilerplateRemoved = removeBoilerplate(document) + removeLinkLists(document, config.maxListLinkDensity);
  const title = document.title.trim() || null;
  // Readability rewrites the document, so the body text is taken first.
  const bodyText = document.body === null ? '' : serializeText(document.body);

  const article = new Readability<DomNode>(document as never, {
    charThreshold: config.readabilityCharThreshold,
    serializer: (node: unknown) => node as DomNode,
  }).parse();
  const articleText = article?.content ? serializeText(article.content) : '';

  const base = { title, htmlLang: article?.lang ?? null, mathCount, boilerplateRemoved, bodyChars: bodyText.length };
  if (useBody(articleText, bodyText, config)) return { ...base, text: bodyText, method: 'body' };
  return { ...base, text: articleText, method: 'readability' };
}

/**
 * True when the body text should replace Readability's article: the article is empty, or it is
 * short and leaves out a large part of the body. On a short page made of several sections (a
 * personal home page with about, news and contact sections), Readability picks one section and
 * drops the rest. The length limit keeps a long article from taking in its page's remaining chrome.
 */
function useBody(articleText: string, bodyText: string, config: HtmlExtractConfig): boolean {
  if (bodyText.length === 0) return false;
  if (articleText.length === 0) return true;
  return articleText.length < config.bodyFallbackMaxChars && articleText.length < config.bodyFallbackShare * bodyText.length;
}
