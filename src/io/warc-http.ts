import { brotliDecompressSync, gunzipSync, inflateRawSync, inflateSync } from 'node:zlib';

/** An HTTP response as stored in a WARC `response` block: status line, headers and raw body. */
export interface HttpResponse {
  status: number;
  /** The whole status line, such as `HTTP/1.1 200 OK`. */
  statusLine: string;
  /** Header fields with lower-case names; a repeated field keeps its first value. */
  headers: Map<string, string>;
  body: Buffer;
}

export type Parsed<T> = { ok: true; value: T } | { ok: false; problem: string };

/** Maximum size of the status line and headers; real responses have a few kilobytes. */
const MAX_HTTP_HEADER_BYTES = 256 * 1024;
const STATUS_LINE = /^HTTP\/\d(?:\.\d)?\s+(\d{3})(?:\s.*)?$/;

/** Splits a WARC response block into status, headers and body; accepts CRLF and bare LF line ends. */
export function parseHttpResponse(block: Buffer): Parsed<HttpResponse> {
  const searchArea = block.subarray(0, MAX_HTTP_HEADER_BYTES);
  const crlf = searchArea.indexOf('\r\n\r\n');
  const lf = searchArea.indexOf('\n\n');
  let headEnd: number;
  let bodyStart: number;
  if (crlf !== -1 && (lf === -1 || crlf < lf)) {
    headEnd = crlf;
    bodyStart = crlf + 4;
  } else if (lf !== -1) {
    headEnd = lf;
    bodyStart = lf + 2;
  } else {
    // A response without a body ends right after its headers, possibly without the blank line.
    if (block.length > MAX_HTTP_HEADER_BYTES) return { ok: false, problem: `the HTTP header is longer than ${MAX_HTTP_HEADER_BYTES} bytes` };
    headEnd = block.length;
    bodyStart = block.length;
  }

  // Header bytes are ASCII by the standard; latin1 keeps any stray byte as one character.
  const lines = block.subarray(0, headEnd).toString('latin1').split(/\r?\n/);
  const statusLine = (lines[0] ?? '').trim();
  const match = STATUS_LINE.exec(statusLine);
  if (!match) return { ok: false, problem: `the block does not start with an HTTP status line (got ${JSON.stringify(statusLine.slice(0, 80))})` };

  const headers = new Map<string, string>();
  let lastName: string | null = null;
  for (const line of lines.slice(1)) {
    if ((line.startsWith(' ') || line.startsWith('\t')) && lastName !== null) {
      headers.set(lastName, `${headers.get(lastName) ?? ''} ${line.trim()}`);
      continue;
    }
    const colon = line.indexOf(':');
    if (colon <= 0) continue;
    lastName = line.slice(0, colon).trim().toLowerCase();
    if (!headers.has(lastName)) headers.set(lastName, line.slice(colon + 1).trim());
  }
  return { ok: true, value: { status: Number(match[1]), statusLine, headers, body: block.subarray(bodyStart) } };
}

const CHUNK_SIZE_LINE = /^([0-9a-fA-F]+)[ \t]*(?:;[^\r\n]*)?$/;

/**
 * Removes chunked transfer encoding. Returns the body unchanged when it does not start with a
 * chunk-size line, because some WARC writers store the payload already de-chunked but keep the
 * `Transfer-Encoding: chunked` header. A body that ends before its last (zero-size) chunk is a
 * problem: the crawler stored an incomplete transfer.
 */
export function decodeChunked(body: Buffer): Parsed<Buffer> {
  const parts: Buffer[] = [];
  let position = 0;
  for (let chunkIndex = 0; ; chunkIndex++) {
    const lineEnd = body.indexOf('\n', position);
    if (lineEnd === -1) {
      if (chunkIndex === 0) return { ok: true, value: body };
      return { ok: false, problem: `the chunked body ends after ${chunkIndex} chunks without the final zero-size chunk` };
    }
    const sizeLine = body.subarray(position, lineEnd).toString('latin1').replace(/\r$/, '');
    const match = CHUNK_SIZE_LINE.exec(sizeLine);
    if (!match) {
      if (chunkIndex === 0) return { ok: true, value: body };
      return { ok: false, problem: `chunk ${chunkIndex + 1} has an invalid size line ${JSON.stringify(sizeLine.slice(0, 40))}` };
    }
    const size = parseInt(match[1] ?? '0', 16);
    if (size === 0) return { ok: true, value: Buffer.concat(parts) };
    const dataStart = lineEnd + 1;
    if (dataStart + size > body.length) {
      return {
        ok: false,
        problem: `chunk ${chunkIndex + 1} declares ${size} bytes but only ${body.length - dataStart} remain, so the body is truncated`,
      };
    }
    parts.push(body.subarray(dataStart, dataStart + size));
    position = dataStart + size;
    // Each chunk's data is followed by CRLF (or a bare LF from lenient servers).
    if (body[position] === 0x0d) position += 1;
    if (body[position] === 0x0a) position += 1;
  }
}

const GZIP_MAGIC = [0x1f, 0x8b];

/**
 * Undoes a `Content-Encoding` of gzip, deflate or br, producing at most `maxBytes` bytes.
 * Returns the body unchanged for identity or an absent encoding, and for gzip when the body has
 * no gzip magic number, because some WARC writers store the decoded payload but keep the header.
 */
export function decodeContentEncoding(body: Buffer, encoding: string | undefined, maxBytes: number): Parsed<Buffer> {
  const name = (encoding ?? '').trim().toLowerCase();
  if (name === '' || name === 'identity' || body.length === 0) return { ok: true, value: body };
  const options = { maxOutputLength: maxBytes };
  try {
    switch (name) {
      case 'gzip':
      case 'x-gzip':
        if (body[0] !== GZIP_MAGIC[0] || body[1] !== GZIP_MAGIC[1]) return { ok: true, value: body };
        return { ok: true, value: gunzipSync(body, options) };
      case 'deflate':
        // RFC 9110 deflate is zlib-wrapped, but many servers send raw deflate; try both.
        return { ok: true, value: tryInflate(body, maxBytes) };
      case 'br':
        return { ok: true, value: brotliDecompressSync(body, options) };
      default:
        return { ok: false, problem: `the Content-Encoding ${JSON.stringify(name)} is not supported (gzip, deflate, br and identity are)` };
    }
  } catch (err) {
    const code = (err as { code?: unknown }).code;
    if (code === 'ERR_BUFFER_TOO_LARGE') return { ok: false, problem: `the ${name} body decodes to more than ${maxBytes} bytes` };
    return { ok: false, problem: `the ${name} body is corrupt or truncated: ${(err as Error).message}` };
  }
}

function tryInflate(body: Buffer, maxBytes: number): Buffer {
  try {
    return inflateSync(body, { maxOutputLength: maxBytes });
  } catch (err) {
    if ((err as { code?: unknown }).code === 'ERR_BUFFER_TOO_LARGE') throw err;
    return inflateRawSync(body, { maxOutputLength: maxBytes });
  }
}
