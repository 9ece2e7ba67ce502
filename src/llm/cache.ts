import { createHash } from 'node:crypto';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

/** One stored model answer; enough to replay it without calling the model. */
export interface CachedResponse {
  content: string;
  model: string;
  promptTokens: number;
  completionTokens: number;
}

/**
 * Model answers on disk, one JSON file per request key, so a replayed stream or a rerun of
 * the same documents costs no tokens. Keys hash the model, prompt version and the full
 * request, so changing any of them misses the cache instead of returning a stale answer.
 */
export class ResponseCache {
  constructor(private readonly dir: string) {}

  static key(parts: unknown): string {
    return createHash('sha256').update(JSON.stringify(parts)).digest('hex');
  }

  private path(key: string): string {
    return join(this.dir, key.slice(0, 2), `${key}.json`);
  }

  async get(key: string): Promise<CachedResponse | undefined> {
    let text: string;
    try {
      text = await readFile(this.path(key), 'utf8');
    } catch {
      return undefined;
    }
    try {
      const value = JSON.parse(text) as CachedResponse;
      return typeof value.content === 'string' ? value : undefined;
    } catch {
      // A torn write from a killed process: treat it as a miss; the next answer overwrites it.
      return undefined;
    }
  }

  async set(key: string, value: CachedResponse): Promise<void> {
    const path = this.path(key);
    await mkdir(join(this.dir, key.slice(0, 2)), { recursive: true });
    // Written aside and renamed, so a reader never sees half a file.
    const partial = `${path}.${process.pid}.tmp`;
    await writeFile(partial, JSON.stringify(value));
    await rename(partial, path);
  }
}
