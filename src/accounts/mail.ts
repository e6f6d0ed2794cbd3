/**
 * The account mails (confirm, already registered, reset, e-mail change), sent through the
 * context's mailer (`ctx.mailer`).
 */
import type { Context } from '../context.ts';
import { TOKEN_LIFETIME } from './tokens.ts';

export function link(
  ctx: Pick<Context, 'config'>,
  path: string,
  params: Record<string, string> = {},
): string {
  const u = new URL(path, ctx.config.baseUrl + '/');
  for (const [k, v] of Object.entries(params)) u.searchParams.set(k, v);
  return u.toString();
}

export type AccountMail =
  | { kind: 'confirm'; token: string }
  | { kind: 'already_registered' }
  | { kind: 'reset'; token: string }
  | { kind: 'email_change'; token: string }
  | { kind: 'email_changed'; newEmail: string };

const IGNORE = 'If this was not you, ignore this message; nothing else will happen.';

function compose(ctx: Context, mail: AccountMail): { subject: string; text: string } {
  switch (mail.kind) {
    case 'confirm':
      return {
        subject: 'Confirm your kbwatch sign-up',
        text: `Someone (hopefully you) signed up for kbwatch with this address.\n\nTo confirm it, open this link within ${TOKEN_LIFETIME.confirm.words}:\n${link(ctx, '/confirm', { token: mail.token })}\n\nUntil you do, kbwatch sends nothing else to this address.\n${IGNORE}\n`,
      };
    case 'already_registered':
      return {
        subject: 'Sign-up attempt for your kbwatch account',
        text: `Someone tried to sign up for kbwatch with this address, but it already has an account.\n\nIf it was you, log in here:\n${link(ctx, '/login')}\n\nForgot your password? Set a new one here:\n${link(ctx, '/reset')}\n\n${IGNORE}\n`,
      };
    case 'reset':
      return {
        subject: 'Reset your kbwatch password',
        text: `Someone (hopefully you) asked to reset the password of your kbwatch account.\n\nTo choose a new password, open this link within ${TOKEN_LIFETIME.reset.words}:\n${link(ctx, '/reset/confirm', { token: mail.token })}\n\n${IGNORE}\n`,
      };
    case 'email_change':
      return {
        subject: 'Confirm your new kbwatch address',
        text: `Someone (hopefully you) asked to use this address for their kbwatch account.\n\nTo confirm the change, open this link within ${TOKEN_LIFETIME.email_change.words}:\n${link(ctx, '/account/email/confirm', { token: mail.token })}\n\n${IGNORE}\n`,
      };
    case 'email_changed':
      return {
        subject: 'Your kbwatch address was changed',
        text: `The address of your kbwatch account was changed to ${mail.newEmail}; mail now goes there.\n\nIf you did not do this, reset your password at ${link(ctx, '/reset')} using the new address, or contact the site's operator.\n`,
      };
  }
}

/**
 * Sends one account mail. A failure is logged, not thrown: the person sees the same answer
 * either way and can ask again (the answer must not reveal whether an address is known).
 */
export async function sendAccountMail(ctx: Context, to: string, mail: AccountMail): Promise<boolean> {
  const { subject, text } = compose(ctx, mail);
  try {
    await ctx.mailer.send({ to, subject, text });
    return true;
  } catch (err) {
    ctx.log.error(
      `accounts: sending the ${mail.kind} mail failed: ${err instanceof Error ? err.message : String(err)}`,
    );
    return false;
  }
}
