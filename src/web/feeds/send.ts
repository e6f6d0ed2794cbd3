/** Sends a feed of the latest changes matching a filter, with validators and conditional GET. */
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Context } from '../../context.ts';
import { atomFeed, type FeedInfo } from './atom.ts';
import { sendWithValidators } from './conditional.ts';
import { latestChanges, type Filter } from './latest.ts';

export const FEED_ENTRIES = 50;
export const FEED_CACHE = 'public, max-age=300';

export async function sendFeed(
  ctx: Context,
  req: FastifyRequest,
  reply: FastifyReply,
  info: FeedInfo,
  filter: Filter,
): Promise<FastifyReply> {
  const changes = await latestChanges(ctx, filter, FEED_ENTRIES);
  const { xml, updated } = atomFeed(ctx, info, changes);
  reply.type('application/atom+xml; charset=utf-8').header('Cache-Control', FEED_CACHE);
  return sendWithValidators(req, reply, xml, updated);
}
