/**
 * A readable diff of two revision texts as escaped HTML: lines are compared first, then the
 * words inside each changed block, shown as <ins>/<del>. Long unchanged stretches are folded
 * to a few lines of context.
 */
import { diffLines, diffWords, type ChangeObject } from 'diff';
import { html, type SafeHtml } from './html.ts';

const CONTEXT_LINES = 3;
/** Texts longer than this are compared line by line only (word diffs of huge blocks are slow). */
const WORD_DIFF_MAX = 20_000;

export interface RenderedDiff {
  html: SafeHtml;
  wordsAdded: number;
  wordsRemoved: number;
  /** False when the texts are identical. */
  changed: boolean;
}

function countWords(text: string): number {
  return text.split(/\s+/).filter((w) => /[\p{L}\p{N}]/u.test(w)).length;
}

function lines(text: string): string[] {
  const out = text.split('\n');
  if (out[out.length - 1] === '') out.pop();
  return out;
}

/** An unchanged block: all of it when short, else context on the sides that touch a change. */
function unchanged(value: string, first: boolean, last: boolean): SafeHtml {
  const ls = lines(value);
  const head = first ? 0 : CONTEXT_LINES;
  const tail = last ? 0 : CONTEXT_LINES;
  if (ls.length <= head + tail + 1) return html`${value}`;
  const hidden = ls.length - head - tail;
  const before = ls
    .slice(0, head)
    .map((l) => `${l}\n`)
    .join('');
  const after = ls
    .slice(ls.length - tail)
    .map((l) => `${l}\n`)
    .join('');
  return html`${before}<span class="skip">… ${hidden.toLocaleString('en-US')} unchanged line${hidden === 1 ? '' : 's'} …</span>${after}`;
}

function changedBlock(removed: string, added: string, counts: { added: number; removed: number }): SafeHtml {
  if (removed && added && removed.length + added.length <= WORD_DIFF_MAX) {
    return html`${diffWords(removed, added).map((p) => piece(p, counts))}`;
  }
  return html`${removed ? piece({ value: removed, removed: true, added: false, count: 0 }, counts) : ''}${added ? piece({ value: added, added: true, removed: false, count: 0 }, counts) : ''}`;
}

function piece(p: ChangeObject<string>, counts: { added: number; removed: number }): SafeHtml {
  if (p.added) {
    counts.added += countWords(p.value);
    return html`<ins>${p.value}</ins>`;
  }
  if (p.removed) {
    counts.removed += countWords(p.value);
    return html`<del>${p.value}</del>`;
  }
  return html`${p.value}`;
}

export function renderDiff(before: string, after: string): RenderedDiff {
  const a = before.endsWith('\n') ? before : `${before}\n`;
  const b = after.endsWith('\n') ? after : `${after}\n`;
  const counts = { added: 0, removed: 0 };
  // diffLines gives up (undefined) on pathological inputs; then everything is one change.
  const parts = diffLines(a, b, { timeout: 2000 }) ?? [
    { value: a, removed: true, added: false, count: 0 },
    { value: b, added: true, removed: false, count: 0 },
  ];
  const out: SafeHtml[] = [];
  for (let i = 0; i < parts.length; i++) {
    const p = parts[i];
    if (!p.added && !p.removed) {
      out.push(unchanged(p.value, i === 0, i === parts.length - 1));
    } else if (p.removed && parts[i + 1]?.added) {
      out.push(changedBlock(p.value, parts[i + 1].value, counts));
      i++;
    } else {
      out.push(changedBlock(p.removed ? p.value : '', p.added ? p.value : '', counts));
    }
  }
  const changed = parts.some((p) => p.added || p.removed);
  return {
    html: html`<div class="diff">${out}</div>`,
    wordsAdded: counts.added,
    wordsRemoved: counts.removed,
    changed,
  };
}
