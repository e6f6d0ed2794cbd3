/**
 * Reads what matching needs, once per digest run: the window of alertable changes with their
 * articles, technologies and text, and the active subscriptions. A handful of queries in
 * chunks, whatever the number of users.
 */
import { sql, type Kysely, type Transaction } from 'kysely';
import { chunks, jsonList, parseSummary } from '../store/codec.ts';
import { dialectOf } from '../store/dialect.ts';
import type { Database } from '../store/schema.ts';
import type {
  ActiveSubscription,
  ChangeWindow,
  WindowArticle,
  WindowChange,
  WindowTechnology,
} from './types.ts';

type Db = Kysely<Database>;
const CHUNK = 500;

/** The newest change id: where a new user's watermark starts (they get only what comes after). */
export async function currentWatermark(db: Kysely<Database> | Transaction<Database>): Promise<number> {
  const row = await db
    .selectFrom('changes')
    .select((eb) => eb.fn.max('id').as('max'))
    .executeTakeFirst();
  return Number(row?.max ?? 0);
}

export class HorizonBusyError extends Error {}

/**
 * The highest change id a digest may advance a watermark to. On PostgreSQL a scan may hold ids
 * it has not committed yet, below ids another scan already committed; advancing past them would
 * lose those changes. A SHARE lock waits for every transaction writing `changes` to end, after
 * which no smaller id can appear. SQLite has one writer at a time, so its maximum is safe as is.
 */
export async function changeHorizon(db: Db, lockTimeoutMs = 10_000): Promise<number> {
  if (dialectOf(db) === 'sqlite') return currentWatermark(db);
  try {
    return await db.transaction().execute(async (tx) => {
      await sql.raw(`SET LOCAL lock_timeout = ${Math.max(1, Math.floor(lockTimeoutMs))}`).execute(tx);
      await sql`LOCK TABLE changes IN SHARE MODE`.execute(tx);
      return currentWatermark(tx);
    });
  } catch (err) {
    if ((err as { code?: string }).code === '55P03') {
      throw new HorizonBusyError(
        `match: changes are still being written after ${lockTimeoutMs} ms; digests wait for the next tick`,
      );
    }
    throw err;
  }
}

function push<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

async function loadBodies(db: Db, ids: number[]): Promise<Map<number, string>> {
  const out = new Map<number, string>();
  const idColumn = dialectOf(db) === 'sqlite' ? sql.raw('rowid') : sql.raw('article_id');
  for (const part of chunks(ids, CHUNK)) {
    const rows = await sql<{
      id: number;
      body: string;
    }>`SELECT ${idColumn} AS id, body FROM article_fts WHERE ${idColumn} IN (${sql.join(part)})`.execute(db);
    for (const r of rows.rows) out.set(Number(r.id), r.body);
  }
  return out;
}

