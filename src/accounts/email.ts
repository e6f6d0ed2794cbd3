/**
 * Change of e-mail address: the new address gets a link and the account switches only when it
 * is followed; the old address is then told. The current password is required to ask.
 */
import type { Context } from '../context.ts';
import { findUserByEmail, findUserById, updateUser } from '../store/users.ts';
import { AccountError } from './errors.ts';
import { sendAccountMail } from './mail.ts';
import { verifyPassword } from './password.ts';
import { consumeToken, issueToken, tokenData } from './tokens.ts';
import { normalizeEmail } from './validate.ts';

export interface EmailChangeInput {
  userId: number;
  newEmail: string;
  password: string;
}

/** Sends the confirmation link to the new address (unless another account uses it: same answer). */
export async function requestEmailChange(ctx: Context, input: EmailChangeInput): Promise<{ email: string }> {
  const email = normalizeEmail(input.newEmail);
  const user = await findUserById(ctx.store.db, input.userId);
  if (!user) throw new AccountError('not_found', 'Your account no longer exists.');
  if (!(await verifyPassword(user.password_hash, input.password)))
    throw new AccountError('auth', 'Current password: wrong password.', 'password');
  if (email === user.email)
    throw new AccountError('invalid', 'New e-mail address: this is already your address.', 'email');
  if (!(await findUserByEmail(ctx.store.db, email))) {
    const token = await issueToken(ctx, user.id, 'email_change', { email });
    await sendAccountMail(ctx, email, { kind: 'email_change', token });
  }
  return { email };
}

export async function confirmEmailChange(ctx: Context, token: string): Promise<{ email: string }> {
  const row = await consumeToken(ctx, token, 'email_change');
  const data = tokenData<{ email: string }>(row);
  const user = await findUserById(ctx.store.db, row.user_id);
  if (!user || !data?.email)
    throw new AccountError('token', 'This link is not valid: its account no longer exists.', 'token');
  const taken = await findUserByEmail(ctx.store.db, data.email);
  if (taken && taken.id !== user.id)
    throw new AccountError(
      'conflict',
      `The address ${data.email} now belongs to another account, so it cannot be used for this one.`,
      'email',
    );
  try {
    // Following the link proves the mailbox: the new address counts as confirmed.
    await updateUser(ctx.store.db, user.id, {
      email: data.email,
      confirmed_at: ctx.now().toISOString(),
      hard_bounces: 0,
      suppressed_at: null,
    });
  } catch (err) {
    if (await findUserByEmail(ctx.store.db, data.email))
      throw new AccountError(
        'conflict',
        `The address ${data.email} now belongs to another account.`,
        'email',
      );
    throw err;
  }
  if (user.confirmed_at)
    await sendAccountMail(ctx, user.email, { kind: 'email_changed', newEmail: data.email });
  return { email: data.email };
}
