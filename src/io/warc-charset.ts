import { TextDecoder } from 'node:util';

/** Where the character encoding of an HTML body was found, in the order the sources are tried. */
export type CharsetSource = 'bom' | 'http-header' | 'meta-tag' | 'default';

export interface DecodedHtml {
  text: string;
  /** WHATWG encoding name the body was decoded with, such as `utf-8`, `gbk` or `shift_jis`. */
  charset: string;
  source: CharsetSource;
}

/**
 * Bytes searched for a `<meta>` charset declaration. The HTML standard's prescan reads 1024
 * bytes; real pages put long scripts and styles first often enough that 4 KiB finds more.
 */
export const META_PRESCAN_BYTES = 4096;

const CONTENT_TYPE_CHARSET = /;\s*charset\s*=\s*("?)([^";\s]+)\1/i;
// Matches both <meta charset="x"> and <meta http-equiv="Content-Type" content="text/html; charset=x">.
const META_CHARSET = /<meta\b[^>]*?\bcharset\s*=\s*["']?\s*([^"'\s/>;]+)/gi;
const HTML_COMMENT = /<!--[\s\S]*?-->/g;

/** Returns the `charset` parameter of a Content-Type value, or null when it has none. */
export function charsetFromContentType(contentType: string | undefined): string | null {
  if (contentType === undefined) return null;
  return CONTENT_TYPE_CHARSET.exec(contentType)?.[2] ?? null;
}

/** Returns the first charset named by a `<meta>` tag in the first bytes of a page, or null. */
export function charsetFromMetaTag(bytes: Buffer): string | null {
  // latin1 maps each byte to one character, so ASCII tags read right in any ASCII-compatible encoding.
  const head = bytes.subarray(0, META_PRESCAN_BYTES).toString('latin1').replace(HTML_COMMENT, '');
  for (const match of head.matchAll(META_CHARSET)) {
    const label = match[1];
    if (label !== undefined && label !== '') return label;
  }
  return null;
}

/** Characters of Windows-1252 bytes 0x80–0x9F; the five unassigned bytes keep their C1 code point, as in the WHATWG table. */
const WINDOWS_1252_HIGH =
  '\u20ac\u0081\u201a\u0192\u201e\u2026\u2020\u2021\u02c6\u2030\u0160\u2039\u0152\u008d\u017d\u008f' +
  '\u0090\u2018\u2019\u201c\u201d\u2022\u2013\u2014\u02dc\u2122\u0161\u203a\u0153\u009d\u017e\u0178';

/**
 * Decodes bytes with a decoder, except Windows-1252, which is mapped here. Node 20's TextDecoder
 * reports `windows-1252` for that label and for `iso-8859-1`, but decodes bytes 0x80–0x9F as C1
 * controls, so a euro sign or curly quote would turn into a control character.
 */
function decodeWith(decoder: TextDecoder, bytes: Buffer): string {
  if (decoder.encoding !== 'windows-1252') return decoder.decode(bytes);
  return bytes.toString('latin1').replace(/[\u0080-\u009f]/g, (char) => WINDOWS_1252_HIGH[char.charCodeAt(0) - 0x80] ?? char);
}

/** Returns a decoder for a WHATWG encoding label (`gb2312` and `latin1` are aliases), or null for an unknown label. */
function decoderFor(label: string): TextDecoder | null {
  try {
    return new TextDecoder(label.trim());
  } catch {
    return null;
  }
}

function bomEncoding(bytes: Buffer): string | null {
  if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) return 'utf-8';
  if (bytes[0] === 0xfe && bytes[1] === 0xff) return 'utf-16be';
  if (bytes[0] === 0xff && bytes[1] === 0xfe) return 'utf-16le';
  return null;
}

/**
 * Decodes an HTML body: by its byte order mark, else the charset of the HTTP Content-Type
 * header, else a `<meta>` declaration in the first 4 KiB, else UTF-8. A label that names no
 * known encoding is passed over for the next source. Invalid byte sequences become U+FFFD.
 * A `<meta>` tag naming UTF-16 means UTF-8, as in the HTML standard, because a page whose
 * bytes can be read as ASCII to find the tag is not UTF-16.
 * NOTE: pages that declare nothing and are not UTF-8 (an undeclared GBK page) decode with
 * replacement characters; there is no statistical encoding detection.
 */
export function decodeHtml(bytes: Buffer, contentType: string | undefined): DecodedHtml {
  const bom = bomEncoding(bytes);
  if (bom !== null) {
    // TextDecoder drops the BOM itself.
    return { text: new TextDecoder(bom).decode(bytes), charset: bom, source: 'bom' };
  }

  const headerLabel = charsetFromContentType(contentType);
  const headerDecoder = headerLabel === null ? null : decoderFor(headerLabel);
  if (headerDecoder !== null) return { text: decodeWith(headerDecoder, bytes), charset: headerDecoder.encoding, source: 'http-header' };

  const metaLabel = charsetFromMetaTag(bytes);
  let metaDecoder = metaLabel === null ? null : decoderFor(metaLabel);
  if (metaDecoder !== null && metaDecoder.encoding.startsWith('utf-16')) metaDecoder = new TextDecoder('utf-8');
  if (metaDecoder !== null) return { text: decodeWith(metaDecoder, bytes), charset: metaDecoder.encoding, source: 'meta-tag' };

  return { text: new TextDecoder('utf-8').decode(bytes), charset: 'utf-8', source: 'default' };
}
