/**
 * What the home and technology pages list: the latest new and updated articles (one per
 * article) and the most popular technologies. Other reads of technologies are in
 * technology-read.ts.
 */
import type { Kysely } from 'kysely';
import type { Database, Technology } from './schema.ts';

export interface LatestChange {
  changeId: number;
  articleId: number;
  kind: 'new' | 'updated';
  detectedAt: string;
  minor: boolean;
  /** JSON ChangeSummary or null. */
  summary: string | null;
  kb: number | null;
  path: string;
  title: string;
  retired: boolean;
}

/**
 * The latest `new` and `updated` changes, newest first, one per article (its latest), of all
 * articles or of one technology's.
 */
export async function latestChanges(
  db: Kysely<Database>,
  opts: { limit?: number; technology?: Pick<Technology, 'id' | 'article_count'> } = {},
): Promise<LatestChange[]> {
  const limit = opts.limit ?? 15;
  let q = db
    .selectFrom('changes as c')
    .innerJoin('articles as a', 'a.id', 'c.article_id')
    .select(['c.id as change_id', 'c.article_id', 'c.kind', 'c.detected_at', 'c.minor', 'c.summary'])
    .select(['a.kb', 'a.path', 'a.title', 'a.retired'])
    .where('c.kind', 'in', ['new', 'updated']);
  const tech = opts.technology;
  if (tech && tech.article_count < 2000) {
    // A small technology: start from its articles (a newest-first scan of all changes would
    // pass thousands of other articles' changes before finding enough of its own).
    q = q.where('c.article_id', 'in', (eb) =>
      eb
        .selectFrom('article_technologies as at')
        .select('at.article_id')
        .where('at.technology_id', '=', tech.id),
    );
  } else if (tech) {
    // A big one: its changes are frequent, so the newest-first scan stops early.
    q = q.where((eb) =>
      eb.exists(
        eb
          .selectFrom('article_technologies as at')
          .select('at.article_id')
          .whereRef('at.article_id', '=', 'c.article_id')
          .where('at.technology_id', '=', tech.id),
      ),
    );
  }
  // Fetch a few extra rows so that an article changed twice still leaves `limit` distinct ones.
  const rows = await q
    .orderBy('c.id', 'desc')
    .limit(limit * 3)
    .execute();
  return firstPerArticle(rows, limit).map((r) => ({
    changeId: r.change_id,
    articleId: r.article_id,
    kind: r.kind as 'new' | 'updated',
    detectedAt: r.detected_at,
    minor: Number(r.minor) !== 0,
    summary: r.summary,
    kb: r.kb,
    path: r.path,
    title: r.title,
    retired: Number(r.retired) !== 0,
  }));
}

/** The first row of each article, up to `limit` rows. */
function firstPerArticle<T extends { article_id: number }>(rows: T[], limit: number): T[] {
  const seen = new Set<number>();
  const out: T[] = [];
  for (const r of rows) {
    if (out.length >= limit) break;
    if (seen.has(r.article_id)) continue;
    seen.add(r.article_id);
    out.push(r);
  }
  return out;
}

export function popularTechnologies(db: Kysely<Database>, limit = 24): Promise<Technology[]> {
  return db
    .selectFrom('technologies')
    .selectAll()
    .where('article_count', '>', 0)
    .orderBy('article_count', 'desc')
    .orderBy('name')
    .limit(limit)
    .execute();
}
