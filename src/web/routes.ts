/**
 * The one route table: every page and endpoint of the site, in one place, each with its
 * schema (route-schemas.ts) and, where it has one, who may use it and which form token it
 * takes (`config`, enforced by guards.ts before the schema and the handler).
 */
import type { FastifyInstance } from 'fastify';
import type { Context } from '../context.ts';
import { ADMIN, USER } from './guards.ts';
import {
  ACCOUNT_SCHEMAS as A,
  ADMIN_SCHEMAS as M,
  API_SCHEMAS as S,
  PAGE_SCHEMAS as P,
} from './route-schemas.ts';
import { healthz } from './pages/healthz.ts';
import { apiSearch } from './api/search.ts';
import { apiGuard, apiPreflight } from './api/guard.ts';
import { apiArticleByKb, apiArticleByPath } from './api/article.ts';
import { apiRevisionByKb, apiRevisionByPath } from './api/revision.ts';
import { apiTechnologies } from './api/technologies.ts';
import { apiTechnology } from './api/technology.ts';
import { apiChanges } from './api/changes.ts';
import { apiOpenApi } from './api/openapi.ts';
import { articlePage } from './pages/article.ts';
import { staticAsset } from './static.ts';
import { homePage } from './pages/home.ts';
import { searchPage } from './pages/search.ts';
import { advancedPage } from './pages/advanced.ts';
import { articlePathPage } from './pages/article-path.ts';
import { diffPage } from './pages/diff.ts';
import { revisionPage } from './pages/revision.ts';
import { feedbackSubmit } from './pages/feedback.ts';
import { techIndexPage } from './pages/tech-index.ts';
import { techPage } from './pages/tech.ts';
import { muteConfirmPage, muteSubmit, unsubscribePage, unsubscribeSubmit } from './pages/unsubscribe.ts';
import { techFeed } from './feeds/tech-feed.ts';
import { searchFeed } from './feeds/search-feed.ts';
import { widgetScript } from './widget/script.ts';
import { widgetDataErrors, widgetDataRoute } from './widget/data.ts';
import { widgetFrame, widgetFrameErrors } from './widget/frame.ts';
import { webmastersErrors, webmastersPage } from './widget/webmasters.ts';
import { adminOverviewPage } from './admin/overview.ts';
import { adminSourcesPage } from './admin/sources.ts';
import { adminAddSource, adminRemoveSource, adminScanSource } from './admin/source-actions.ts';
import { adminScansPage } from './admin/scans.ts';
import { adminOutboxPage, adminRetryDigest } from './admin/outbox.ts';
import { adminFeedbackPage, adminModerateFeedback } from './admin/feedback.ts';
import { adminSetAdmin, adminSuppressUser, adminUsersPage } from './admin/users.ts';
import { signupPage, signupSubmit } from './pages/signup.ts';
import { confirmPage } from './pages/confirm.ts';
import { loginPage, loginSubmit, logoutSubmit } from './pages/login.ts';
import { resetConfirmPage, resetConfirmSubmit, resetPage, resetSubmit } from './pages/reset.ts';
import { accountPage, settingsSubmit, subscribeSubmit, subscriptionActionSubmit } from './pages/account.ts';
import { emailConfirmPage, emailPage, emailSubmit } from './pages/account-email.ts';
import { deletePage, deleteSubmit } from './pages/account-delete.ts';

/** JSON API: CORS for any origin and a rate limit per address on every operation (see api/openapi.ts). */
function apiRoutes(app: FastifyInstance, ctx: Context): void {
  const api = { onRequest: apiGuard(ctx) };
  app.get('/api/v1/search', { ...api, schema: S.search }, apiSearch(ctx));
  app.get('/api/v1/articles', { ...api, schema: S.articleByPath }, apiArticleByPath(ctx));
  app.get('/api/v1/articles/:kb', { ...api, schema: S.articleByKb }, apiArticleByKb(ctx));
  app.get('/api/v1/articles/:kb/revisions/:id', { ...api, schema: S.revisionByKb }, apiRevisionByKb(ctx));
  app.get('/api/v1/articles/revisions/:id', { ...api, schema: S.revisionByPath }, apiRevisionByPath(ctx));
  app.get('/api/v1/technologies', { ...api, schema: S.technologies }, apiTechnologies(ctx));
  app.get('/api/v1/technologies/:slug', { ...api, schema: S.technology }, apiTechnology(ctx));
  app.get('/api/v1/changes', { ...api, schema: S.changes }, apiChanges(ctx));
  app.get('/api/v1/openapi.json', { ...api, schema: S.openApi }, apiOpenApi(ctx));
  app.options('/api/v1/*', { schema: S.preflight }, apiPreflight());
}

/** Public pages: home, search, articles with history and feedback, technologies, digest links. */
function publicRoutes(app: FastifyInstance, ctx: Context): void {
  app.get('/healthz', { schema: P.nothing }, healthz(ctx));
  app.get('/static/:name', { schema: P.staticAsset }, staticAsset());
  app.get('/', { schema: P.nothing }, homePage(ctx));
  app.get('/search', { schema: P.search }, searchPage(ctx)); // ?q=&sort=&page=&tech=; ?adv=1&… from the advanced form
  app.get('/search/advanced', { schema: P.advanced }, advancedPage(ctx)); // ?q= refills the form
  app.get('/kb/:number', { schema: P.article }, articlePage(ctx));
  app.get('/kb/:number/diff', { schema: P.diff }, diffPage(ctx)); // ?from=<revId>&to=<revId>
  app.get('/kb/:number/revisions/:rev', { schema: P.revision }, revisionPage(ctx));
  app.get('/a/*', { schema: P.articlePath }, articlePathPage(ctx)); // articles without a number; ?revision= / ?from=&to=
  app.post('/feedback', { schema: P.feedback, config: { form: 'visitor' } }, feedbackSubmit(ctx));
  app.get('/tech', { schema: P.techIndex }, techIndexPage(ctx)); // ?q=&kind=&page=
  app.get('/tech/:slug', { schema: P.tech }, techPage(ctx));
  // The links in a digest: no login, the signed token is the credential (no CSRF token).
  const oneClick = { schema: P.linkPost, config: { oneClick: true } };
  app.get('/unsubscribe', { schema: P.link }, unsubscribePage(ctx));
  app.post('/unsubscribe', oneClick, unsubscribeSubmit(ctx)); // also RFC 8058 one-click
  app.get('/mute', { schema: P.link }, muteConfirmPage(ctx));
  app.post('/mute', oneClick, muteSubmit(ctx));
}

