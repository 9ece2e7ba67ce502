/**
 * Pull-based buffer over an async stream of chunks, for parsers that need "the next N bytes" or
 * "bytes up to a delimiter". An error from the source is stored rather than thrown, so a parser can
 * first deal with the bytes it already has. `sourceError` returns it once `ended` is true.
 */
export class ByteReader {
  private chunks: Buffer[] = [];
  private bufferedBytes = 0;
  private sourceEnded = false;
  private failure: unknown = undefined;
  /** Bytes consumed since the start of the stream. */
  offset = 0;

  constructor(private readonly source: AsyncIterator<Buffer>) {}

  get buffered(): number {
    return this.bufferedBytes;
  }

  /** True when the source has no more chunks; buffered bytes may remain. */
  get ended(): boolean {
    return this.sourceEnded;
  }

  /** The error the source threw, if it stopped with one. */
  get sourceError(): unknown {
    return this.failure;
  }

  /** Reads from the source until at least `minBytes` are buffered; returns false when it ends first. */
  async fill(minBytes: number): Promise<boolean> {
    while (this.bufferedBytes < minBytes && !this.sourceEnded) {
      try {
        const next = await this.source.next();
        if (next.done === true) {
          this.sourceEnded = true;
        } else if (next.value.length > 0) {
          this.chunks.push(next.value);
          this.bufferedBytes += next.value.length;
        }
      } catch (err) {
        this.failure = err;
        this.sourceEnded = true;
      }
    }
    return this.bufferedBytes >= minBytes;
  }

  /** Returns all buffered bytes as one buffer, without consuming them. */
  peek(): Buffer {
    if (this.chunks.length > 1) this.chunks = [Buffer.concat(this.chunks, this.bufferedBytes)];
    return this.chunks[0] ?? Buffer.alloc(0);
  }

  /** Removes and returns the first `count` buffered bytes (fewer if fewer are buffered). */
  take(count: number): Buffer {
    const taken: Buffer[] = [];
    let remaining = Math.min(count, this.bufferedBytes);
    while (remaining > 0) {
      const head = this.chunks[0];
      if (head === undefined) break;
      if (head.length <= remaining) {
        taken.push(head);
        this.chunks.shift();
        remaining -= head.length;
        this.consumed(head.length);
      } else {
        taken.push(head.subarray(0, remaining));
        this.chunks[0] = head.subarray(remaining);
        this.consumed(remaining);
        remaining = 0;
      }
    }
    return taken.length === 1 && taken[0] !== undefined ? taken[0] : Buffer.concat(taken);
  }

  /** Drops up to `count` bytes, reading from the source as needed; returns how many were dropped. */
  async skip(count: number): Promise<number> {
    let dropped = 0;
    while (dropped < count) {
      if (this.bufferedBytes === 0 && !(await this.fill(1))) break;
      dropped += this.take(count - dropped).length;
    }
    return dropped;
  }

  /** Closes the source early, for when the consumer stops before the end. */
  async close(): Promise<void> {
    this.chunks = [];
    this.bufferedBytes = 0;
    if (!this.sourceEnded) await this.source.return?.();
    this.sourceEnded = true;
  }

  private consumed(count: number): void {
    this.bufferedBytes -= count;
    this.offset += count;
  }
}
