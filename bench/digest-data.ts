/**
 * The data behind the digest benchmark, built once per database: the real support KB ingested
 * at its biggest day, two windows of alertable changes on real articles, and 100,000 users with
 * three subscriptions each (real technologies, weighted by how many articles carry them, and
 * words from real titles).
 *
 * - Window A, the biggest real day: the 330 files that day touched (318 of them moved, which a
 *   real scan would not alert; here all count, as the worst case for matching).
 * - Window B, a busy day of real edits (the biggest day made only of modified articles): what the
 *   users' digests are composed from. Every user's first subscription is a technology of that
 *   day, so every user has a digest to compose.
 */
import type { Context } from '../src/context.ts';
import { addSource } from '../src/scan/sources.ts';
import { scanAll } from '../src/scan/run.ts';
import { currentWatermark } from '../src/store/changes/window.ts';
import { seededRandom } from '../test/smtp-fault-sink.ts';
import { days, gitDiff, repoCopy, type Day } from '../test/shared-kb.ts';

export const USERS = Number(process.env.KBWATCH_BENCH_DIGEST_USERS ?? 100_000);
const ZONES = [
  'UTC',
  'Europe/Berlin',
  'America/New_York',
  'Asia/Kathmandu',
  'Pacific/Honolulu',
  'Asia/Tokyo',
];
const STOP = new Set([
  'with',
  'from',
  'that',
  'this',
  'when',
  'what',
  'does',
  'have',
  'your',
  'after',
  'into',
  'using',
  'cannot',
  'error',
  'issue',
  'issues',
  'about',
  'there',
  'which',
]);

export interface DigestBenchData {
  /** Change ids of window A are in (aFrom, aTo]; of window B in (aTo, bTo]. */
  aFrom: number;
  aTo: number;
  bTo: number;
  /** The tick time at which every user is due. */
  at: string;
  users: number;
  distinctQueries: number;
}

async function articleIds(ctx: Context, sourceId: number, paths: string[]): Promise<number[]> {
  const ids: number[] = [];
  for (let i = 0; i < paths.length; i += 300) {
    const rows = await ctx.store.db
      .selectFrom('article_paths')
      .select('article_id')
      .where('source_id', '=', sourceId)
      .where('path', 'in', paths.slice(i, i + 300))
      .execute();
    ids.push(...rows.map((r) => r.article_id));
  }
  return [...new Set(ids)];
}

