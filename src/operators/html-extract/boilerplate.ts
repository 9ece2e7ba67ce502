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
