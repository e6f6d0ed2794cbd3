/** What a source adapter yields for one article file: parsed, not yet stored. */
export interface ParsedArticle {
  /** Path inside the source (`support/windows/…/x.md`, `txt/127/Q127144.TXT`). */
  path: string;
  kb: number | null;
  title: string;
  description: string;
  /** The readable text as written (Markdown with includes resolved, or classic body text); kept per revision for diffs. */
  text: string;
  /** Sanitized HTML of the body, for article pages. */
  bodyHtml: string;
  /** Plain text of the body (what a reader sees), for search and change detection. */
  plainText: string;
  products: string[];
  areas: string[];
  keywords: string[];
  /** ISO date (YYYY-MM-DD) of the last review, if the source says. */
  lastReviewed: string | null;
  url: string | null;
  /** Hash of the file's bytes as read, when the scan knows them: any byte change is at least `metadata`. */
  rawHash?: string;
  /** Every other metadata field (front matter, classic header), for the metadata hash and display. */
  meta: Record<string, unknown>;
}

/** A file that could not be read or parsed: recorded on the scan, never a deletion. */
export interface SourceError {
  path: string;
  message: string;
}

export type ChangeKind = 'new' | 'updated' | 'metadata' | 'moved' | 'removed';

export interface ChangeSummary {
  /** Headings of the sections whose text changed ("(top)" for text before the first heading). */
  sections: string[];
  wordsAdded: number;
  wordsRemoved: number;
  /** Only tiny edits: a few words per place. */
  minor: boolean;
}
