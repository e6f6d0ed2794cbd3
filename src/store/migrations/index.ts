/**
 * The append-only migration history. Add a new file and a new line here; never edit or
 * reorder a migration that has shipped.
 */
import type { Migration } from 'kysely';
import * as m001 from './001_articles.ts';
import * as m002 from './002_accounts.ts';
import * as m005 from './005_links_feedback.ts';
import * as m006 from './006_search_retired.ts';
import * as m007 from './007_digest_bodies.ts';
import * as m008 from './008_leases.ts';

export const MIGRATIONS: Record<string, Migration> = {
  '001_articles': m001,
  '002_accounts': m002,
  '005_links_feedback': m005,
  '006_search_retired': m006,
  '007_digest_bodies': m007,
  '008_leases': m008,
};
