/**
 * A site for the public page tests, on top of test/api-factories.ts: a modern article that was
 * previously a classic Q-article (three revisions), an article without a KB number that moved,
 * one that mentions KB307175, a retired one, one full of hostile markup with hostile feedback,
 * and a page's worth of search results.
 */
import type { Kysely } from 'kysely';
import type { Database } from '../src/store/schema.ts';
import {
  insertArticle,
  insertChange,
  insertRevision,
  insertScan,
  insertSource,
  insertTechnology,
} from './api-factories.ts';

type Db = Kysely<Database>;

export const HOSTILE = {
  title: '<script>alert("title")</script> & <b>bold</b> "quotes"',
  text: '<script>alert(\'revision\')</script> <a href="javascript:alert(1)">click</a>',
  product: '<img src=x onerror=alert(1)>',
  feedback: "<script>alert('feedback')</script> <a href='javascript:alert(2)'>x</a>",
  url: 'javascript:alert(3)',
};

export async function insertClassicSource(db: Db, name = 'classic-kb'): Promise<number> {
  const row = await db
    .insertInto('sources')
    .values({
      name,
      kind: 'classic',
      location: '/data/classic',
      options: '{}',
      cursor: null,
      enabled: 1,
      last_scan_at: null,
      last_success_at: null,
      last_error: null,
      error_count: 0,
      created_at: '2024-01-01T00:00:00.000Z',
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}

export async function insertPath(
  db: Db,
  p: { sourceId: number; path: string; articleId: number; current: boolean },
): Promise<void> {
  await db
    .insertInto('article_paths')
    .values({ source_id: p.sourceId, path: p.path, article_id: p.articleId, current: p.current ? 1 : 0 })
    .execute();
}

export async function insertFeedbackRow(
  db: Db,
  f: {
    articleId: number;
    body: string;
    name?: string;
    contact?: string;
    status?: 'pending' | 'approved' | 'rejected';
  },
): Promise<number> {
  const row = await db
    .insertInto('feedback')
    .values({
      article_id: f.articleId,
      user_id: null,
      name: f.name ?? '',
      contact: f.contact ?? '',
      body: f.body,
      status: f.status ?? 'approved',
      created_at: '2024-01-25T10:00:00.000Z',
      ip_hash: 'test',
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}

export interface Site {
  git: number;
  classic: number;
  tech: { server: number; winsock: number; hostile: number };
  articles: { socket: number; rpc: number; mentioning: number; retired: number; hostile: number };
  revisions: { classic: number; first: number; second: number; rpc1: number; rpc2: number; hostile: number };
}

const SOCKET_TITLE = 'Differences Between Listening Socket Reuse Behavior in Windows 2000 and Windows NT 4.0';
const RPC_PATH = 'support/windows-server/networking/rpc-errors.md';
const RPC_OLD_PATH = 'support/windows-server/rpc-errors.md';

async function seedArticles(db: Db, git: number, tech: Site['tech']): Promise<Site['articles']> {
  const socket = await insertArticle(db, {
    sourceId: git,
    kb: 307175,
    path: 'support/windows/win32/listening-socket-reuse.md',
    title: SOCKET_TITLE,
    description: 'The listening socket reuse behavior of Windows 2000 and Windows NT 4.0.',
    body: 'After the server accepts a connection, the listening socket may be closed. Use SO_EXCLUSIVEADDRUSE.',
    products: ['Windows Server 2019', 'Microsoft Windows NT Server 4.0'],
    keywords: ['kbWinsock', 'kbnetwork'],
    technologies: [tech.server, tech.winsock],
    lastReviewed: '2007-03-01',
    lastChanged: '2024-01-20T03:00:00.000Z',
  });
  const rpc = await insertArticle(db, {
    sourceId: git,
    path: RPC_PATH,
    title: 'Troubleshoot RPC errors in Windows Server networking',
    body: 'RPC endpoint mapper errors and how to fix them.',
    products: ['Windows Server 2019'],
    technologies: [tech.server],
    lastChanged: '2024-01-18T03:00:00.000Z',
  });
  const mentioning = await insertArticle(db, {
    sourceId: git,
    kb: 555001,
    title: 'Port exhaustion on busy servers',
    body: 'For the listening socket behavior see KB307175. Compare with winsock defaults.',
    technologies: [tech.winsock],
    lastChanged: '2024-01-19T03:00:00.000Z',
  });
  const retired = await insertArticle(db, {
    sourceId: git,
    kb: 999001,
    title: 'An old winsock article nobody publishes any more',
    body: 'Old winsock text.',
    retired: true,
    lastChanged: '2023-06-01T03:00:00.000Z',
  });
  const hostile = await insertArticle(db, {
    sourceId: git,
    kb: 666001,
    title: HOSTILE.title,
    description: HOSTILE.title,
    body: 'winsock hostile example',
    products: [HOSTILE.product],
    keywords: ['<b>Bad</b> "tech"'],
    technologies: [tech.hostile],
    lastChanged: '2024-01-21T03:00:00.000Z',
  });
  await db.updateTable('articles').set({ url: HOSTILE.url }).where('id', '=', hostile).execute();
  await db
    .updateTable('articles')
    .set({ revision: '2.0', revision_count: 2 })
    .where('id', 'in', [socket, rpc])
    .execute();
  return { socket, rpc, mentioning, retired, hostile };
}

/** Many small winsock articles so that searches have several pages. */
export async function insertManyArticles(
  db: Db,
  sourceId: number,
  count: number,
  technologyId: number,
): Promise<void> {
  for (let i = 0; i < count; i++) {
    await insertArticle(db, {
      sourceId,
      title: `Winsock note number ${i}`,
      body: `winsock filler article ${i}`,
      technologies: [technologyId],
      lastChanged: `2023-0${1 + (i % 9)}-1${i % 10}T03:00:00.000Z`,
    });
  }
}

export async function seedSite(db: Db): Promise<Site> {
  const git = await insertSource(db, 'support-docs');
  const classic = await insertClassicSource(db);
  const tech = {
    server: await insertTechnology(db, {
      slug: 'windows-server-2019',
      name: 'Windows Server 2019',
      kind: 'product',
      aliases: ['ws2019'],
    }),
    winsock: await insertTechnology(db, { slug: 'kbwinsock', name: 'kbWinsock', kind: 'keyword' }),
    hostile: await insertTechnology(db, { slug: 'bad-tech', name: '<b>Bad</b> "tech"', kind: 'keyword' }),
  };
  const articles = await seedArticles(db, git, tech);
  const rev = (
    articleId: number,
    sourceId: number,
    number: string,
    seenAt: string,
    text: string,
    title: string,
    path: string,
  ) => insertRevision(db, { articleId, sourceId, number, seenAt, text, title, path });
  const revisions = {
    classic: await rev(
      articles.socket,
      classic,
      '4.3',
      '2024-01-01T03:00:00.000Z',
      'SUMMARY\nThis article describes the listening socket reuse behavior (classic text).',
      SOCKET_TITLE,
      'txt/307/Q307175.TXT',
    ),
    first: await rev(
      articles.socket,
      git,
      '1.0',
      '2024-01-10T03:00:00.000Z',
      'Intro line.\nUse SO_REUSEADDR on the listener.\nClosing line.',
      SOCKET_TITLE,
      'support/windows/win32/listening-socket-reuse.md',
    ),
    second: await rev(
      articles.socket,
      git,
      '2.0',
      '2024-01-20T03:00:00.000Z',
      'Intro line.\nUse SO_EXCLUSIVEADDRUSE on the listener.\nClosing line.',
      SOCKET_TITLE,
      'support/windows/win32/listening-socket-reuse.md',
    ),
    rpc1: await rev(
      articles.rpc,
      git,
      '1.0',
      '2024-01-05T03:00:00.000Z',
      'RPC errors.',
      'Troubleshoot RPC errors',
      RPC_OLD_PATH,
    ),
    rpc2: await rev(
      articles.rpc,
      git,
      '2.0',
      '2024-01-18T03:00:00.000Z',
      'RPC endpoint mapper errors.',
      'Troubleshoot RPC errors in Windows Server networking',
      RPC_PATH,
    ),
    hostile: await rev(
      articles.hostile,
      git,
      '1.0',
      '2024-01-21T03:00:00.000Z',
      HOSTILE.text,
      HOSTILE.title,
      'support/hostile.md',
    ),
  };
  await insertPath(db, {
    sourceId: git,
    path: 'support/windows/win32/listening-socket-reuse.md',
    articleId: articles.socket,
    current: true,
  });
  await insertPath(db, {
    sourceId: classic,
    path: 'txt/307/Q307175.TXT',
    articleId: articles.socket,
    current: true,
  });
  await insertPath(db, { sourceId: git, path: RPC_PATH, articleId: articles.rpc, current: true });
  await insertPath(db, { sourceId: git, path: RPC_OLD_PATH, articleId: articles.rpc, current: false });
  const scan = await insertScan(db, git, '2024-01-21T03:00:00.000Z');
  const change = (
    articleId: number,
    kind: 'new' | 'updated',
    title: string,
    kb: number | null,
    at: string,
    revisionId?: number,
  ) =>
    insertChange(db, { scanId: scan, sourceId: git, articleId, kind, title, kb, detectedAt: at, revisionId });
  await change(articles.socket, 'new', SOCKET_TITLE, 307175, '2024-01-10T03:00:00.000Z', revisions.first);
  await change(
    articles.rpc,
    'new',
    'Troubleshoot RPC errors',
    null,
    '2024-01-12T03:00:00.000Z',
    revisions.rpc1,
  );
  await change(
    articles.rpc,
    'updated',
    'Troubleshoot RPC errors in Windows Server networking',
    null,
    '2024-01-18T03:00:00.000Z',
    revisions.rpc2,
  );
  await change(
    articles.socket,
    'updated',
    SOCKET_TITLE,
    307175,
    '2024-01-20T03:00:00.000Z',
    revisions.second,
  );
  await change(articles.hostile, 'new', HOSTILE.title, 666001, '2024-01-21T03:00:00.000Z', revisions.hostile);
  await insertFeedbackRow(db, {
    articleId: articles.hostile,
    body: HOSTILE.feedback,
    name: '<b>Mallory</b>',
    contact: HOSTILE.url,
  });
  await insertFeedbackRow(db, {
    articleId: articles.hostile,
    body: 'Secret address kept',
    name: 'Eve',
    contact: 'eve@example.org',
  });
  await insertFeedbackRow(db, {
    articleId: articles.hostile,
    body: 'A helpful link',
    name: 'Alice',
    contact: 'https://alice.example.org/notes',
  });
  await insertFeedbackRow(db, {
    articleId: articles.hostile,
    body: 'Waiting for a moderator',
    status: 'pending',
  });
  await db.updateTable('technologies').set({ article_count: 3 }).where('id', '=', tech.server).execute();
  await db.updateTable('technologies').set({ article_count: 2 }).where('id', '=', tech.winsock).execute();
  await db.updateTable('technologies').set({ article_count: 1 }).where('id', '=', tech.hostile).execute();
  return { git, classic, tech, articles, revisions };
}
