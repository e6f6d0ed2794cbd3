/**
 * The plain full-text baseline the search benchmark compares `search()` against: all words
 * required, ranked with the same weights as search, no joins, filters or snippets.
 */
import { sql } from 'kysely';
import type { Store } from '../src/store/db.ts';
import { TS_RANK_WEIGHTS } from '../src/store/search/postgres-tsquery.ts';
import { BM25_WEIGHTS } from '../src/store/search/sqlite-fts5.ts';
import { indexTokens } from '../src/query/index.ts';

/** Article ids matching every word, best first. */
export async function rawFtsQuery(store: Store, words: string[], limit = 20): Promise<number[]> {
  const pieces = words.flatMap(indexTokens);
  if (pieces.length === 0) return [];
  const query =
    store.dialect === 'sqlite'
      ? sql<{
          id: number;
        }>`SELECT rowid AS id FROM article_fts WHERE article_fts MATCH ${pieces.map((p) => `"${p}"`).join(' AND ')}
          ORDER BY bm25(article_fts, ${BM25_WEIGHTS}) LIMIT ${limit}`
      : sql<{
          id: number;
        }>`SELECT article_id AS id FROM article_fts WHERE tsv @@ plainto_tsquery('english', ${pieces.join(' ')})
          ORDER BY ts_rank(${TS_RANK_WEIGHTS}, tsv, plainto_tsquery('english', ${pieces.join(' ')})) DESC LIMIT ${limit}`;
  const { rows } = await query.execute(store.db);
  return rows.map((r) => r.id);
}
