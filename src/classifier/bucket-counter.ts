/**
 * Counts how often each bucket occurs in one document, in an open-addressing hash table that
 * grows with the document. A document has a few thousand distinct buckets at most, so the table
 * stays small enough for the CPU cache, unlike a dense array over all 2^20 buckets.
 */
export class BucketCounter {
  /** Bucket + 1 per slot; 0 marks an empty slot. */
  private keys = new Uint32Array(1024);
  private counts = new Uint32Array(1024);
  /** Occupied slots in insertion order, so reading and clearing skip the empty ones. */
  private slots = new Uint32Array(512);
  private size = 0;

  add(bucket: number): void {
    const key = bucket + 1;
    const mask = this.keys.length - 1;
    let slot = bucket & mask;
    for (;;) {
      const found = this.keys[slot]!;
      if (found === key) {
        this.counts[slot]!++;
        return;
      }
      if (found === 0) break;
      slot = (slot + 1) & mask;
    }
    this.keys[slot] = key;
    this.counts[slot] = 1;
    this.slots[this.size++] = slot;
    // Keeping the table at most half full keeps probe sequences short.
    if (this.size * 2 >= this.keys.length) this.grow();
  }

  /** Returns the buckets in first-seen order with their counts, and empties the counter. */
  drain(): { buckets: Uint32Array; counts: Uint32Array } {
    const buckets = new Uint32Array(this.size);
    const counts = new Uint32Array(this.size);
    for (let i = 0; i < this.size; i++) {
      const slot = this.slots[i]!;
      buckets[i] = this.keys[slot]! - 1;
      counts[i] = this.counts[slot]!;
      this.keys[slot] = 0;
    }
    this.size = 0;
    return { buckets, counts };
  }

  private grow(): void {
    const oldKeys = this.keys;
    const oldCounts = this.counts;
    const oldSlots = this.slots.subarray(0, this.size);
    this.keys = new Uint32Array(oldKeys.length * 2);
    this.counts = new Uint32Array(oldKeys.length * 2);
    const newSlots = new Uint32Array(oldKeys.length);
    const mask = this.keys.length - 1;
    oldSlots.forEach((oldSlot, i) => {
      const key = oldKeys[oldSlot]!;
      let slot = (key - 1) & mask;
      while (this.keys[slot] !== 0) slot = (slot + 1) & mask;
      this.keys[slot] = key;
      this.counts[slot] = oldCounts[oldSlot]!;
      newSlots[i] = slot;
    });
    this.slots = newSlots;
  }
}
