/**
 * The one interface between the shared search planner and pager and a database's full-text
 * engine: SQLite FTS5 (`sqlite-fts5.ts`) or PostgreSQL tsquery (`postgres-tsquery.ts`). Each
 * implementation compiles the full-text part of a query tree itself and holds its ranking
 * weights; the planner picks one per store and never asks which database it runs on.
 */
import type { RawBuilder } from 'kysely';
import type { Query } from '../../query/index.ts';

export type Sql = RawBuilder<unknown>;

/** An article's snippet as the database marks it (null without hits), with fallbacks. */
export interface SnippetRow {
  id: number;
  snippet: string | null;
  description: string;
  body: string;
}

export interface SearchDialect {
  /** Whether one full-text expression (one MATCH, one tsquery) can answer `q`. */
  expresses(q: Query): boolean;
  /** `a.id IN (…)`: the articles matching a tree that `expresses` accepts, the index answering once. */
  matches(q: Query): Sql;
  /**
   * `SELECT id, score` of the articles matching `text` (a tree that `expresses` accepts) and
   * every condition of `where` over `articles a`. With `rows` the article rows are joined, as
   * the conditions read their columns; without, the conditions read only `a.id`. The score is
   * the rank (higher is better) when `ranked`, else 0.
   */
  hits(text: Query, where: Sql[], rows: boolean): (ranked: boolean) => Sql;
  /** `column IN (ids)` with the ids as one bound value, however many there are. */
  inIds(column: Sql, ids: number[]): Sql;
  /** The snippet rows of the given articles, hits of `text` marked with START and STOP (highlight.ts). */
  snippets(ids: number[], text: Query | null): RawBuilder<SnippetRow>;
}
