import { selectAll, type DomDocument, type DomElement } from './dom.js';

/**
 * Page chrome removed before content extraction. Readability already scores navigation-like
 * blocks down, but a short page (a personal home page) can still end up with its menu or cookie
 * notice as "content", so the elements that are chrome by their tag or ARIA role go first.
 */
const CHROME_SELECTOR = [
  'script',
  'style',
  'noscript',
  'template',
  'iframe',
  'object',
  'embed',
  'canvas',
  'svg',
  'nav',
  'footer',
  'aside',
  'button',
  'select',
  'input',
  'textarea',
  'dialog',
  '[role="navigation"]',
  '[role="banner"]',
  '[role="contentinfo"]',
  '[role="menu"]',
  '[role="menubar"]',
  '[role="search"]',
  '[role="dialog"]',
  '[role="alertdialog"]',
  '[hidden]',
].join(', ');

/** Class or id words of cookie banners, share bars, skip links and menus. */
const CHROME_NAME = /(?:^|[-_\s])(?:cookie|cookies|consent|gdpr|newsletter|share|sharing|social|breadcrumbs?|skip-?link|navbar|menu|sidebar|toolbar)(?:$|[-_\s])/i;

/** Elements never removed by their class or id, because they hold the page itself. */
const STRUCTURAL = new Set(['html', 'body', 'main', 'article']);

function isChromeByName(element: DomElement): boolean {
  if (STRUCTURAL.has(element.localName)) return false;
  return CHROME_NAME.test(element.className) || CHROME_NAME.test(element.id);
}

/** Removes page chrome from the document; returns the number of elements removed. */
export function removeBoilerplate(document: DomDocument): number {
  let removed = 0;
  for (const element of selectAll(document, CHROME_SELECTOR)) {
    element.remove();
    removed++;
  }
  // A site header outside the article is chrome; a header inside it holds the title and byline.
  for (const header of selectAll(document, 'header')) {
    if (header.closest('article, main') === null) {
      header.remove();
      removed++;
    }
  }
  for (const element of selectAll(document, '[class], [id]')) {
    if (isChromeByName(element)) {
      element.remove();
      removed++;
    }
  }
  return removed;
}

/** Whitespace-collapsed text length, so that indentation in the HTML source does not count. */
function visibleLength(element: DomElement): number {
  return (element.textContent ?? '').replace(/\s+/g, ' ').trim().length;
}

/** Share of the element's text inside links, or 0 for an element without text. */
function linkDensity(element: DomElement): number {
  const total = visibleLength(element);
  if (total === 0) return 0;
  let linked = 0;
  for (const link of selectAll(element, 'a')) linked += visibleLength(link);
  return Math.min(1, linked / total);
}

/**
 * Removes lists (`ul`, `ol`) whose link text is more than maxDensity of their text: menus,
 * social and contact links, related posts, category and tag lists, tables of contents and
 * bare reading lists. Their items are titles without the prose around them, which is little
 * use as training text. Returns the number of lists removed.
 */
export function removeLinkLists(document: DomDocument, maxDensity: number): number {
  if (maxDensity >= 1) return 0;
  let removed = 0;
  for (const list of selectAll(document, 'ul, ol')) {
    // A nested list goes with its outer list and is counted once.
    if (!list.isConnected) continue;
    if (linkDensity(list) > maxDensity) {
      list.remove();
      removed++;
    }
  }
  return removed;
}
