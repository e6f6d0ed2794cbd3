/**
 * Row types of every table, as Kysely sees them. Times are ISO-8601 UTC strings on both
 * databases (they sort as text); JSON columns are text holding JSON; booleans are 0/1 integers.
 */
import type { Generated, Insertable, Selectable, Updateable } from 'kysely';

export interface SourceTable {
  id: Generated<number>;
  name: string;
  kind: 'git' | 'classic';
  location: string;
  /** JSON: { path?, branch?, urlTemplate? } */
  options: string;
  /** Last scanned commit (git) or content fingerprint (classic). Advances only with the data. */
  cursor: string | null;
  enabled: number;
  last_scan_at: string | null;
  last_success_at: string | null;
  last_error: string | null;
  error_count: number;
  created_at: string;
}

export interface ArticleTable {
  id: Generated<number>;
  /** `kb:<number>` or `<source id>:<path>`: the identity that survives moves. */
  key: string;
  kb: number | null;
  /** The source whose text the article shows (git wins over classic for one KB number). */
  source_id: number;
  path: string;
  url: string | null;
  title: string;
  description: string;
  body_html: string;
  /** JSON string arrays. */
  products: string;
  areas: string;
  keywords: string;
  last_reviewed: string | null;
  first_seen: string;
  last_changed: string;
  revision: string;
  revision_count: number;
  content_hash: string;
  meta_hash: string;
  retired: number;
}

export interface ArticlePathTable {
  source_id: number;
  path: string;
  article_id: number;
  current: number;
}

export interface RevisionTable {
  id: Generated<number>;
  article_id: number;
  source_id: number;
  number: string;
  path: string;
  ref: string | null;
  seen_at: string;
  title: string;
  description: string;
  /** The article's readable text (Markdown body or classic text), for diffs. */
  text: string;
  /** JSON of the metadata fields at this revision. */
  meta: string;
  content_hash: string;
  meta_hash: string;
}

export interface ChangeTable {
  id: Generated<number>;
  scan_id: number;
  source_id: number;
  article_id: number;
  revision_id: number | null;
  kind: 'new' | 'updated' | 'metadata' | 'moved' | 'removed';
  path: string;
  previous_path: string | null;
  kb: number | null;
  title: string;
  /** JSON ChangeSummary or null. */
  summary: string | null;
  minor: number;
  detected_at: string;
}

export interface ScanTable {
  id: Generated<number>;
  source_id: number;
  started_at: string;
  finished_at: string | null;
  from_ref: string | null;
  to_ref: string | null;
  status: 'running' | 'ok' | 'failed';
  counts: string;
  message: string | null;
}

export interface ScanErrorTable {
  id: Generated<number>;
  scan_id: number;
  source_id: number;
  path: string;
  message: string;
  at: string;
}

export interface TechnologyTable {
  id: Generated<number>;
  slug: string;
  name: string;
  kind: 'product' | 'area' | 'keyword';
  article_count: number;
}

export interface TechnologyAliasTable {
  alias: string;
  technology_id: number;
}

export interface ArticleTechnologyTable {
  article_id: number;
  technology_id: number;
}

export interface ArticleFtsTable {
  rowid?: number;
  article_id?: number;
  title: string;
  description: string;
  body: string;
}

export interface UserTable {
  id: Generated<number>;
  email: string;
  password_hash: string | null;
  confirmed_at: string | null;
  is_admin: number;
  time_zone: string;
  digest_hour: number;
  cadence: 'daily' | 'weekly';
  include_minor: number;
  watermark: number;
  suppressed_at: string | null;
  hard_bounces: number;
  created_at: string;
}

export interface SessionTable {
  id_hash: string;
  user_id: number;
  csrf: string;
  created_at: string;
  expires_at: string;
}

export interface TokenTable {
  hash: string;
  user_id: number;
  purpose: string;
  data: string | null;
  created_at: string;
  expires_at: string;
  used_at: string | null;
}

export interface SubscriptionTable {
  id: Generated<number>;
  user_id: number;
  kind: 'technology' | 'query';
  technology_id: number | null;
  query: string | null;
  paused: number;
  muted: number;
  created_at: string;
}

export interface DigestTable {
  id: Generated<number>;
  user_id: number;
  period: string;
  status: 'queued' | 'sending' | 'sent' | 'failed' | 'suppressed';
  to_address: string;
  message_id: string;
  subject: string;
  text_body: string;
  html_body: string;
  headers: string;
  items: string;
  item_count: number;
  from_change_id: number;
  to_change_id: number;
  attempts: number;
  next_attempt_at: string | null;
  lease_until: string | null;
  /** The claim that holds the row while `sending`: every outcome is written under it. */
  lease_token: string | null;
  /** Sends whose outcome was unknown (connection lost before the reply); each was retried. */
  ambiguous: Generated<number>;
  last_error: string | null;
  created_at: string;
  sent_at: string | null;
}

/** A digest's mail bodies, apart from its often-updated outbox row. */
export interface DigestBodyTable {
  digest_id: number;
  text_body: string;
  html_body: string;
}

export interface RateLimitTable {
  bucket: string;
  count: number;
  reset_at: string;
}

export interface FeedbackTable {
  id: Generated<number>;
  article_id: number;
  user_id: number | null;
  name: string;
  /** A public URL or an e-mail address, as given; shown only when it is an http(s) URL. */
  contact: string;
  body: string;
  status: 'pending' | 'approved' | 'rejected';
  created_at: string;
  /** Keyed hash of the poster's IP address. */
  ip_hash: string;
}

/** A named lock held by one process until it expires; renewed by its owner's heartbeat. */
export interface LeaseTable {
  name: string;
  owner: string;
  token: string;
  acquired_at: string;
  heartbeat_at: string;
  expires_at: string;
}

/** One row per (job, scheduled time): the process that inserts it runs that tick. */
export interface JobTickTable {
  job: string;
  tick: string;
  owner: string;
  claimed_at: string;
}

export interface Database {
  sources: SourceTable;
  articles: ArticleTable;
  article_paths: ArticlePathTable;
  revisions: RevisionTable;
  changes: ChangeTable;
  scans: ScanTable;
  scan_errors: ScanErrorTable;
  technologies: TechnologyTable;
  technology_aliases: TechnologyAliasTable;
  article_technologies: ArticleTechnologyTable;
  article_fts: ArticleFtsTable;
  users: UserTable;
  sessions: SessionTable;
  tokens: TokenTable;
  subscriptions: SubscriptionTable;
  digests: DigestTable;
  digest_bodies: DigestBodyTable;
  rate_limits: RateLimitTable;
  feedback: FeedbackTable;
  leases: LeaseTable;
  job_ticks: JobTickTable;
}

export type Source = Selectable<SourceTable>;
export type NewSource = Insertable<SourceTable>;
export type Article = Selectable<ArticleTable>;
export type NewArticle = Insertable<ArticleTable>;
export type ArticleUpdate = Updateable<ArticleTable>;
export type Revision = Selectable<RevisionTable>;
export type Change = Selectable<ChangeTable>;
export type Scan = Selectable<ScanTable>;
export type Technology = Selectable<TechnologyTable>;
export type User = Selectable<UserTable>;
export type Subscription = Selectable<SubscriptionTable>;
export type Digest = Selectable<DigestTable>;
export type Feedback = Selectable<FeedbackTable>;
