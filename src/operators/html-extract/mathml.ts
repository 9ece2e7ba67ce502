/**
 * Best-effort MathML → LaTeX for `<math>` elements that carry no TeX annotation. It covers the
 * presentation elements that make up most web formulas (tokens, scripts, fractions, roots,
 * fences, under/over scripts, tables). Content MathML and rare attributes are read as their text.
 */

/** The part of a DOM element this converter reads; linkedom elements satisfy it. */
export interface MathNode {
  nodeType: number;
  textContent: string | null;
  localName?: string;
  childNodes: ArrayLike<MathNode>;
  getAttribute?(name: string): string | null;
}

const ELEMENT_NODE = 1;

/** Unicode symbols that have a LaTeX command; everything else is kept as the character. */
const SYMBOLS: Readonly<Record<string, string>> = {
  α: '\\alpha', β: '\\beta', γ: '\\gamma', δ: '\\delta', ε: '\\epsilon', ϵ: '\\epsilon', ζ: '\\zeta', η: '\\eta',
  θ: '\\theta', ι: '\\iota', κ: '\\kappa', λ: '\\lambda', μ: '\\mu', ν: '\\nu', ξ: '\\xi', π: '\\pi', ρ: '\\rho',
  σ: '\\sigma', τ: '\\tau', υ: '\\upsilon', φ: '\\phi', ϕ: '\\phi', χ: '\\chi', ψ: '\\psi', ω: '\\omega',
  Γ: '\\Gamma', Δ: '\\Delta', Θ: '\\Theta', Λ: '\\Lambda', Ξ: '\\Xi', Π: '\\Pi', Σ: '\\Sigma', Φ: '\\Phi',
  Ψ: '\\Psi', Ω: '\\Omega',
  '∑': '\\sum', '∏': '\\prod', '∫': '\\int', '∮': '\\oint', '∞': '\\infty', '∂': '\\partial', '∇': '\\nabla',
  '≤': '\\leq', '≥': '\\geq', '≠': '\\neq', '≈': '\\approx', '≡': '\\equiv', '∼': '\\sim', '∝': '\\propto',
  '×': '\\times', '·': '\\cdot', '⋅': '\\cdot', '÷': '\\div', '±': '\\pm', '∓': '\\mp', '−': '-', '∗': '*',
  '∈': '\\in', '∉': '\\notin', '⊂': '\\subset', '⊆': '\\subseteq', '∪': '\\cup', '∩': '\\cap', '∅': '\\emptyset',
  '∀': '\\forall', '∃': '\\exists', '¬': '\\neg', '∧': '\\wedge', '∨': '\\vee',
  '→': '\\to', '←': '\\leftarrow', '⇒': '\\Rightarrow', '⇔': '\\Leftrightarrow', '↦': '\\mapsto',
  '…': '\\ldots', '⋯': '\\cdots', '′': "'", '″': "''", '⁡': '', '⁢': '', '⁣': '', '⁤': '',
  '{': '\\{', '}': '\\}', '∣': '|', '‖': '\\|', '⟨': '\\langle', '⟩': '\\rangle',
};

/** Multi-letter identifiers that LaTeX writes as operator names. */
const FUNCTIONS = new Set(['sin', 'cos', 'tan', 'cot', 'sec', 'csc', 'log', 'ln', 'exp', 'lim', 'max', 'min', 'sup', 'inf', 'det', 'dim', 'arg', 'gcd', 'sinh', 'cosh', 'tanh', 'arcsin', 'arccos', 'arctan']);

/** Accent characters of `<mover>` and the command each one becomes. */
const ACCENTS: Readonly<Record<string, string>> = {
  '^': '\\hat', ˆ: '\\hat', '¯': '\\bar', '‾': '\\overline', '→': '\\vec', '⃗': '\\vec', '~': '\\tilde', '˜': '\\tilde', '˙': '\\dot', '¨': '\\ddot',
};

/** Converts a `<math>` element (or any MathML element) to LaTeX, without surrounding delimiters. */
export function mathmlToLatex(node: MathNode): string {
  return convert(node).trim();
}

