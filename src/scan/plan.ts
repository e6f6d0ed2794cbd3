/**
 * The contract between a source adapter's planner (git-plan.ts, classic-plan.ts) and the scan:
 * what a scan will read, in batches, and what it will find gone.
 */
import type { ParsedArticle, SourceError as FileError } from '../model/article.ts';

/** A file the scan read and parsed. */
export interface Seen {
  article: ParsedArticle;
  /** The path git says this file had before (a rename). */
  previousPath?: string;
}

/** One batch of files: the parsed ones and those that could not be read or parsed. */
export interface ScanBatch {
  seen: Seen[];
  errors: FileError[];
}

/**
 * What a source adapter plans for one scan: the target ref, the files seen (parsed lazily in
 * batches) and the paths gone. `batches` yields so memory stays flat on big sources.
 */
export interface ScanPlan {
  ref: string | null;
  /** Where the source's cursor moves once everything is applied. */
  cursor: string | null;
  /** Files to read, when known up front (progress); 0 when not. */
  total: number;
  batches: AsyncIterable<ScanBatch>;
  /** Paths deleted or renamed away; resolved after every file is read for full scans. */
  gone(): string[];
  /** Paths deleted in this scan: a KB number leaving one of them for a new path is a move. */
  leaving: Set<string>;
  /** What the planner had to work around (a diff that failed, so every file is read): kept on the run. */
  warnings?: string[];
}

/** The plan of a source already at `cursor`: nothing to read, nothing gone. */
export function emptyPlan(cursor: string): ScanPlan {
  return {
    ref: cursor,
    cursor,
    total: 0,
    batches: (async function* () {})(),
    gone: () => [],
    leaving: new Set(),
  };
}
