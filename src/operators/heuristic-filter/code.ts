/**
 * Source-file rules of StarCoder-style code filtering: reject files with a very long line
 * (minified or generated code), a high mean line length, or few letters and digits (data
 * blobs, encoded assets).
 */

import { codePointLength, isAlphanumericCodePoint, isBlank } from '../../text/chars.js';
import type { CodeConfig } from './config.js';
import { isCheckActive, safeRatio, type MeasuredText, type Signals } from './document.js';
import { formatMeasure, type RuleFailure } from './reasons.js';

/** Share of code points that are letters or digits, line breaks included in the total as in StarCoder. */
function alphanumericRatio(text: string): number {
  let alphanumeric = 0;
  let total = 0;
  for (let i = 0; i < text.length; i++) {
    const unit = text.charCodeAt(i);
    const cp = unit >= 0xd800 && unit <= 0xdbff ? text.codePointAt(i)! : unit;
    if (cp > 0xffff) i++;
    total++;
    if (isAlphanumericCodePoint(cp)) alphanumeric++;
  }
  return safeRatio(alphanumeric, total);
}

/** Runs the code rules, writing each measure to `signals`. Returns the first failure, or null. */
export function checkCode(
  doc: MeasuredText,
  config: CodeConfig,
  skipRules: ReadonlySet<string>,
  signals: Signals,
): RuleFailure | null {
  if (isBlank(doc.text) && !skipRules.has('code_empty')) {
    return { rule: 'code_empty', reason: 'file is empty or only whitespace; code rules need content', value: 0 };
  }

  const lines = doc.lines;
  let maxLength = 0;
  let totalLength = 0;
  for (const line of lines) {
    const length = codePointLength(line);
    totalLength += length;
    if (length > maxLength) maxLength = length;
  }
  const meanLength = safeRatio(totalLength, lines.length);
  signals.code_max_line_length = maxLength;
  signals.code_mean_line_length = meanLength;

  const maxLineLength = config.maxLineLength;
  if (isCheckActive(maxLineLength, 'code_line_too_long', skipRules) && maxLength > maxLineLength) {
    return {
      rule: 'code_line_too_long',
      reason: `longest line has ${maxLength} characters; code rules allow at most ${maxLineLength}`,
      value: maxLength,
    };
  }
  const maxMean = config.maxMeanLineLength;
  if (isCheckActive(maxMean, 'code_mean_line_too_long', skipRules) && meanLength > maxMean) {
    return {
      rule: 'code_mean_line_too_long',
      reason: `mean line length is ${formatMeasure(meanLength)} characters; code rules allow at most ${maxMean}`,
      value: meanLength,
    };
  }

  const minAlphanumeric = config.minAlphanumericRatio;
  if (isCheckActive(minAlphanumeric, 'code_too_few_alphanumeric', skipRules)) {
    const ratio = alphanumericRatio(doc.text);
    signals.code_alphanumeric_ratio = ratio;
    if (ratio < minAlphanumeric) {
      return {
        rule: 'code_too_few_alphanumeric',
        reason: `${formatMeasure(ratio)} of the characters are letters or digits; code rules require at least ${minAlphanumeric}`,
        value: ratio,
      };
    }
  }

  return null;
}
