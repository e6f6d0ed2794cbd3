/**
 * The counts the admin overview shows, across tables: live articles, active and failing
 * sources, users, feedback waiting for moderation, and digests queued or failed.
 */
import type { Kysely, Transaction } from 'kysely';
import type { Database } from './schema.ts';

type Db = Kysely<Database> | Transaction<Database>;

export interface OverviewCounts {
  liveArticles: number;
  activeSources: number;
  /** Active sources whose last scan failed. */
  failingSources: number;
  users: number;
  pendingFeedback: number;
  queuedDigests: number;
  failedDigests: number;
}

type Counted = { executeTakeFirstOrThrow(): Promise<{ n: number | string | bigint }> };

async function n(query: Counted): Promise<number> {
  return Number((await query.executeTakeFirstOrThrow()).n);
}

export async function overviewCounts(db: Db): Promise<OverviewCounts> {
  const sources = db
    .selectFrom('sources')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('enabled', '=', 1);
  const digests = (status: 'queued' | 'failed') =>
    db
      .selectFrom('digests')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('status', '=', status);
  const [liveArticles, activeSources, failingSources, users, pendingFeedback, queuedDigests, failedDigests] =
    await Promise.all([
      n(
        db
          .selectFrom('articles')
          .select((eb) => eb.fn.countAll<number>().as('n'))
          .where('retired', '=', 0),
      ),
      n(sources),
      n(sources.where('last_error', 'is not', null)),
      n(db.selectFrom('users').select((eb) => eb.fn.countAll<number>().as('n'))),
      n(
        db
          .selectFrom('feedback')
          .select((eb) => eb.fn.countAll<number>().as('n'))
          .where('status', '=', 'pending'),
      ),
      n(digests('queued')),
      n(digests('failed')),
    ]);
  return {
    liveArticles,
    activeSources,
    failingSources,
    users,
    pendingFeedback,
    queuedDigests,
    failedDigests,
  };
}
