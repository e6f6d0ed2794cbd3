/**
 * Password reset by e-mail. The request answers the same for every address; only a confirmed
 * account gets a link (nothing is sent to an unconfirmed address but its confirmation link).
 * Setting the new password uses the link once and ends every session of the account.
 */
import type { Context } from '../context.ts';
import { deleteUserSessions, findUserByEmail, updateUser, userEmail, voidTokens } from '../store/users.ts';
import { sendAccountMail } from './mail.ts';
import { hashPassword } from './password.ts';
import { checkToken, consumeToken, issueToken } from './tokens.ts';
import { normalizeEmail, validatePassword } from './validate.ts';

export async function requestReset(ctx: Context, input: { email: string }): Promise<{ email: string }> {
  const email = normalizeEmail(input.email);
  const user = await findUserByEmail(ctx.store.db, email);
  if (user?.confirmed_at) {
    const token = await issueToken(ctx, user.id, 'reset');
    await sendAccountMail(ctx, email, { kind: 'reset', token });
  }
  return { email };
}

/** Throws unless the reset link is usable now (for showing the form). */
export async function checkResetToken(ctx: Context, token: string): Promise<void> {
  await checkToken(ctx, token, 'reset');
}

export async function resetPassword(
  ctx: Context,
  input: { token: string; password: string },
): Promise<{ email: string }> {
  const password = validatePassword(input.password);
  await checkToken(ctx, input.token, 'reset');
  const passwordHash = await hashPassword(password);
  const row = await consumeToken(ctx, input.token, 'reset');
  await updateUser(ctx.store.db, row.user_id, { password_hash: passwordHash });
  await deleteUserSessions(ctx.store.db, row.user_id);
  await voidTokens(ctx.store.db, row.user_id, 'reset', ctx.now().toISOString());
  return { email: await userEmail(ctx.store.db, row.user_id) };
}
