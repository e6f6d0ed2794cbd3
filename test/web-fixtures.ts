/**
 * A small knowledge base for web tests: three technologies, three articles (one without a KB
 * number, one with hostile markup in its title) and their changes of every alertable kind
 * and some that are not, over several days.
 */
import type { Kysely } from 'kysely';
import type { Database } from '../src/store/schema.ts';
import {
  insertArticle,
  insertArticlePath,
  insertChange,
  insertRevision,
  insertScan,
  insertSource,
  insertTechnology,
} from './api-factories.ts';

export const HOSTILE_TITLE = 'Exchange mail flow "quoted" <script>alert(1)</script> & more';

export interface SeededKb {
  sourceId: number;
  tech: { winsock: number; server: number; exchange: number };
  articles: { winsock: number; exchange: number; server: number };
  revisions: { winsock: number[]; exchange: number[]; server: number[] };
  changes: {
    winsockNew: number;
    winsockUpdated: number;
    exchangeNew: number;
    exchangeMetadata: number;
    serverNew: number;
    serverMoved: number;
  };
}

export async function seedKb(db: Kysely<Database>): Promise<SeededKb> {
  const sourceId = await insertSource(db, 'support-docs');
  const tech = {
    winsock: await insertTechnology(db, { slug: 'kbwinsock', name: 'kbWinsock', kind: 'keyword' }),
    server: await insertTechnology(db, {
      slug: 'windows-server-2019',
      name: 'Windows Server 2019',
      kind: 'product',
    }),
    exchange: await insertTechnology(db, {
      slug: 'exchange-online',
      name: 'Exchange Online',
      kind: 'product',
    }),
  };
  const articles = {
    winsock: await insertArticle(db, {
      sourceId,
      kb: 307175,
      path: 'support/windows/winsock-listen.md',
      title: 'How to use Winsock to listen on a port',
      description: 'Binding a socket exclusively',
      body: 'Use SO_EXCLUSIVEADDRUSE so that a second winsock server cannot bind the same port.',
      keywords: ['kbWinsock'],
      products: ['Windows Server 2019'],
      technologies: [tech.winsock, tech.server],
      lastChanged: '2024-01-20T03:00:00.000Z',
    }),
    exchange: await insertArticle(db, {
      sourceId,
      kb: null,
      path: 'support/exchange/mail-flow.md',
      title: HOSTILE_TITLE,
      body: 'Mail flow troubleshooting for Exchange Online connectors.',
      products: ['Exchange Online'],
      technologies: [tech.exchange],
      lastChanged: '2024-01-21T03:00:00.000Z',
    }),
    server: await insertArticle(db, {
      sourceId,
      kb: 100001,
      path: 'support/windows/server-boot.md',
      title: 'Windows Server does not boot after an update',
      body: 'The server stops at a black screen.',
      products: ['Windows Server 2019'],
      technologies: [tech.server],
      lastChanged: '2024-01-22T03:00:00.000Z',
    }),
  };
  await insertArticlePath(db, sourceId, articles.winsock, 'support/windows/winsock-listen.md');
  await insertArticlePath(db, sourceId, articles.exchange, 'support/exchange/mail-flow.md');
  await insertArticlePath(db, sourceId, articles.exchange, 'support/exchange/old-mail-flow.md', false);
  await insertArticlePath(db, sourceId, articles.server, 'support/windows/server-boot.md');
  const rev = (
    articleId: number,
    number: string,
    seenAt: string,
    text: string,
    title: string,
    path: string,
  ) => insertRevision(db, { articleId, sourceId, number, seenAt, text, title, path });
  const revisions = {
    winsock: [
      await rev(
        articles.winsock,
        '1.0',
        '2024-01-10T03:00:00.000Z',
        'Use SO_REUSEADDR.',
        'How to use Winsock to listen on a port',
        'support/windows/winsock-listen.md',
      ),
      await rev(
        articles.winsock,
        '2.0',
        '2024-01-20T03:00:00.000Z',
        'Use SO_EXCLUSIVEADDRUSE.',
        'How to use Winsock to listen on a port',
        'support/windows/winsock-listen.md',
      ),
    ],
    exchange: [
      await rev(
        articles.exchange,
        '1.0',
        '2024-01-12T03:00:00.000Z',
        'Mail flow.',
        HOSTILE_TITLE,
        'support/exchange/mail-flow.md',
      ),
    ],
    server: [
      await rev(
        articles.server,
        '1.0',
        '2024-01-15T03:00:00.000Z',
        'Black screen.',
        'Windows Server does not boot after an update',
        'support/windows/server-boot.md',
      ),
    ],
  };
  const scan = (at: string) => insertScan(db, sourceId, at);
  const [s10, s12, s15, s20, s21, s22] = [
    await scan('2024-01-10T03:00:00.000Z'),
    await scan('2024-01-12T03:00:00.000Z'),
    await scan('2024-01-15T03:00:00.000Z'),
    await scan('2024-01-20T03:00:00.000Z'),
    await scan('2024-01-21T03:00:00.000Z'),
    await scan('2024-01-22T03:00:00.000Z'),
  ];
  const change = (
    scanId: number,
    articleId: number,
    kind: 'new' | 'updated' | 'metadata' | 'moved',
    title: string,
    kb: number | null,
    path: string,
    detectedAt: string,
    extra: {
      summary?: { sections: string[]; wordsAdded: number; wordsRemoved: number; minor: boolean };
      revisionId?: number;
    } = {},
  ) => insertChange(db, { scanId, sourceId, articleId, kind, title, kb, path, detectedAt, ...extra });
  const changes = {
    winsockNew: await change(
      s10,
      articles.winsock,
      'new',
      'How to use Winsock to listen on a port',
      307175,
      'support/windows/winsock-listen.md',
      '2024-01-10T03:00:00.000Z',
      { revisionId: revisions.winsock[0] },
    ),
    exchangeNew: await change(
      s12,
      articles.exchange,
      'new',
      HOSTILE_TITLE,
      null,
      'support/exchange/mail-flow.md',
      '2024-01-12T03:00:00.000Z',
      { revisionId: revisions.exchange[0] },
    ),
    serverNew: await change(
      s15,
      articles.server,
      'new',
      'Windows Server does not boot after an update',
      100001,
      'support/windows/server-boot.md',
      '2024-01-15T03:00:00.000Z',
      { revisionId: revisions.server[0] },
    ),
    winsockUpdated: await change(
      s20,
      articles.winsock,
      'updated',
      'How to use Winsock to listen on a port',
      307175,
      'support/windows/winsock-listen.md',
      '2024-01-20T03:00:00.000Z',
      {
        revisionId: revisions.winsock[1],
        summary: { sections: ['Resolution'], wordsAdded: 3, wordsRemoved: 1, minor: false },
      },
    ),
    exchangeMetadata: await change(
      s21,
      articles.exchange,
      'metadata',
      HOSTILE_TITLE,
      null,
      'support/exchange/mail-flow.md',
      '2024-01-21T03:00:00.000Z',
    ),
    serverMoved: await change(
      s22,
      articles.server,
      'moved',
      'Windows Server does not boot after an update',
      100001,
      'support/windows/server-boot.md',
      '2024-01-22T03:00:00.000Z',
    ),
  };
  await db
    .updateTable('technologies')
    .set({ article_count: 1 })
    .where('id', 'in', [tech.winsock, tech.exchange])
    .execute();
  await db.updateTable('technologies').set({ article_count: 2 }).where('id', '=', tech.server).execute();
  return { sourceId, tech, articles, revisions, changes };
}