/** What other sites embed or poll: Atom feeds, the widget and its snippet builder. */
function embedRoutes(app: FastifyInstance, ctx: Context): void {
  app.get('/feeds/tech/:file', { schema: P.techFeed }, techFeed(ctx));
  app.get('/feeds/search.atom', { schema: P.searchFeed }, searchFeed(ctx));
  app.get('/widget.js', { schema: P.nothing }, widgetScript());
  app.get('/widget/data.json', { schema: P.widget, errorHandler: widgetDataErrors }, widgetDataRoute(ctx));
  app.get('/widget/frame', { schema: P.widget, errorHandler: widgetFrameErrors }, widgetFrame(ctx));
  app.get('/webmasters', { schema: P.widget, errorHandler: webmastersErrors(ctx) }, webmastersPage(ctx));
}

/** Sign-up, login and reset (anonymous forms), and the account of a signed-in user. */
function accountRoutes(app: FastifyInstance, ctx: Context): void {
  const anonymous = { form: 'anonymous' } as const;
  app.get('/signup', { schema: P.nothing }, signupPage(ctx));
  app.post('/signup', { schema: A.signup, config: anonymous }, signupSubmit(ctx));
  app.get('/confirm', { schema: A.confirm }, confirmPage(ctx));
  app.get('/login', { schema: A.loginPage }, loginPage(ctx));
  app.post('/login', { schema: A.login, config: anonymous }, loginSubmit(ctx));
  app.post('/logout', { schema: A.logout, config: { form: 'session' } }, logoutSubmit(ctx));
  app.get('/reset', { schema: P.nothing }, resetPage(ctx));
  app.post('/reset', { schema: A.reset, config: anonymous }, resetSubmit(ctx));
  app.get('/reset/confirm', { schema: A.confirm }, resetConfirmPage(ctx));
  app.post('/reset/confirm', { schema: A.resetConfirm, config: anonymous }, resetConfirmSubmit(ctx));
  app.get('/account', { schema: A.account, config: USER }, accountPage(ctx));
  app.post('/account/settings', { schema: A.settings, config: USER }, settingsSubmit(ctx));
  app.post('/account/subscriptions', { schema: A.subscribe, config: USER }, subscribeSubmit(ctx));
  // An address that cannot name a subscription action is no page at all (404).
  app.post(
    '/account/subscriptions/:id(^\\d{1,9}$)/:action(^(?:pause|resume|mute|unmute|delete)$)',
    { schema: A.subscriptionAction, config: USER },
    subscriptionActionSubmit(ctx),
  );
  app.get('/account/email', { schema: P.nothing, config: USER }, emailPage());
  app.post('/account/email', { schema: A.email, config: USER }, emailSubmit(ctx));
  app.get('/account/email/confirm', { schema: A.confirm }, emailConfirmPage(ctx));
  app.get('/account/delete', { schema: P.nothing, config: USER }, deletePage());
  app.post('/account/delete', { schema: A.delete, config: USER }, deleteSubmit(ctx));
}

/** Admin: admins only (anonymous GETs go to the login page, others get 403); every form carries the session's CSRF token. */
function adminRoutes(app: FastifyInstance, ctx: Context): void {
  const admin = (schema: object) => ({ schema, config: ADMIN });
  app.get('/admin', admin(P.nothing), adminOverviewPage(ctx));
  app.get('/admin/sources', admin(M.notices), adminSourcesPage(ctx));
  app.post('/admin/sources', admin(M.addSource), adminAddSource(ctx));
  app.post('/admin/sources/:id/scan', admin(M.scanSource), adminScanSource(ctx));
  app.post('/admin/sources/:id/remove', admin(M.source), adminRemoveSource(ctx));
  app.get('/admin/scans', admin(M.scans), adminScansPage(ctx));
  app.get('/admin/outbox', admin(M.outbox), adminOutboxPage(ctx));
  app.post('/admin/outbox/:id/retry', admin(M.retry), adminRetryDigest(ctx));
  app.get('/admin/feedback', admin(M.notices), adminFeedbackPage(ctx));
  app.post(
    '/admin/feedback/:id/:action(^(?:approve|reject)$)',
    admin(M.moderate),
    adminModerateFeedback(ctx),
  );
  app.get('/admin/users', admin(M.notices), adminUsersPage(ctx));
  app.post('/admin/users/:id/admin', admin(M.user), adminSetAdmin(ctx));
  app.post('/admin/users/:id/suppress', admin(M.user), adminSuppressUser(ctx));
}

export function registerRoutes(app: FastifyInstance, ctx: Context): void {
  apiRoutes(app, ctx);
  publicRoutes(app, ctx);
  embedRoutes(app, ctx);
  accountRoutes(app, ctx);
  adminRoutes(app, ctx);
}
