/**
 * The schema of every route in the route table: its path parameters, query string and form
 * body. Ids and numbers are checked here (a revision id that is not a positive 32-bit whole
 * number is a 400 before any handler runs); HTML pages take their filters leniently (an
 * unknown sort or page number falls back to the default), the API and the widget strictly.
 * Unknown query parameters are allowed everywhere.
 */
import { SUBSCRIPTION_ACTIONS } from '../accounts/subscriptions.ts';
import { FORM_FIELDS } from './advanced-query.ts';
import { CHANGE_KINDS } from './api/changes.ts';
import { ISO_TIME, listPattern } from './api/params.ts';
import { SEARCH_SORTS } from './api/search.ts';
import { TECHNOLOGY_KINDS } from './api/technologies.ts';
import { choice, form, id, int, matching, object, text, type RouteSchema } from './schemas.ts';
import { MAX_COUNT, THEMES } from './widget/params.ts';

/** A route that takes no parameters (unknown ones are ignored). */
const NOTHING: RouteSchema = { querystring: object({}) };
/** A form with nothing but its token. */
const BUTTON = form({});
const params = (props: Parameters<typeof object>[0]) => object(props, Object.keys(props));

const kb = id('a KB number (a positive whole number)');
const revisionId = id('a revision id (a whole number from the revision history)');
/** `/kb/307175`; `KB307175`, `Q307175` and leading zeros redirect to it. */
const kbNumber = matching(
  '^(?:[Kk][Bb]|[Qq])?0*[1-9]\\d{0,8}$',
  'a KB number such as 307175 (KB307175 and Q307175 work too)',
  40,
);
const path = text(1000, 'an article path such as support/windows/x.md');
const token = text(undefined, 'the token of the link you were sent');

export const API_SCHEMAS = {
  search: {
    querystring: object({
      q: text(1000, 'a query in the kbwatch query language'),
      limit: int(1, 100),
      offset: int(0, 10_000),
      sort: choice(SEARCH_SORTS),
    }),
  },
  articleByPath: { querystring: object({ path }) },
  articleByKb: { params: params({ kb }) },
  revisionByKb: { params: params({ kb, id: revisionId }) },
  revisionByPath: { params: params({ id: revisionId }), querystring: object({ path }) },
  technologies: {
    querystring: object({
      q: text(200),
      kind: choice(TECHNOLOGY_KINDS),
      limit: int(1, 500),
      offset: int(0, 100_000),
    }),
  },
  technology: { params: params({ slug: text(500, 'a technology slug, name or alias') }) },
  changes: {
    querystring: object(
      {
        since: matching(
          ISO_TIME,
          'an ISO 8601 date or date-time with a zone such as 2024-01-15 or 2024-01-15T08:00:00Z',
          40,
        ),
        kind: matching(listPattern(CHANGE_KINDS), `a comma-separated list of ${CHANGE_KINDS.join(', ')}`),
        limit: int(1, 1000),
        after: { ...int(0, Number.MAX_SAFE_INTEGER), description: 'a change id, as the next link gives it' },
      },
      ['since'],
    ),
  },
  openApi: NOTHING,
  preflight: { params: params({ '*': text() }) },
} satisfies Record<string, RouteSchema>;

export const PAGE_SCHEMAS = {
  nothing: NOTHING,
  staticAsset: { params: params({ name: text(100) }) },
  search: {
    querystring: object(
      Object.fromEntries(['q', 'sort', 'page', 'tech', 'adv', ...FORM_FIELDS].map((name) => [name, text()])),
    ),
  },
  advanced: { querystring: object({ q: text(), sort: text() }) },
  article: { params: params({ number: kbNumber }), querystring: object({ feedback: text() }) },
  diff: { params: params({ number: kbNumber }), querystring: object({ from: revisionId, to: revisionId }) },
  revision: { params: params({ number: kbNumber, rev: revisionId }) },
  articlePath: {
    params: params({ '*': text() }),
    querystring: object({ revision: revisionId, from: revisionId, to: revisionId, feedback: text() }),
  },
  feedback: {
    body: form(
      {},
      {
        article: { ...id('an article id'), title: 'Article' },
        name: text(),
        contact: text(),
        body: text(),
        website: text(),
      },
    ),
  },
  techIndex: { querystring: object({ q: text(), kind: text(), page: text() }) },
  tech: { params: params({ slug: text() }) },
  techFeed: { params: params({ file: text() }) },
  searchFeed: { querystring: object({ q: text() }) },
  widget: {
    querystring: object({
      tech: text(500),
      q: text(500),
      count: int(1, MAX_COUNT),
      theme: choice(THEMES),
    }),
  },
  link: { querystring: object({ token }) },
  /** One-click posts carry the token in the URL; the page's form carries it in the body. */
  linkPost: {
    querystring: object({ token }),
    body: { type: ['object', 'null'], properties: { token }, additionalProperties: true },
  },
} satisfies Record<string, RouteSchema>;

export const ACCOUNT_SCHEMAS = {
  signup: { body: form({ email: 'E-mail address', password: 'Password' }) },
  confirm: { querystring: object({ token }) },
  loginPage: { querystring: object({ next: text() }) },
  login: { body: form({ email: 'E-mail address', password: 'Password', next: 'next' }) },
  logout: { body: BUTTON },
  reset: { body: form({ email: 'E-mail address' }) },
  resetConfirm: { body: form({ token: 'Link token', password: 'Password' }) },
  account: { querystring: object({ done: text() }) },
  settings: {
    body: form({
      digestHour: 'Digest hour',
      timeZone: 'Time zone',
      cadence: 'Cadence',
      includeMinor: 'includeMinor',
    }),
  },
  subscribe: { body: form({ technology: 'Technology', query: 'Query' }) },
  subscriptionAction: {
    params: params({ id: id('a subscription id'), action: choice(SUBSCRIPTION_ACTIONS) }),
    body: BUTTON,
  },
  email: { body: form({ email: 'New e-mail address', password: 'Current password' }) },
  delete: { body: form({ password: 'Password', confirm: 'Confirmation' }) },
} satisfies Record<string, RouteSchema>;

const done = text(undefined, 'the notice to show');

export const ADMIN_SCHEMAS = {
  notices: { querystring: object({ done }) },
  addSource: { body: form({ kind: 'Kind', name: 'Name', location: 'Location', path: 'Folder' }) },
  source: { params: params({ id: id('a source id') }), body: BUTTON },
  /** "Scan now", and "Allow removals" (allowRemovals=1) after the removal guard stopped a scan. */
  scanSource: {
    params: params({ id: id('a source id') }),
    body: form({}, { allowRemovals: { ...choice(['0', '1']), title: 'Allow removals' } }),
  },
  scans: { querystring: object({ days: text() }) },
  outbox: { querystring: object({ status: text(), done }) },
  retry: { params: params({ id: id('a digest id') }), body: BUTTON },
  moderate: {
    params: params({ id: id('a feedback id'), action: choice(['approve', 'reject']) }),
    body: BUTTON,
  },
  user: { params: params({ id: id('a user id') }), body: form({ on: 'on' }) },
} satisfies Record<string, RouteSchema>;
