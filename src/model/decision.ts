/**
 * What a scan decided about each file it saw and each path it lost, before anything is written:
 * the kind of change, with everything the store needs to write it. `scan/classify.ts` makes
 * decisions from the stored state (no database access); `store/changes/record.ts` writes a batch
 * of them in one go.
 */
import type { ChangeKind, ChangeSummary, ParsedArticle } from './article.ts';

export interface Hashes {
  /** What a reader sees: title and rendered text (see model/change.ts). */
  contentHash: string;
  /** Everything else the file holds: metadata, raw text and bytes. */
  metaHash: string;
}

/** A path of a source; an article's old path is kept as an alias that redirects. */
export interface SourcePath {
  sourceId: number;
  path: string;
}

/** The file is the stored article as it is: nothing to write. */
export interface Unchanged {
  kind: 'unchanged';
  article: ParsedArticle;
  articleId: number;
}

/**
 * Another source's text of an article a higher-ranked source shows (classic after git): the path
 * points at the article and the text is kept as an earlier revision, with no alert.
 */
export interface Attach {
  kind: 'attach';
  article: ParsedArticle;
  hashes: Hashes;
  articleId: number;
  /** The revision number the text is kept under; null when this text is kept already. */
  keepAs: string | null;
}

/** A file no stored article is: a new article under `key` (`kb:<number>` or `<source id>:<path>`). */
export interface Fresh {
  kind: 'new';
  origin: 'fresh';
  article: ParsedArticle;
  hashes: Hashes;
  key: string;
}

/** A stored article written again with the file's text. */
interface Rewrite {
  article: ParsedArticle;
  hashes: Hashes;
  articleId: number;
  /** The article's revision number after this change. */
  revision: string;
  revisionCount: number;
  /** The path the article had before, when it changed. */
  previousPath: SourcePath | null;
}

/** A stored article back after removal, or taken over from a lower-ranked source: alerted as new. */
export interface Revived extends Rewrite {
  kind: 'new';
  origin: 'returned' | 'takeover';
}

export interface Updated extends Rewrite {
  kind: 'updated';
  summary: ChangeSummary;
}

export interface MetadataOnly extends Rewrite {
  kind: 'metadata';
}

export interface Moved extends Rewrite {
  kind: 'moved';
  previousPath: SourcePath;
}

/** A path gone from its source whose article is retired (kept, never deleted). */
export interface Removed {
  kind: 'removed';
  articleId: number;
  path: string;
  kb: number | null;
  title: string;
}

/**
 * A path gone from its source whose article lives on elsewhere (moved away in this scan, removed
 * before, or shown from another source): the path stays only as an alias.
 */
export interface Left {
  kind: 'left';
  articleId: number;
  path: string;
}

export type SeenDecision = Unchanged | Attach | Fresh | Revived | Updated | MetadataOnly | Moved;
export type GoneDecision = Removed | Left;
export type Decision = SeenDecision | GoneDecision;

/** A change as a scan reports it (and as `changes` holds it). */
export interface ChangeRecord {
  kind: ChangeKind;
  path: string;
  previousPath: string | null;
  kb: number | null;
  title: string;
  articleId: number;
}
