/**
 * Maps `items` through `fn` with at most `limit` calls in flight and returns the results in
 * input order. With a limit of 1 the calls run strictly one after another. The first
 * rejection is thrown once the calls already started have settled, so none is left running.
 */
export async function mapWithLimit<T, R>(items: readonly T[], limit: number, fn: (item: T, index: number) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  let failure: { error: unknown } | undefined;
  const worker = async (): Promise<void> => {
    while (failure === undefined && next < items.length) {
      const index = next++;
      try {
        results[index] = await fn(items[index]!, index);
      } catch (error) {
        failure ??= { error };
      }
    }
  };
  const workers = Math.max(1, Math.min(Math.floor(limit), items.length));
  await Promise.all(Array.from({ length: workers }, worker));
  if (failure) throw failure.error;
  return results;
}

/**
 * Returns a function that, once `everyMs` milliseconds have passed since it last did so,
 * waits for one turn of the event loop so timers and sockets get served; otherwise it
 * returns at once.
 */
export function eventLoopYielder(everyMs: number): () => Promise<void> {
  let last = Date.now();
  return async () => {
    if (Date.now() - last < everyMs) return;
    await new Promise((resolve) => setImmediate(resolve));
    last = Date.now();
  };
}
