import type { Operator, OperatorContext, Outcome } from '../../core/operator.js';
import type { TierRecord } from '../../core/record.js';
import { CONTENT_FORMAT_FIELD, HTML_CONTENT_FORMAT } from '../../io/warc-reader.js';
import { HTML_EXTRACT_NAME, parseHtmlExtractConfig, type HtmlExtractConfig } from './config.js';
import { extractMainText, type Extraction } from './extract.js';

export { HTML_EXTRACT_NAME, parseHtmlExtractConfig, type HtmlExtractConfig } from './config.js';
export { extractMainText } from './extract.js';

export const HTML_EXTRACT_RULES = ['html_no_main_content'] as const;

/** Meta value of CONTENT_FORMAT_FIELD once the text was extracted from HTML. */
export const TEXT_CONTENT_FORMAT = 'text';

/** True when the record's text is a whole HTML page, as the WARC reader marks it. */
export function isHtmlRecord(record: TierRecord): boolean {
  return record.meta[CONTENT_FORMAT_FIELD] === HTML_CONTENT_FORMAT;
}

/**
 * Replaces the HTML text of records marked `content_format: "html"` with their main content as
 * plain text, and promotes other records unchanged. Rejects with `html_no_main_content` when
 * fewer than minChars characters are extracted; the rejected record keeps its HTML.
 *
 * Signals: `html_extract_html_chars` (characters of the HTML), `html_extract_chars` (of the
 * extracted text), `html_extract_ratio` (their quotient), `html_extract_math` (formulas kept as
 * LaTeX) and `html_extract_body_fallback` (1 when the cleaned body was used instead of
 * Readability's article). Lengths are in UTF-16 code units.
 */
export class HtmlExtractOperator implements Operator {
  readonly name = HTML_EXTRACT_NAME;
  readonly version = '1.0.0';
  readonly rules = HTML_EXTRACT_RULES;

  constructor(readonly config: HtmlExtractConfig = parseHtmlExtractConfig({})) {}

  process(record: TierRecord, ctx: OperatorContext): Outcome[] {
    if (!isHtmlRecord(record)) return [{ kind: 'promote', record }];

    const html = record.text;
    const extraction = extractMainText(html, this.config);
    const text = this.withTitle(extraction);
    this.recordSignals(record, html.length, text.length, extraction);

    if (text.length < this.config.minChars) {
      const reason =
        `no main content was extracted from the HTML of ${record.source.uri ?? record.id}: ` +
        `${text.length} characters, fewer than minChars ${this.config.minChars}`;
      ctx.log.debug({ operator: this.name, recordId: record.id, uri: record.source.uri, chars: text.length }, 'HTML page has no main content');
      return [{ kind: 'reject', record, rule: 'html_no_main_content', reason, value: text.length }];
    }

    record.text = text;
    record.meta[CONTENT_FORMAT_FIELD] = TEXT_CONTENT_FORMAT;
    if (extraction.title !== null) record.meta.html_title = extraction.title;
    if (extraction.htmlLang !== null) record.meta.html_lang = extraction.htmlLang;
    const details = { method: extraction.method, html_chars: String(html.length), chars: String(text.length) };
    return [{ kind: 'promote', record, details, edited: true }];
  }

  private withTitle(extraction: Extraction): string {
    const title = extraction.title;
    if (!this.config.includeTitle || title === null || extraction.text.startsWith(title)) return extraction.text;
    return extraction.text === '' ? title : `${title}\n\n${extraction.text}`;
  }

  private recordSignals(record: TierRecord, htmlChars: number, textChars: number, extraction: Extraction): void {
    record.signals.html_extract_html_chars = htmlChars;
    record.signals.html_extract_chars = textChars;
    record.signals.html_extract_ratio = htmlChars === 0 ? 0 : textChars / htmlChars;
    record.signals.html_extract_math = extraction.mathCount;
    record.signals.html_extract_body_fallback = extraction.method === 'body' ? 1 : 0;
  }
}

/** Builds the operator from raw options; throws ConfigError naming the bad option. */
export function createHtmlExtract(config: unknown): HtmlExtractOperator {
  return new HtmlExtractOperator(parseHtmlExtractConfig(config));
}
