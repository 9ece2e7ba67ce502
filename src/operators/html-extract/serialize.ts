import { ELEMENT_NODE, TEXT_NODE, type DomElement, type DomNode } from './dom.js';

/**
 * Turns a DOM subtree into plain text with the page's structure as line breaks: blocks and
 * headings on their own lines with a blank line between paragraphs, list items as `- ` or
 * `1. ` lines, table rows as lines with cells joined by ` | `, and `<pre>` kept verbatim.
 * Runs of spaces in ordinary text collapse to one, as a browser renders them.
 */

const BLOCKS = new Set([
  'address', 'article', 'aside', 'blockquote', 'center', 'dd', 'details', 'dialog', 'dir', 'div', 'dl', 'dt',
  'fieldset', 'figcaption', 'figure', 'footer', 'form', 'header', 'hgroup', 'hr', 'legend', 'main', 'menu',
  'nav', 'ol', 'p', 'section', 'summary', 'ul', 'h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'caption', 'body', 'html',
]);
/** Blocks followed by a blank line; the others end with a single line break. */
const PARAGRAPHS = new Set(['p', 'h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'blockquote', 'ul', 'ol', 'dl', 'table', 'pre', 'figure']);
/** Elements whose content is never text. */
const SKIPPED = new Set(['script', 'style', 'noscript', 'template', 'head', 'svg', 'canvas', 'button', 'select', 'input', 'textarea', 'iframe']);

class TextBuilder {
  private readonly lines: string[] = [];
  private current = '';
  private blankPending = false;

  /** Appends inline text; whitespace runs become one space. */
  inline(text: string): void {
    const collapsed = text.replace(/[ \t\n\r\f\u00a0]+/g, ' ');
    if (collapsed === ' ') {
      if (this.current !== '' && !this.current.endsWith(' ')) this.current += ' ';
      return;
    }
    if (this.current === '' || this.current.endsWith(' ')) this.current += collapsed.replace(/^ /, '');
    else this.current += collapsed;
  }

  /** Appends text whose spaces and line breaks are kept, as in `<pre>`. */
  verbatim(text: string): void {
    const [first, ...rest] = text.split('\n');
    this.current += first ?? '';
    for (const line of rest) {
      this.flushLine(true);
      this.current = line;
    }
  }

  /** Ends the current line; `blank` asks for an empty line before the next text. */
  lineBreak(blank = false): void {
    this.flushLine(false);
    if (blank) this.blankPending = true;
  }

  private flushLine(keepEmpty: boolean): void {
    const line = keepEmpty ? this.current.replace(/\s+$/, '') : this.current.trim();
    this.current = '';
    if (line === '' && !keepEmpty) return;
    if (this.blankPending && this.lines.length > 0) this.lines.push('');
    this.blankPending = false;
    this.lines.push(line);
  }

  toString(): string {
    this.flushLine(false);
    return this.lines.join('\n').replace(/\n{3,}/g, '\n\n').trim();
  }
}

function elementChildren(node: DomNode): DomElement[] {
  return Array.from(node.childNodes).filter((child): child is DomElement => child.nodeType === ELEMENT_NODE);
}

/** Text of one table cell on one line. */
function cellText(cell: DomElement): string {
  const builder = new TextBuilder();
  walk(cell, builder);
  return builder.toString().replace(/\s*\n\s*/g, ' ');
}

function tableRows(table: DomElement): DomElement[] {
  const rows: DomElement[] = [];
  for (const child of elementChildren(table)) {
    if (child.localName === 'tr') rows.push(child);
    else if (['thead', 'tbody', 'tfoot'].includes(child.localName)) rows.push(...elementChildren(child).filter((row) => row.localName === 'tr'));
  }
  return rows;
}

function writeTable(table: DomElement, out: TextBuilder): void {
  out.lineBreak(true);
  const caption = elementChildren(table).find((child) => child.localName === 'caption');
  if (caption !== undefined) {
    out.inline(cellText(caption));
    out.lineBreak();
  }
  for (const row of tableRows(table)) {
    const cells = elementChildren(row)
      .filter((cell) => cell.localName === 'td' || cell.localName === 'th')
      .map(cellText);
    if (cells.some((cell) => cell !== '')) {
      out.inline(cells.join(' | '));
      out.lineBreak();
    }
  }
  out.lineBreak(true);
}

function writeList(list: DomElement, out: TextBuilder): void {
  out.lineBreak(true);
  const ordered = list.localName === 'ol';
  const start = Number(list.getAttribute('start') ?? '1');
  let index = Number.isFinite(start) ? start : 1;
  for (const child of Array.from(list.childNodes)) {
    if (child.nodeType === ELEMENT_NODE && (child as DomElement).localName === 'li') {
      out.lineBreak();
      out.inline(ordered ? `${index++}. ` : '- ');
      walk(child, out);
      out.lineBreak();
    } else {
      walkNode(child, out);
    }
  }
  out.lineBreak(true);
}

function walkNode(node: DomNode, out: TextBuilder): void {
  if (node.nodeType === TEXT_NODE) {
    out.inline(node.textContent ?? '');
    return;
  }
  if (node.nodeType !== ELEMENT_NODE) return;
  const element = node as DomElement;
  const tag = element.localName;
  if (SKIPPED.has(tag)) return;

  switch (tag) {
    case 'br':
      out.lineBreak();
      return;
    case 'pre':
      out.lineBreak(true);
      out.verbatim(element.textContent ?? '');
      out.lineBreak(true);
      return;
    case 'table':
      writeTable(element, out);
      return;
    case 'ul':
    case 'ol':
      writeList(element, out);
      return;
    case 'img': {
      // Readability keeps images; their alt text is not part of the prose.
      return;
    }
  }

  const isBlock = BLOCKS.has(tag) || tag === 'li' || tag === 'tr';
  if (isBlock) out.lineBreak(PARAGRAPHS.has(tag));
  walk(element, out);
  if (isBlock) out.lineBreak(PARAGRAPHS.has(tag));
}

function walk(node: DomNode, out: TextBuilder): void {
  for (const child of Array.from(node.childNodes)) walkNode(child, out);
}

/** Returns the text of `root` laid out as lines (see the file comment). */
export function serializeText(root: DomNode): string {
  const out = new TextBuilder();
  walkNode(root, out);
  return out.toString();
}