/** Alertable (`new`, `updated`) changes with afterId < id ≤ upToId and their live articles. */
export async function loadWindow(
  db: Db,
  afterId: number,
  upToId: number,
  opts: { withBody?: boolean } = {},
): Promise<ChangeWindow> {
  const window: ChangeWindow = {
    afterId,
    upToId,
    articles: new Map(),
    technologies: new Map(),
    byTechnology: new Map(),
  };
  if (upToId <= afterId) return window;
  const changes = await db
    .selectFrom('changes')
    .select(['id', 'article_id', 'kind', 'minor', 'summary'])
    .where('id', '>', afterId)
    .where('id', '<=', upToId)
    .where('kind', 'in', ['new', 'updated'])
    .orderBy('id')
    .execute();
  const byArticle = new Map<number, WindowChange[]>();
  for (const c of changes) {
    push(byArticle, c.article_id, {
      id: c.id,
      articleId: c.article_id,
      kind: c.kind as 'new' | 'updated',
      minor: c.minor === 1,
      summary: parseSummary(c.summary),
    });
  }
  const ids = [...byArticle.keys()];
  const sources = new Map(
    (await db.selectFrom('sources').select(['id', 'name']).execute()).map((s) => [s.id, s.name]),
  );
  const bodies = opts.withBody === false ? new Map<number, string>() : await loadBodies(db, ids);
  const techOf = new Map<number, number[]>();
  const aliases = new Map<number, string[]>();
  for (const part of chunks(ids, CHUNK)) {
    const links = await db
      .selectFrom('article_technologies as at')
      .innerJoin('technologies as t', 't.id', 'at.technology_id')
      .select(['at.article_id', 't.id', 't.slug', 't.name', 't.kind'])
      .where('at.article_id', 'in', part)
      .execute();
    for (const l of links) {
      window.technologies.set(l.id, {
        id: l.id,
        slug: l.slug,
        name: l.name,
        kind: l.kind,
      } satisfies WindowTechnology);
      push(techOf, l.article_id, l.id);
    }
  }
  for (const part of chunks([...window.technologies.keys()], CHUNK)) {
    for (const a of await db
      .selectFrom('technology_aliases')
      .select(['alias', 'technology_id'])
      .where('technology_id', 'in', part)
      .execute()) {
      push(aliases, a.technology_id, a.alias.toLowerCase());
    }
  }
  for (const part of chunks(ids, CHUNK)) {
    const rows = await db
      .selectFrom('articles')
      .select([
        'id',
        'kb',
        'title',
        'description',
        'source_id',
        'path',
        'url',
        'products',
        'areas',
        'keywords',
        'last_reviewed',
        'last_changed',
        'retired',
      ])
      .where('id', 'in', part)
      .execute();
    for (const a of rows) {
      if (a.retired) continue;
      const technologyIds = techOf.get(a.id) ?? [];
      const techNames = technologyIds.flatMap((t) => [
        window.technologies.get(t)!.slug,
        ...(aliases.get(t) ?? []),
      ]);
      const article: WindowArticle = {
        id: a.id,
        kb: a.kb,
        title: a.title,
        sourceId: a.source_id,
        path: a.path,
        url: a.url,
        technologyIds,
        changes: byArticle.get(a.id)!,
        doc: {
          title: a.title,
          description: a.description,
          body: bodies.get(a.id) ?? '',
          products: jsonList(a.products),
          areas: jsonList(a.areas),
          keywords: jsonList(a.keywords),
          technologies: [...new Set(techNames)],
          kb: a.kb,
          source: sources.get(a.source_id) ?? '',
          updated: a.last_changed,
          reviewed: a.last_reviewed,
        },
      };
      window.articles.set(a.id, article);
      for (const t of technologyIds) push(window.byTechnology, t, a.id);
    }
  }
  return window;
}

/** Subscriptions neither paused nor muted, grouped by user, oldest first; only for `userIds` when given. */
export async function loadActiveSubscriptions(
  db: Db,
  userIds?: Set<number>,
): Promise<Map<number, ActiveSubscription[]>> {
  // No join and no ORDER BY: at 300,000 rows both cost more than naming and sorting in memory.
  const names = new Map(
    (await db.selectFrom('technologies').select(['id', 'name']).execute()).map((t) => [t.id, t.name]),
  );
  const rows = await db
    .selectFrom('subscriptions')
    .select(['id', 'user_id', 'kind', 'technology_id', 'query'])
    .where('paused', '=', 0)
    .where('muted', '=', 0)
    .execute();
  const out = new Map<number, ActiveSubscription[]>();
  for (const r of rows) {
    if (userIds && !userIds.has(r.user_id)) continue;
    const label =
      r.kind === 'technology'
        ? (names.get(r.technology_id ?? -1) ?? `technology ${r.technology_id}`)
        : (r.query ?? '');
    push(out, r.user_id, {
      id: r.id,
      userId: r.user_id,
      kind: r.kind,
      technologyId: r.technology_id,
      query: r.query,
      label,
    } satisfies ActiveSubscription);
  }
  for (const list of out.values()) if (list.length > 1) list.sort((a, b) => a.id - b.id);
  return out;
}
