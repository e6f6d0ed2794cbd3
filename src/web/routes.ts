/** The one route table: every page and endpoint of the site, in one place. */
import type { FastifyInstance } from 'fastify';
import type { Context } from '../context.ts';
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
import { techFeed } from './feeds/tech-feed.ts';
import { searchFeed } from './feeds/search-feed.ts';
import { widgetScript } from './widget/script.ts';
import { widgetDataRoute } from './widget/data.ts';
import { widgetFrame } from './widget/frame.ts';
import { webmastersPage } from './widget/webmasters.ts';
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
import { unsubscribeRoutes } from './pages/unsubscribe.ts';

export function registerRoutes(app: FastifyInstance, ctx: Context): void {
  app.get('/healthz', healthz(ctx));
  // JSON API: CORS for any origin and a rate limit per address on every operation (see api/openapi.ts).
  const api = { onRequest: apiGuard(ctx) };
  app.get('/api/v1/search', api, apiSearch(ctx));
  app.get('/api/v1/articles', api, apiArticleByPath(ctx));
  app.get('/api/v1/articles/:kb', api, apiArticleByKb(ctx));
  app.get('/api/v1/articles/:kb/revisions/:id', api, apiRevisionByKb(ctx));
  app.get('/api/v1/articles/revisions/:id', api, apiRevisionByPath(ctx));
  app.get('/api/v1/technologies', api, apiTechnologies(ctx));
  app.get('/api/v1/technologies/:slug', api, apiTechnology(ctx));
  app.get('/api/v1/changes', api, apiChanges(ctx));
  app.get('/api/v1/openapi.json', api, apiOpenApi(ctx));
  app.options('/api/v1/*', apiPreflight());
  // Public pages: home, search, articles with history and feedback, technologies.
  app.get('/static/:name', staticAsset());
  app.get('/', homePage(ctx));
  app.get('/search', searchPage(ctx)); // ?q=&sort=&page=&tech=; ?adv=1&… from the advanced form
  app.get('/search/advanced', advancedPage(ctx)); // ?q= refills the form
  app.get('/kb/:number', articlePage(ctx));
  app.get('/kb/:number/diff', diffPage(ctx)); // ?from=<revId>&to=<revId>
  app.get('/kb/:number/revisions/:rev', revisionPage(ctx));
  app.get('/a/*', articlePathPage(ctx)); // articles without a number; ?revision= / ?from=&to=
  app.post('/feedback', feedbackSubmit(ctx));
  app.get('/tech', techIndexPage(ctx)); // ?q=&kind=&page=
  app.get('/tech/:slug', techPage(ctx));
  app.register(unsubscribeRoutes(ctx)); // GET/POST /unsubscribe, /mute (one-click, token only)
  app.get('/feeds/tech/:file', techFeed(ctx));
  app.get('/feeds/search.atom', searchFeed(ctx));
  app.get('/widget.js', widgetScript());
  app.get('/widget/data.json', widgetDataRoute(ctx));
  app.get('/widget/frame', widgetFrame(ctx));
  app.get('/webmasters', webmastersPage(ctx));
  // Admin: admins only (anonymous GETs go to the login page, others get 403); every form carries the session's CSRF token.
  app.get('/admin', adminOverviewPage(ctx));
  app.get('/admin/sources', adminSourcesPage(ctx));
  app.post('/admin/sources', adminAddSource(ctx));
  app.post('/admin/sources/:id/scan', adminScanSource(ctx));
  app.post('/admin/sources/:id/remove', adminRemoveSource(ctx));
  app.get('/admin/scans', adminScansPage(ctx));
  app.get('/admin/outbox', adminOutboxPage(ctx));
  app.post('/admin/outbox/:id/retry', adminRetryDigest(ctx));
  app.get('/admin/feedback', adminFeedbackPage(ctx));
  app.post('/admin/feedback/:id/:action', adminModerateFeedback(ctx));
  app.get('/admin/users', adminUsersPage(ctx));
  app.post('/admin/users/:id/admin', adminSetAdmin(ctx));
  app.post('/admin/users/:id/suppress', adminSuppressUser(ctx));
  app.get('/signup', signupPage(ctx));
  app.post('/signup', signupSubmit(ctx));
  app.get('/confirm', confirmPage(ctx));
  app.get('/login', loginPage(ctx));
  app.post('/login', loginSubmit(ctx));
  app.post('/logout', logoutSubmit(ctx));
  app.get('/reset', resetPage(ctx));
  app.post('/reset', resetSubmit(ctx));
  app.get('/reset/confirm', resetConfirmPage(ctx));
  app.post('/reset/confirm', resetConfirmSubmit(ctx));
  app.get('/account', accountPage(ctx));
  app.post('/account/settings', settingsSubmit(ctx));
  app.post('/account/subscriptions', subscribeSubmit(ctx));
  app.post('/account/subscriptions/:id/:action', subscriptionActionSubmit(ctx));
  app.get('/account/email', emailPage(ctx));
  app.post('/account/email', emailSubmit(ctx));
  app.get('/account/email/confirm', emailConfirmPage(ctx));
  app.get('/account/delete', deletePage(ctx));
  app.post('/account/delete', deleteSubmit(ctx));
}
