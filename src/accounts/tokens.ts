/**
 * Single-use tokens sent in links: 32 random bytes (base64url) go into the link, only their
 * SHA-256 hash is stored. A token is bound to one purpose and expires; using it marks it used.
 */
import { createHash, randomBytes } from 'node:crypto';
import type { Context } from '../context.ts';
import { claimToken, findToken, insertToken, voidTokens, type Token } from '../store/users.ts';
import { AccountError } from './errors.ts';

export type TokenPurpose = 'confirm' | 'reset' | 'email_change';

const HOUR = 3600_000;

export const TOKEN_LIFETIME: Record<TokenPurpose, { ms: number; words: string }> = {
  confirm: { ms: 48 * HOUR, words: '48 hours' },
  reset: { ms: 1 * HOUR, words: '1 hour' },
  email_change: { ms: 48 * HOUR, words: '48 hours' },
};

export function sha256(value: string): string {
  return createHash('sha256').update(value).digest('hex');
}

export function randomToken(): string {
  return randomBytes(32).toString('base64url');
}

/** Creates a token (voiding older unused ones of the same purpose) and returns the secret part for the link. */
export async function issueToken(
  ctx: Context,
  userId: number,
  purpose: TokenPurpose,
  data: unknown = null,
): Promise<string> {
  const token = randomToken();
  const now = ctx.now();
  await voidTokens(ctx.store.db, userId, purpose, now.toISOString());
  await insertToken(ctx.store.db, {
    hash: sha256(token),
    user_id: userId,
    purpose,
    data: data === null ? null : JSON.stringify(data),
    created_at: now.toISOString(),
    expires_at: new Date(now.getTime() + TOKEN_LIFETIME[purpose].ms).toISOString(),
    used_at: null,
  });
  return token;
}

const WELL_FORMED = /^[A-Za-z0-9_-]{43}$/;

/** The token row if the token is valid for this purpose right now; otherwise an AccountError saying why. */
export async function checkToken(ctx: Context, token: string, purpose: TokenPurpose): Promise<Token> {
  const row = WELL_FORMED.test(token) ? await findToken(ctx.store.db, sha256(token)) : undefined;
  if (!row || row.purpose !== purpose) {
    throw new AccountError(
      'token',
      'This link is not valid: check that you copied the whole link from the e-mail, or ask for a new one.',
      'token',
    );
  }
  if (row.used_at !== null)
    throw new AccountError(
      'token',
      'This link has already been used; each link works only once. Ask for a new one if you need it.',
      'token',
    );
  if (row.expires_at <= ctx.now().toISOString()) {
    throw new AccountError(
      'token',
      `This link has expired (it was valid for ${TOKEN_LIFETIME[purpose].words}). Ask for a new one.`,
      'token',
    );
  }
  return row;
}

/** Checks and uses a token in one step; of two concurrent uses only one succeeds. */
export async function consumeToken(ctx: Context, token: string, purpose: TokenPurpose): Promise<Token> {
  const row = await checkToken(ctx, token, purpose);
  if (!(await claimToken(ctx.store.db, row.hash, ctx.now().toISOString()))) {
    throw new AccountError(
      'token',
      'This link has already been used; each link works only once. Ask for a new one if you need it.',
      'token',
    );
  }
  return row;
}

export function tokenData<T>(row: Token): T | null {
  return row.data === null ? null : (JSON.parse(row.data) as T);
}