function elementChildren(node: MathNode): MathNode[] {
  return Array.from(node.childNodes).filter((child) => child.nodeType === ELEMENT_NODE);
}

function symbols(text: string): string {
  return join(Array.from(text.trim()).map((char) => SYMBOLS[char] ?? char));
}

/** Wraps a script argument in braces unless it is one character. */
function group(latex: string): string {
  return latex.length === 1 ? latex : `{${latex}}`;
}

/** Joins converted parts, putting a space after a control word that the next part would extend (`\alpha x`). */
function join(parts: string[]): string {
  let out = '';
  for (const part of parts) {
    if (part === '') continue;
    if (/\\[a-zA-Z]+$/.test(out) && /^[a-zA-Z]/.test(part)) out += ' ';
    out += part;
  }
  return out;
}

function convertChildren(node: MathNode): string {
  return join(elementChildren(node).map(convert));
}

function identifier(node: MathNode): string {
  const text = (node.textContent ?? '').trim();
  if (FUNCTIONS.has(text)) return `\\${text}`;
  if (/^[a-zA-Z]{2,}$/.test(text)) return `\\mathrm{${text}}`;
  return symbols(text);
}

function fenced(node: MathNode): string {
  const open = node.getAttribute?.('open') ?? '(';
  const close = node.getAttribute?.('close') ?? ')';
  const separator = (node.getAttribute?.('separators') ?? ',').trim().charAt(0);
  const inner = elementChildren(node).map(convert).join(separator);
  return `\\left${symbols(open) || '.'}${inner}\\right${symbols(close) || '.'}`;
}

function overscript(base: string, over: MathNode): string {
  const accent = ACCENTS[(over.textContent ?? '').trim()];
  if (accent !== undefined) return `${accent}{${base}}`;
  return `\\overset{${convert(over)}}{${base}}`;
}

function table(node: MathNode): string {
  const rows = elementChildren(node).map((row) => elementChildren(row).map(convert).join(' & '));
  return `\\begin{matrix}${rows.join(' \\\\ ')}\\end{matrix}`;
}

function convert(node: MathNode): string {
  if (node.nodeType !== ELEMENT_NODE) return '';
  const name = (node.localName ?? '').toLowerCase().replace(/^m:/, '');
  const [first, second, third] = elementChildren(node);
  switch (name) {
    case 'mi':
      return identifier(node);
    case 'mn':
      return (node.textContent ?? '').trim();
    case 'mo':
      return symbols(node.textContent ?? '');
    case 'mtext':
      return `\\text{${(node.textContent ?? '').trim()}}`;
    case 'mspace':
      return ' ';
    case 'ms':
      return `\\text{"${(node.textContent ?? '').trim()}"}`;
    case 'semantics':
      return first === undefined ? '' : convert(first);
    case 'annotation':
    case 'annotation-xml':
    case 'mphantom':
      return '';
    case 'msup':
      return `${group(first ? convert(first) : '')}^${group(second ? convert(second) : '')}`;
    case 'msub':
      return `${group(first ? convert(first) : '')}_${group(second ? convert(second) : '')}`;
    case 'msubsup':
    case 'munderover':
      return `${group(first ? convert(first) : '')}_${group(second ? convert(second) : '')}^${group(third ? convert(third) : '')}`;
    case 'munder':
      return `${group(first ? convert(first) : '')}_${group(second ? convert(second) : '')}`;
    case 'mover':
      return first && second ? overscript(convert(first), second) : convertChildren(node);
    case 'mfrac':
      return `\\frac{${first ? convert(first) : ''}}{${second ? convert(second) : ''}}`;
    case 'msqrt':
      return `\\sqrt{${convertChildren(node)}}`;
    case 'mroot':
      return `\\sqrt[${second ? convert(second) : ''}]{${first ? convert(first) : ''}}`;
    case 'mfenced':
      return fenced(node);
    case 'mtable':
      return table(node);
    default:
      // math, mrow, mstyle, mpadded, menclose, merror and unknown elements: their children in order.
      return convertChildren(node);
  }
}
