/**
 * Sign-up with double opt-in. The answer is the same whether or not the address is known:
 * a new or still unconfirmed address gets a confirmation link, a confirmed one a notice with
 * login and reset links. The password chosen travels (hashed) with the confirmation link, so
 * whoever confirms from the mailbox sets the password they chose.
 */
import type { Context } from '../context.ts';
import { findUserByEmail, findUserById, insertUser, updateUser } from '../store/users.ts';
import { AccountError } from './errors.ts';
import { sendAccountMail } from './mail.ts';
import { hashPassword } from './password.ts';
import { consumeToken, issueToken, tokenData } from './tokens.ts';
import { normalizeEmail, validatePassword } from './validate.ts';

export interface SignUpInput {
  email: string;
  password: string;
}

/** What every sign-up answers, known address or not. */
export interface SignUpResult {
  email: string;
}

export async function signUp(ctx: Context, input: SignUpInput): Promise<SignUpResult> {
  const email = normalizeEmail(input.email);
  const password = validatePassword(input.password);
  const passwordHash = await hashPassword(password);
  const nowIso = ctx.now().toISOString();
  let user = await findUserByEmail(ctx.store.db, email);
  if (user?.confirmed_at) {
    await sendAccountMail(ctx, email, { kind: 'already_registered' });
    return { email };
  }
  user ??=
    (await insertUser(ctx.store.db, { email, password_hash: null, created_at: nowIso })) ??
    (await findUserByEmail(ctx.store.db, email));
  if (!user) throw new Error('accounts: sign-up: the user row vanished while being created');
  if (user.confirmed_at) {
    await sendAccountMail(ctx, email, { kind: 'already_registered' });
    return { email };
  }
  const token = await issueToken(ctx, user.id, 'confirm', { passwordHash });
  await sendAccountMail(ctx, email, { kind: 'confirm', token });
  return { email };
}

/** Follows a confirmation link: marks the address confirmed and sets the password chosen with it. */
export async function confirm(ctx: Context, token: string): Promise<{ email: string }> {
  const row = await consumeToken(ctx, token, 'confirm');
  const user = await findUserById(ctx.store.db, row.user_id);
  if (!user)
    throw new AccountError('token', 'This link is not valid: its account no longer exists.', 'token');
  const data = tokenData<{ passwordHash?: string }>(row);
  await updateUser(ctx.store.db, user.id, {
    confirmed_at: user.confirmed_at ?? ctx.now().toISOString(),
    ...(data?.passwordHash ? { password_hash: data.passwordHash } : {}),
  });
  return { email: user.email };
}
