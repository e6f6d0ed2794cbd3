/**
 * What an `updated` change changed: the sections touched and the words added and removed,
 * and whether the update is minor (only tiny edits, a few words per place).
 */
import { diffArrays } from 'diff';
import type { ChangeSummary } from '../model/article.ts';

/** Words a reader sees in Markdown or plain text: markup, link targets and punctuation dropped. */
export function readableWords(text: string): string[] {
  return text
    .replace(/^---\n[\s\S]*?\n---\n/, '')
    .replace(/\]\([^)]*\)/g, ']')
    .replace(/<[^>]+>/g, ' ')
    .replace(/&nbsp;/g, ' ')
    .replace(/[*_`#>|[\]!~]+/g, ' ')
    .split(/\s+/)
    .filter((w) => /[\p{L}\p{N}]/u.test(w));
}

/** Splits text into sections keyed by heading (Markdown `#` lines); text before the first is "(top)". */
export function sections(text: string): Map<string, string[]> {
  const out = new Map<string, string[]>();
  let heading = '(top)';
  let lines: string[] = [];
  const flush = () => {
    const key = out.has(heading) ? `${heading} (${out.size})` : heading;
    out.set(key, readableWords(lines.join('\n')));
  };
  for (const line of text.replace(/^---\n[\s\S]*?\n---\n/, '').split('\n')) {
    const m = /^#{1,6}\s+(.+?)\s*#*\s*$/.exec(line);
    if (m) {
      flush();
      heading = m[1].replace(/[*_`]/g, '');
      lines = [];
    } else lines.push(line);
  }
  flush();
  return out;
}

/** A place counts as tiny when it changes at most this many words on each side. */
export const MINOR_WORDS_PER_PLACE = 5;

export function summarizeChange(before: string, after: string): ChangeSummary {
  const a = sections(before);
  const b = sections(after);
  const touched: string[] = [];
  for (const [name, words] of b) {
    const old = a.get(name);
    if (!old || old.join(' ') !== words.join(' ')) touched.push(name);
  }
  for (const name of a.keys()) if (!b.has(name)) touched.push(name);

  let added = 0;
  let removed = 0;
  let minor = true;
  let placeAdded = 0;
  let placeRemoved = 0;
  const closePlace = () => {
    if (placeAdded > MINOR_WORDS_PER_PLACE || placeRemoved > MINOR_WORDS_PER_PLACE) minor = false;
    placeAdded = 0;
    placeRemoved = 0;
  };
  for (const part of diffArrays(readableWords(before), readableWords(after))) {
    if (part.added) {
      added += part.value.length;
      placeAdded += part.value.length;
    } else if (part.removed) {
      removed += part.value.length;
      placeRemoved += part.value.length;
    } else closePlace();
  }
  closePlace();
  // A new or deleted section is never minor, nor is an update with no word-level change at all.
  const structural = [...b.keys()].some((k) => !a.has(k)) || [...a.keys()].some((k) => !b.has(k));
  if (structural || added + removed === 0) minor = false;
  return { sections: touched, wordsAdded: added, wordsRemoved: removed, minor };
}
