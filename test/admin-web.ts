/** A web test server with an administrator and a member signed in through the real login form. */
import assert from 'node:assert/strict';
import type { Dialect } from '../src/store/db.ts';
import { addUser } from '../src/accounts/users.ts';
import { Browser } from './browser.ts';
import { startTestServer, type TestServer } from './web-server.ts';

export interface AdminWebTest extends TestServer {
  admin: Browser;
  member: Browser;
  anonymous: Browser;
  adminId: number;
  memberId: number;
}

async function signedIn(base: string, email: string, password: string): Promise<Browser> {
  const b = new Browser(base);
  const r = await b.submit('/login', '/login', { email, password });
  assert.equal(r.status, 303, `login as ${email}: ${r.text.slice(0, 200)}`);
  return b;
}

export async function startAdminWeb(dialect: Dialect): Promise<AdminWebTest> {
  const s = await startTestServer(dialect);
  const admin = await addUser(s.ctx, {
    email: 'admin@example.org',
    password: 'admin password',
    confirmed: true,
    admin: true,
  });
  const member = await addUser(s.ctx, {
    email: 'member@example.org',
    password: 'member password',
    confirmed: true,
  });
  return {
    ...s,
    admin: await signedIn(s.url, 'admin@example.org', 'admin password'),
    member: await signedIn(s.url, 'member@example.org', 'member password'),
    anonymous: new Browser(s.url),
    adminId: admin.id,
    memberId: member.id,
  };
}
