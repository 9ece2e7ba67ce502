import { selectAll, type DomDocument, type DomElement, type DomNode } from './dom.js';
import { mathmlToLatex } from './mathml.js';

/**
 * Formula markup rewritten as LaTeX text before content extraction, because Readability drops
 * scripts and hidden elements, and the rendered forms (KaTeX HTML, MathJax output, formula
 * images) carry no usable text. Inline formulas become `$...$` text and display formulas a block
 * with `$$...$$`. LaTeX that a page writes as text (`\(...\)`, `$...$`) is text already and stays.
 */

const TEX_ANNOTATION = 'annotation[encoding="application/x-tex"], annotation[encoding="TeX"], annotation[encoding="text/x-tex"]';

/** Image hosts and classes that serve rendered LaTeX, whose alt text is the LaTeX source. */
const LATEX_IMAGE_SOURCE = /latex|codecogs|mathtex|mimetex|\/tex\?|chart\.apis\.google\.com\/chart\?cht=tx/i;
const LATEX_IMAGE_CLASS = /\b(?:latex|tex|math|equation|mwe-math)/i;
/** Alt text that reads as LaTeX: a control word such as `\frac`, or a braced script such as `x^{2}`. */
const LATEX_ALT = /\\[a-zA-Z]+|[\^_]\{/;

/** Replaces `element` with LaTeX: inline as `$tex$` text, display as a `<div>` holding `$$tex$$`. */
function replaceWithLatex(document: DomDocument, element: DomElement, latex: string, display: boolean): boolean {
  const tex = latex.trim();
  if (tex === '') return false;
  let replacement: DomNode;
  if (display) {
    const block = document.createElement('div');
    block.textContent = `$$${tex}$$`;
    replacement = block;
  } else {
    replacement = document.createTextNode(`$${tex}$`);
  }
  element.replaceWith(replacement);
  return true;
}

function texAnnotation(element: DomElement): string | null {
  const annotation = element.querySelector(TEX_ANNOTATION);
  const text = annotation?.textContent?.trim();
  return text === undefined || text === '' ? null : text;
}

function isConnected(element: DomElement, document: DomDocument): boolean {
  let node: DomNode | null = element;
  while (node !== null && node !== (document.documentElement as DomNode | null)) node = node.parentNode;
  return node !== null;
}

/** MathJax 2 keeps the source in `<script type="math/tex">`; the rendered spans beside it are dropped. */
function rewriteMathJaxScripts(document: DomDocument): number {
  for (const rendered of selectAll(document, '.MathJax_Preview, .MathJax, .MathJax_Display, .MathJax_SVG, .MathJax_CHTML')) {
    rendered.remove();
  }
  let count = 0;
  for (const script of selectAll(document, 'script[type^="math/tex"]')) {
    const display = /mode\s*=\s*display/i.test(script.getAttribute('type') ?? '');
    if (replaceWithLatex(document, script, script.textContent ?? '', display)) count++;
  }
  return count;
}

/** KaTeX output keeps the source in a MathML annotation inside `.katex`. */
function rewriteKatex(document: DomDocument): number {
  let count = 0;
  for (const element of selectAll(document, '.katex-display, .katex')) {
    if (!isConnected(element, document)) continue;
    const latex = texAnnotation(element);
    if (latex === null) continue;
    const display = element.className.includes('katex-display') || element.closest('.katex-display') !== null;
    const target = element.closest('.katex-display') ?? element;
    if (replaceWithLatex(document, target, latex, display)) count++;
  }
  return count;
}

/** MediaWiki pairs hidden MathML with a fallback image whose alt is the LaTeX; the pair becomes one formula. */
function rewriteMediaWiki(document: DomDocument): number {
  let count = 0;
  for (const element of selectAll(document, '.mwe-math-element')) {
    const latex = texAnnotation(element) ?? element.querySelector('img[alt]')?.getAttribute('alt') ?? null;
    const display = /block|display/.test(element.className) || element.querySelector('.mwe-math-fallback-image-display') !== null;
    if (latex !== null && replaceWithLatex(document, element, latex, display)) count++;
  }
  return count;
}

/** MathML: the TeX annotation when there is one, else a conversion of the presentation markup. */
function rewriteMathMl(document: DomDocument): number {
  let count = 0;
  // MathJax 3 wraps its assistive MathML and the visual rendering in one container.
  for (const container of selectAll(document, 'mjx-container')) {
    const math = container.querySelector('math');
    if (math === null) continue;
    const display = container.getAttribute('display') === 'true';
    if (replaceWithLatex(document, container, texAnnotation(math) ?? mathmlToLatex(math), display)) count++;
  }
  for (const math of selectAll(document, 'math')) {
    if (!isConnected(math, document)) continue;
    const display = math.getAttribute('display') === 'block' || math.getAttribute('mode') === 'display';
    if (replaceWithLatex(document, math, texAnnotation(math) ?? mathmlToLatex(math), display)) count++;
  }
  return count;
}

function isLatexImage(image: DomElement, alt: string): boolean {
  if (LATEX_IMAGE_SOURCE.test(image.getAttribute('src') ?? '') || LATEX_IMAGE_CLASS.test(image.className)) return true;
  return LATEX_ALT.test(alt);
}

function rewriteLatexImages(document: DomDocument): number {
  let count = 0;
  for (const image of selectAll(document, 'img[alt]')) {
    const alt = (image.getAttribute('alt') ?? '').trim().replace(/^\$+|\$+$/g, '');
    if (alt === '' || !isLatexImage(image, alt)) continue;
    if (replaceWithLatex(document, image, alt, false)) count++;
  }
  return count;
}

/** Rewrites every formula the page marks up as LaTeX text; returns how many were rewritten. */
export function rewriteMath(document: DomDocument): number {
  return (
    rewriteMathJaxScripts(document) +
    rewriteKatex(document) +
    rewriteMediaWiki(document) +
    rewriteMathMl(document) +
    rewriteLatexImages(document)
  );
}
