/**
 * Deepest nesting of arrays and objects the engine accepts in a record's JSON. JSON.parse
 * reads far deeper values, but JSON.stringify, which encodes `meta` for Kafka, overflows the
 * call stack somewhere between 3,000 and 5,000 levels on Node 20, so deeper input is
 * rejected where it enters instead of crashing a stage later.
 */
export const MAX_JSON_DEPTH = 128;

/**
 * Returns true when a JSON value nests arrays and objects more than `maxDepth` levels deep (a
 * scalar is depth 0, `{}` and `[]` are depth 1). Walks with an explicit stack and stops at the
 * first path that is too deep, so a very deep value cannot overflow the call stack here.
 */
export function isNestedDeeperThan(value: unknown, maxDepth: number): boolean {
  const pending: Array<{ value: unknown; depth: number }> = [{ value, depth: 0 }];
  for (;;) {
    const next = pending.pop();
    if (next === undefined) return false;
    if (typeof next.value !== 'object' || next.value === null) continue;
    const depth = next.depth + 1;
    if (depth > maxDepth) return true;
    const children = Array.isArray(next.value) ? next.value : Object.values(next.value);
    for (const child of children) {
      if (typeof child === 'object' && child !== null) pending.push({ value: child, depth });
    }
  }
}
