/**
 * The rule that separates `updated` from `metadata`, in one place:
 *
 * - `updated`: the text a reader sees changed: the title or the words of the rendered body
 *   (Markdown rendered to text, whitespace collapsed). Hash: `contentHash`.
 * - `metadata`: the file changed but the reader-visible text did not: front matter (dates,
 *   authors, tags, description), whitespace, line wrapping, or formatting (emphasis, link
 *   targets, list markers). Hash: `metaHash`, over the metadata and the raw text.
 * - `moved`: neither hash changed, only the path.
 */
import { createHash } from 'node:crypto';

export function rawHash(data: Buffer | string): string {
  return createHash('sha1').update(data).digest('hex');
}
import type { ChangeKind, ParsedArticle } from './article.ts';

function sha1(s: string): string {
  return createHash('sha1').update(s).digest('hex');
}

function stable(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(stable).join(',')}]`;
  if (value && typeof value === 'object') {
    return `{${Object.keys(value as object)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${stable((value as Record<string, unknown>)[k])}`)
      .join(',')}}`;
  }
  return JSON.stringify(value ?? null);
}

export function contentHash(a: Pick<ParsedArticle, 'title' | 'plainText'>): string {
  // Sources give plainText with whitespace already collapsed.
  return sha1(`${a.title.replace(/\s+/g, ' ').trim()}\n${a.plainText}`);
}

export function metaHash(a: Pick<ParsedArticle, 'description' | 'meta' | 'text' | 'rawHash'>): string {
  return sha1(`${stable(a.meta)}\n${a.description}\n${a.text}\n${a.rawHash ?? ''}`);
}

/** Classifies an article seen again against its stored state. */
export function classify(
  stored: { contentHash: string; metaHash: string; path: string },
  seen: { contentHash: string; metaHash: string; path: string },
): ChangeKind | 'unchanged' {
  if (stored.contentHash !== seen.contentHash) return 'updated';
  if (stored.metaHash !== seen.metaHash) return 'metadata';
  if (stored.path !== seen.path) return 'moved';
  return 'unchanged';
}

/** KB-style revision numbers: a new article is 1.0, an update bumps the major, metadata the minor. */
export function nextRevision(current: string | null, kind: ChangeKind): string {
  if (!current || kind === 'new') return '1.0';
  const [major, minor] = current.split('.').map((n) => Number.parseInt(n, 10) || 0);
  if (kind === 'updated') return `${major + 1}.0`;
  if (kind === 'metadata') return `${major}.${minor + 1}`;
  return current;
}
