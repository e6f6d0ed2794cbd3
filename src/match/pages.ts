/**
 * The change window of a digest tick, read in pages rather than whole: a user back after six
 * months must not pull six months of articles into memory, and neither must everyone else.
 *
 * Pages walk down from the horizon, `pageSize` alertable changes each. A page holds the articles
 * whose newest alertable change (up to the horizon) falls inside it, each with every one of its
 * changes above the walk's start, so an article is one item, merged over all its changes, in
 * exactly one page of a walk. Articles come without bodies; the bodies of one page are read (in
 * chunks) only when saved queries are evaluated against it.
 *
 * The last page read is kept, with its word index and query results: the next batch of users,
 * whose window usually starts at the same change, reuses it instead of reading it again.
 */
import type { Kysely } from 'kysely';
import { alertableChangesOf, windowPageChanges } from '../store/changes/window-pages.ts';
import { sourceNames } from '../store/changes/window.ts';
import type { Database } from '../store/schema.ts';
import { ItemCache, QueryEvaluator, type QueryHits } from './match.ts';
import type { ChangeWindow } from './types.ts';
import { loadBodies, windowOf } from './window.ts';

/** Alertable changes per page, by default: the biggest real day (330) fits in one. */
export const WINDOW_PAGE_SIZE = 500;
/** Query results remembered per page; past this the memo starts again. */
const MEMO_LIMIT = 20_000;
const NO_HITS: ReadonlySet<number> = new Set();

export interface WindowPage {
  /** The page covers the alertable changes with lo < id ≤ hi. */
  readonly lo: number;
  readonly hi: number;
  /** Its articles, each with its changes above `window.afterId` up to the horizon. */
  readonly window: ChangeWindow;
  /** Items of its articles, shared by every user matched against the page. */
  readonly cache: ItemCache;
}

class LoadedPage implements WindowPage {
  readonly cache: ItemCache;
  evaluator: QueryEvaluator | null = null;
  /** Query text → the page's articles it matches, or the parser's message. */
  readonly memo = new Map<string, ReadonlySet<number> | string>();

  constructor(
    readonly lo: number,
    readonly hi: number,
    readonly window: ChangeWindow,
  ) {
    this.cache = new ItemCache(window);
  }
}

export class WindowReader {
  private kept: LoadedPage | null = null;
  private sources: Map<number, string> | null = null;
  /** Pages read from the database (pages reused are not counted). */
  pagesRead = 0;

  constructor(
    private readonly db: Kysely<Database>,
    /** The newest change id of the tick: every page's articles end here. */
    readonly horizon: number,
    private readonly pageSize = WINDOW_PAGE_SIZE,
  ) {
    if (!(pageSize >= 1)) throw new RangeError(`match: window page size must be at least 1, not ${pageSize}`);
  }

  /** The pages covering the changes with afterId < id ≤ horizon, newest first. */
  async *pages(afterId: number): AsyncGenerator<WindowPage> {
    for (let hi = this.horizon; hi > afterId;) {
      const page = await this.page(afterId, hi);
      yield page;
      hi = page.lo;
    }
  }

  private async page(afterId: number, hi: number): Promise<LoadedPage> {
    const kept = this.kept;
    // A page read from an earlier start holds every change this walk needs, and a few more.
    if (kept && kept.hi === hi && kept.window.afterId <= afterId) return kept;
    this.kept = null;
    const rows = await windowPageChanges(this.db, afterId, hi, this.pageSize);
    const lo = rows.length < this.pageSize ? afterId : rows[rows.length - 1].id - 1;
    const articleIds = [...new Set(rows.map((r) => r.articleId))];
    const all = await alertableChangesOf(this.db, articleIds, afterId, this.horizon);
    // An article changed again above the page belongs to the page of its newest change.
    const newer = new Set(all.filter((c) => c.id > hi).map((c) => c.articleId));
    const changes = all.filter((c) => !newer.has(c.articleId));
    this.sources ??= await sourceNames(this.db);
    const window = await windowOf(this.db, {
      afterId,
      upToId: this.horizon,
      changes,
      sources: this.sources,
      withBody: false,
    });
    this.pagesRead++;
    this.kept = new LoadedPage(lo, hi, window);
    return this.kept;
  }

  /**
   * What each query matches among the page's articles. The page's bodies are read the first
   * time a query is evaluated against it, and each query text is evaluated once per page.
   */
  async hits(page: WindowPage, queries: Iterable<string>): Promise<QueryHits> {
    const p = page as LoadedPage;
    const wanted = [...new Set(queries)];
    let todo = wanted.filter((q) => !p.memo.has(q));
    if (todo.length > 0 && p.memo.size + todo.length > MEMO_LIMIT) {
      p.memo.clear();
      todo = wanted;
    }
    if (todo.length > 0) {
      if (!p.evaluator) {
        await loadBodies(this.db, p.window);
        p.evaluator = new QueryEvaluator(p.window.articles.values());
      }
      const r = p.evaluator.evaluate(todo);
      for (const q of todo) p.memo.set(q, r.invalid.get(q) ?? r.hits.get(q) ?? NO_HITS);
    }
    const out: QueryHits = { hits: new Map(), invalid: new Map() };
    for (const q of wanted) {
      const found = p.memo.get(q)!;
      if (typeof found === 'string') out.invalid.set(q, found);
      else if (found.size > 0) out.hits.set(q, found as Set<number>);
    }
    return out;
  }
}
