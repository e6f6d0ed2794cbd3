/**
 * Tokens for the links in a digest (unsubscribe, mute one subscription). They are the only
 * credential of a one-click request, so they are authenticated and opaque:
 * `base64url(iv ‖ AES-256-GCM(purpose ‖ user id ‖ subscription id) ‖ tag)`, with the key derived
 * from the configured secret by HMAC-SHA256. GCM's tag makes a forged or altered token fail;
 * the encryption keeps user and subscription ids out of sight. No expiry: a link in an old
 * mail keeps working, as RFC 8058 expects of unsubscribe links.
 */
import { createCipheriv, createDecipheriv, createHmac, randomBytes } from 'node:crypto';

export type TokenPurpose = 'unsubscribe' | 'mute';

export interface TokenPayload {
  purpose: TokenPurpose;
  userId: number;
  /** The subscription a mute link is about; null for unsubscribe. */
  subscriptionId: number | null;
}

export class TokenError extends Error {}

const PURPOSES: TokenPurpose[] = ['unsubscribe', 'mute'];
const AAD = Buffer.from('kbwatch link token v1');
const IV_BYTES = 12;
const TAG_BYTES = 16;
const PAYLOAD_BYTES = 9;

const keys = new Map<string, Buffer>();

// Random IVs drawn from a pool: one call to the CSPRNG per 340 tokens instead of one per token,
// which shows when a digest run signs 400,000 links.
let pool = Buffer.alloc(0);
let poolAt = 0;
function freshIv(): Buffer {
  if (poolAt + IV_BYTES > pool.length) {
    pool = randomBytes(IV_BYTES * 340);
    poolAt = 0;
  }
  const iv = Buffer.from(pool.subarray(poolAt, poolAt + IV_BYTES));
  poolAt += IV_BYTES;
  return iv;
}

function keyFor(secret: string): Buffer {
  if (!secret) throw new TokenError('tokens: no secret configured');
  let key = keys.get(secret);
  if (!key) {
    key = createHmac('sha256', secret).update('kbwatch digest link tokens').digest();
    keys.set(secret, key);
  }
  return key;
}

export function signToken(secret: string, payload: TokenPayload): string {
  const plain = Buffer.alloc(PAYLOAD_BYTES);
  plain.writeUInt8(PURPOSES.indexOf(payload.purpose), 0);
  plain.writeUInt32BE(payload.userId, 1);
  plain.writeUInt32BE(payload.subscriptionId ?? 0, 5);
  const iv = freshIv();
  const cipher = createCipheriv('aes-256-gcm', keyFor(secret), iv);
  cipher.setAAD(AAD);
  const sealed = Buffer.concat([cipher.update(plain), cipher.final()]);
  return Buffer.concat([iv, sealed, cipher.getAuthTag()]).toString('base64url');
}

/** The payload of a token made with this secret; a TokenError for anything else. */
export function readToken(secret: string, token: string, expected?: TokenPurpose): TokenPayload {
  const bad = new TokenError(
    'This link is not valid: it may have been cut short or changed. Use the link from the e-mail exactly as it is.',
  );
  if (typeof token !== 'string' || token.length > 200 || !/^[A-Za-z0-9_-]+$/.test(token)) throw bad;
  const bytes = Buffer.from(token, 'base64url');
  if (bytes.length !== IV_BYTES + PAYLOAD_BYTES + TAG_BYTES) throw bad;
  let plain: Buffer;
  try {
    const decipher = createDecipheriv('aes-256-gcm', keyFor(secret), bytes.subarray(0, IV_BYTES));
    decipher.setAAD(AAD);
    decipher.setAuthTag(bytes.subarray(IV_BYTES + PAYLOAD_BYTES));
    plain = Buffer.concat([
      decipher.update(bytes.subarray(IV_BYTES, IV_BYTES + PAYLOAD_BYTES)),
      decipher.final(),
    ]);
  } catch {
    throw bad;
  }
  const purpose = PURPOSES[plain.readUInt8(0)];
  const userId = plain.readUInt32BE(1);
  const sub = plain.readUInt32BE(5);
  if (!purpose || userId === 0) throw bad;
  if (expected && purpose !== expected)
    throw new TokenError(`This link is for another action (${purpose}), not ${expected}.`);
  if (purpose === 'mute' && sub === 0) throw bad;
  return { purpose, userId, subscriptionId: sub === 0 ? null : sub };
}
