/**
 * `kbwatch user add|list|remove|admin` and `kbwatch subscribe`: account administration from
 * the command line. Bad input (unknown user or technology, invalid query) exits with status 1.
 */
import type { Command } from 'commander';
import { AccountError } from '../accounts/errors.ts';
import { subscribe } from '../accounts/subscriptions.ts';
import {
  addUser,
  listUsers,
  removeUser,
  requireUserByEmail,
  setAdmin,
  type UserListing,
} from '../accounts/users.ts';
import type { Context } from '../context.ts';
import { CliError, withContext, type Cli } from './context.ts';

async function guard<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    if (err instanceof AccountError) throw new CliError(err.message);
    throw err;
  }
}

interface AddOptions {
  password?: string;
  confirmed?: boolean;
  admin?: boolean;
  tz?: string;
  hour?: string;
  weekly?: boolean;
}

function line(u: UserListing): string {
  const flags = [u.confirmed ? 'confirmed' : 'unconfirmed', ...(u.admin ? ['admin'] : [])].join(',');
  const subs = u.subscriptions.map(
    (s) =>
      (s.kind === 'technology' ? `tech:${s.technology}` : `query:${JSON.stringify(s.query)}`) +
      (s.paused ? ' (paused)' : '') +
      (s.muted ? ' (muted)' : ''),
  );
  return `${u.email}\t${flags}\t${u.cadence} at ${String(u.digestHour).padStart(2, '0')}:00 ${u.timeZone}\t${subs.length ? subs.join(', ') : 'no subscriptions'}`;
}

async function add(cli: Cli, ctx: Context, email: string, o: AddOptions): Promise<void> {
  const u = await guard(() =>
    addUser(ctx, {
      email,
      password: o.password,
      confirmed: o.confirmed,
      admin: o.admin,
      timeZone: o.tz,
      digestHour: o.hour,
      cadence: o.weekly ? 'weekly' : 'daily',
    }),
  );
  cli.out(
    `added user ${u.email}${u.confirmed_at ? ' (confirmed)' : ' (unconfirmed)'}${u.is_admin ? ' (admin)' : ''}`,
  );
}

async function list(cli: Cli, ctx: Context, o: { json?: boolean }): Promise<void> {
  const users = await listUsers(ctx);
  if (o.json) return cli.out(JSON.stringify(users));
  if (users.length === 0) cli.out('no users');
  for (const u of users) cli.out(line(u));
}

async function remove(cli: Cli, ctx: Context, email: string): Promise<void> {
  await guard(() => removeUser(ctx, email));
  cli.out(`removed user ${email.trim().toLowerCase()}`);
}

async function admin(cli: Cli, ctx: Context, email: string, o: { revoke?: boolean }): Promise<void> {
  await guard(() => setAdmin(ctx, email, !o.revoke));
  cli.out(`${email.trim().toLowerCase()} is ${o.revoke ? 'no longer' : 'now'} an admin`);
}

async function subscribeCommand(
  cli: Cli,
  ctx: Context,
  email: string,
  o: { tech?: string; query?: string },
): Promise<void> {
  if ((o.tech === undefined) === (o.query === undefined))
    throw new CliError('subscribe: give exactly one of --tech <slug-or-name> or --query <query>');
  const u = await guard(() => requireUserByEmail(ctx, email));
  const r = await guard(() =>
    subscribe(
      ctx,
      o.tech !== undefined ? { userId: u.id, technology: o.tech } : { userId: u.id, query: o.query! },
    ),
  );
  const what =
    r.subscription.kind === 'technology' ? `technology ${r.label}` : `query ${JSON.stringify(r.label)}`;
  cli.out(r.created ? `subscribed ${u.email} to ${what}` : `${u.email} was already subscribed to ${what}`);
}

export function registerUserCommands(program: Command, cli: Cli): void {
  const user = program.command('user').description('Manage user accounts.');
  user
    .command('add <email>')
    .description('Create an account (no mail is sent).')
    .option('--password <password>', 'password for logging in (8 to 200 characters)')
    .option('--confirmed', 'treat the address as confirmed (digests may be sent to it)')
    .option('--admin', 'give the account the admin role')
    .option('--tz <zone>', 'IANA time zone of the digest hour (default UTC)')
    .option('--hour <hour>', 'local hour (0-23) after which the digest is sent (default 7)')
    .option('--weekly', 'weekly digests instead of daily')
    .action((email: string, o: AddOptions) => withContext(cli, (ctx) => add(cli, ctx, email, o)));
  user
    .command('list')
    .description('List accounts with their settings and subscriptions.')
    .option('--json', 'print JSON: [{email, confirmed, admin, timeZone, digestHour, cadence, subscriptions}]')
    .action((o: { json?: boolean }) => withContext(cli, (ctx) => list(cli, ctx, o)));
  user
    .command('remove <email>')
    .description('Delete an account and all its data (sessions, tokens, subscriptions, digests).')
    .action((email: string) => withContext(cli, (ctx) => remove(cli, ctx, email)));
  user
    .command('admin <email>')
    .description('Give an account the admin role (or take it away with --revoke).')
    .option('--revoke', 'take the admin role away')
    .action((email: string, o: { revoke?: boolean }) => withContext(cli, (ctx) => admin(cli, ctx, email, o)));
  program
    .command('subscribe <email>')
    .description('Subscribe a user to a technology (slug, name or alias) or a saved search query.')
    .option('--tech <slug-or-name>', 'technology to follow')
    .option('--query <query>', 'search query to follow')
    .action((email: string, o: { tech?: string; query?: string }) =>
      withContext(cli, (ctx) => subscribeCommand(cli, ctx, email, o)),
    );
}
