import { parseHTML } from 'linkedom';

/**
 * The parts of the DOM that the extractor uses. linkedom's own type declarations refer to the
 * browser `Window` type, which this project's TypeScript setup (no DOM lib) does not have, so
 * these interfaces name what the code relies on and linkedom's objects satisfy them.
 */
export interface DomNode {
  nodeType: number;
  textContent: string | null;
  parentNode: DomNode | null;
  isConnected: boolean;
  childNodes: ArrayLike<DomNode>;
  localName?: string;
}

export interface DomElement extends DomNode {
  localName: string;
  id: string;
  className: string;
  getAttribute(name: string): string | null;
  querySelector(selector: string): DomElement | null;
  querySelectorAll(selector: string): ArrayLike<DomElement>;
  closest(selector: string): DomElement | null;
  replaceWith(...nodes: DomNode[]): void;
  remove(): void;
}

export interface DomDocument {
  documentElement: DomElement | null;
  body: DomElement | null;
  title: string;
  createElement(tag: string): DomElement;
  createTextNode(text: string): DomNode;
  querySelectorAll(selector: string): ArrayLike<DomElement>;
}

export const ELEMENT_NODE = 1;
export const TEXT_NODE = 3;

/** Parses an HTML page into a document that Readability and the serializer can walk. */
export function parseDocument(html: string): DomDocument {
  const { document } = parseHTML(html) as unknown as { document: DomDocument };
  return document;
}

/** Returns the elements matching `selector` as an array, so that removing them while looping is safe. */
export function selectAll(root: DomDocument | DomElement, selector: string): DomElement[] {
  return Array.from(root.querySelectorAll(selector));
}
