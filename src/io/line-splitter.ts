/** One line of a byte stream, without its `\n` or `\r\n` terminator. */
export interface Line {
  /** 1-based line number in the file. */
  number: number;
  /** The whole line, or only its first `keepBytes` bytes when `overLimit` is true. */
  bytes: Buffer;
  /** Full length of the line in bytes, also when only a prefix was kept. */
  byteLength: number;
  /** True when the line is longer than `maxLineBytes`, so the rest of it was discarded unread. */
  overLimit: boolean;
  /** True when the input failed before this line ended; the error is thrown after this line. */
  incomplete: boolean;
}

const NEWLINE = 0x0a;
const CARRIAGE_RETURN = 0x0d;

/**
 * Splits a byte stream into lines. Memory per line is bounded by `maxLineBytes`: a longer line
 * keeps only its first `keepBytes` bytes and the remainder is counted but not stored.
 * When the source throws, the partial last line (if any) is yielded with `incomplete` set and
 * the error is rethrown.
 */
export async function* splitLines(
  source: AsyncIterable<Buffer>,
  maxLineBytes: number,
  keepBytes: number,
): AsyncGenerator<Line> {
  let parts: Buffer[] = [];
  let storedBytes = 0;
  let lineBytes = 0;
  let overLimit = false;
  let lastByte = -1;
  let lineNumber = 0;

  const append = (segment: Buffer): void => {
    if (segment.length === 0) return;
    lineBytes += segment.length;
    lastByte = segment[segment.length - 1] ?? -1;
    if (overLimit) return;
    if (storedBytes + segment.length <= maxLineBytes) {
      parts.push(segment);
      storedBytes += segment.length;
      return;
    }
    overLimit = true;
    const prefix = Buffer.concat([...parts, segment]).subarray(0, keepBytes);
    parts = [Buffer.from(prefix)];
    storedBytes = prefix.length;
  };

  const finishLine = (incomplete: boolean): Line => {
    lineNumber += 1;
    let bytes = parts.length === 1 && parts[0] !== undefined ? parts[0] : Buffer.concat(parts, storedBytes);
    let byteLength = lineBytes;
    if (!incomplete && lastByte === CARRIAGE_RETURN) {
      byteLength -= 1;
      if (!overLimit) bytes = bytes.subarray(0, bytes.length - 1);
    }
    const line: Line = { number: lineNumber, bytes, byteLength, overLimit, incomplete };
    parts = [];
    storedBytes = 0;
    lineBytes = 0;
    overLimit = false;
    lastByte = -1;
    return line;
  };

  try {
    for await (const chunk of source) {
      let start = 0;
      for (;;) {
        const newline = chunk.indexOf(NEWLINE, start);
        if (newline === -1) break;
        append(chunk.subarray(start, newline));
        yield finishLine(false);
        start = newline + 1;
      }
      append(chunk.subarray(start));
    }
  } catch (err) {
    if (lineBytes > 0) yield finishLine(true);
    throw err;
  }
  if (lineBytes > 0) yield finishLine(false);
}
