import type { z } from 'zod';

export type ParsedOutput<T> = { ok: true; value: T } | { ok: false; error: string };

/**
 * Reads a model's answer as JSON and validates it. Servers without constrained decoding may
 * wrap the object in a code fence or add a sentence around it, so the first balanced
 * top-level object is taken; anything else is an error naming what was wrong.
 */
export function parseJsonOutput<T>(content: string, schema: z.ZodType<T>): ParsedOutput<T> {
  const text = extractObject(content);
  if (text === undefined) return { ok: false, error: `no JSON object in the answer: ${preview(content)}` };
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (err) {
    return { ok: false, error: `the answer is not valid JSON (${(err as Error).message}): ${preview(text)}` };
  }
  const parsed = schema.safeParse(raw);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `${issue.path.join('.') || '(root)'}: ${issue.message}`);
    return { ok: false, error: `the answer does not match the schema: ${problems.join('; ')}` };
  }
  return { ok: true, value: parsed.data };
}

/**
 * Returns the first balanced object, with raw control characters inside strings escaped:
 * grammar-constrained servers let line breaks through inside string values, which JSON
 * forbids but whose meaning is plain.
 */
function extractObject(content: string): string | undefined {
  const start = content.indexOf('{');
  if (start < 0) return undefined;
  let out = '';
  let depth = 0;
  let inString = false;
  let escaped = false;
  for (let i = start; i < content.length; i++) {
    const ch = content[i]!;
    if (inString) {
      if (escaped) escaped = false;
      else if (ch === '\\') escaped = true;
      else if (ch === '"') inString = false;
      else if (ch < ' ') {
        out += `\\u${ch.charCodeAt(0).toString(16).padStart(4, '0')}`;
        continue;
      }
    } else if (ch === '"') inString = true;
    else if (ch === '{') depth++;
    else if (ch === '}' && --depth === 0) return out + ch;
    out += ch;
  }
  // Unbalanced: hand the rest to JSON.parse so its error says where it broke.
  return out;
}

/** The first characters of a model answer, on one line, for rejection reasons. */
export function preview(text: string, max = 120): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > max ? `${flat.slice(0, max)}…` : flat;
}