async function insertWindow(
  ctx: Context,
  sourceId: number,
  ids: number[],
  fresh: Set<number>,
): Promise<void> {
  const db = ctx.store.db;
  const scan = await db
    .insertInto('scans')
    .values({
      source_id: sourceId,
      started_at: '2026-10-20T03:00:00Z',
      finished_at: '2026-10-20T03:01:00Z',
      from_ref: null,
      to_ref: null,
      status: 'ok',
      counts: '{}',
      message: null,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  const articles = await db
    .selectFrom('articles')
    .select(['id', 'kb', 'title', 'path'])
    .where('id', 'in', ids)
    .execute();
  const rows = articles.map((a, i) => ({
    scan_id: scan.id,
    source_id: sourceId,
    article_id: a.id,
    revision_id: null,
    kind: fresh.has(a.id) ? ('new' as const) : ('updated' as const),
    path: a.path,
    previous_path: null,
    kb: a.kb,
    title: a.title,
    summary: fresh.has(a.id)
      ? null
      : JSON.stringify({
          sections: ['Resolution', 'More information'].slice(0, 1 + (i % 2)),
          wordsAdded: 10 + (i % 90),
          wordsRemoved: i % 20,
          minor: i % 3 === 0,
        }),
    minor: !fresh.has(a.id) && i % 3 === 0 ? 1 : 0,
    detected_at: '2026-10-20T03:00:00Z',
  }));
  for (let i = 0; i < rows.length; i += 200)
    await db
      .insertInto('changes')
      .values(rows.slice(i, i + 200))
      .execute();
}

function weightedPicker<T>(items: T[], weight: (t: T) => number, random: () => number): () => T {
  const cumulative: number[] = [];
  let total = 0;
  for (const it of items) cumulative.push((total += Math.max(1, weight(it))));
  return () => {
    const x = random() * total;
    let lo = 0;
    let hi = cumulative.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (cumulative[mid] < x) lo = mid + 1;
      else hi = mid;
    }
    return items[lo];
  };
}

async function insertUsers(ctx: Context, dayTechs: { id: number; article_count: number }[]): Promise<number> {
  const db = ctx.store.db;
  const random = seededRandom(2026);
  const techs = await db
    .selectFrom('technologies')
    .select(['id', 'article_count'])
    .where('article_count', '>', 0)
    .execute();
  const titles = await db.selectFrom('articles').select('title').execute();
  const words = [
    ...new Set(titles.flatMap((t) => t.title.toLowerCase().match(/[a-z][a-z0-9]{3,}/g) ?? [])),
  ].filter((w) => !STOP.has(w));
  const anyTech = weightedPicker(techs, (t) => t.article_count, random);
  const todayTech = weightedPicker(dayTechs, (t) => t.article_count, random);
  const word = () => words[Math.floor(random() * words.length)];
  const watermark = await currentWatermark(db);
  const queries = new Set<string>();
  for (let start = 0; start < USERS; start += 1000) {
    const n = Math.min(1000, USERS - start);
    const users = Array.from({ length: n }, (_, i) => ({
      email: `user${start + i}@bench.example`,
      password_hash: null,
      confirmed_at: '2026-10-01T00:00:00Z',
      is_admin: 0,
      time_zone: ZONES[(start + i) % ZONES.length],
      digest_hour: 0,
      cadence: 'daily' as const,
      include_minor: (start + i) % 4 === 0 ? 0 : 1,
      watermark,
      suppressed_at: null,
      hard_bounces: 0,
      created_at: '2026-10-01T00:00:00Z',
    }));
    const ids = await db.insertInto('users').values(users).returning('id').execute();
    const subs = ids.flatMap(({ id }) => {
      const query = random() < 0.5 ? word() : `${word()} ${word()}`;
      queries.add(query);
      const base = { user_id: id, paused: 0, muted: 0, created_at: '2026-10-01T00:00:00Z' };
      return [
        { ...base, kind: 'technology' as const, technology_id: todayTech().id, query: null },
        { ...base, kind: 'technology' as const, technology_id: anyTech().id, query: null },
        { ...base, kind: 'query' as const, technology_id: null, query },
      ];
    });
    for (let i = 0; i < subs.length; i += 1000)
      await db
        .insertInto('subscriptions')
        .values(subs.slice(i, i + 1000))
        .execute();
  }
  return queries.size;
}

/** Builds the benchmark data in an empty, migrated store. */
export async function buildDigestBenchData(ctx: Context): Promise<DigestBenchData> {
  const repo = repoCopy('support-articles.git');
  const timeline: Day[] = days(repo);
  const sizes = timeline
    .slice(1)
    .map((d, i) => ({ prev: timeline[i], day: d, diff: gitDiff(repo, timeline[i].commit, d.commit) }));
  const biggest = sizes.reduce((a, b) => (b.diff.length > a.diff.length ? b : a));
  const edits = sizes
    .filter((s) => s.diff.length > 0 && s.diff.every((c) => c.status === 'M'))
    .reduce((a, b) => (b.diff.length > a.diff.length ? b : a));
  const source = await addSource(ctx, {
    kind: 'git',
    name: 'support',
    location: `file://${repo}`,
    options: { path: 'support/', urlTemplate: 'learn-support' },
  });
  await scanAll(ctx, { ref: timeline[timeline.length - 1].commit });

  const aFrom = await currentWatermark(ctx.store.db);
  const aIds = await articleIds(
    ctx,
    source.id,
    biggest.diff.map((c) => c.path),
  );
  await insertWindow(
    ctx,
    source.id,
    aIds,
    new Set(
      await articleIds(
        ctx,
        source.id,
        biggest.diff.filter((c) => c.status === 'A').map((c) => c.path),
      ),
    ),
  );
  const aTo = await currentWatermark(ctx.store.db);
  const bIds = await articleIds(
    ctx,
    source.id,
    edits.diff.map((c) => c.path),
  );
  await insertWindow(ctx, source.id, bIds, new Set());
  const bTo = await currentWatermark(ctx.store.db);

  const dayTechs = await ctx.store.db
    .selectFrom('article_technologies as at')
    .innerJoin('technologies as t', 't.id', 'at.technology_id')
    .select(['t.id', 't.article_count'])
    .where('at.article_id', 'in', bIds)
    .groupBy(['t.id', 't.article_count'])
    .execute();
  const distinctQueries = await insertUsers(ctx, dayTechs);
  await ctx.store.db.updateTable('users').set({ watermark: aTo }).execute();
  return { aFrom, aTo, bTo, at: '2026-10-20T23:59:00Z', users: USERS, distinctQueries };
}
