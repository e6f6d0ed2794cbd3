/**
 * The digest mail: subject, preview, text and HTML from a user's items, plus the headers that
 * make unsubscribing one click (RFC 8058) and a Message-ID fixed per user and period, so a
 * retried send is recognisably the same message. Every user or article text is escaped in HTML.
 */
import type { DigestItem } from '../match/types.ts';
import { countsText, subjectText, topTechnologies } from './headline.ts';

export { countsLine, subjectOf, topTechnologies } from './headline.ts';

export interface DigestSubscription {
  id: number;
  kind: 'technology' | 'query';
  label: string;
  /** Token of this subscription's mute link. */
  muteToken: string;
}

export interface DigestMailInput {
  baseUrl: string;
  userId: number;
  period: string;
  cadence: 'daily' | 'weekly';
  /** The items shown, in digest order. */
  items: DigestItem[];
  /** What the digest holds in all, when `items` are only its first items (a capped list). */
  totals?: DigestTotals;
  /** The subscriptions that matched at least one item. */
  subscriptions: DigestSubscription[];
  unsubscribeToken: string;
}

/** A digest in all: what its subject and headline count, and where the items not shown are. */
export interface DigestTotals {
  /** Items in the digest, shown or not. */
  items: number;
  /** Of them, new articles. */
  fresh: number;
  /** The technologies the digest is most about, as `topTechnologies` over every item. */
  technologies: string[];
  /** A page of the site listing the items the mail leaves out. */
  moreUrl: string;
}

export interface RenderedDigest {
  subject: string;
  preview: string;
  text: string;
  html: string;
  headers: Record<string, string>;
  messageId: string;
}

/** Items shown in a mail, by default; beyond this the mail counts the rest and links to them. */
export const MAX_ITEMS_SHOWN = 50;

const ESCAPES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};
const esc = (value: unknown): string => String(value).replace(/[&<>"']/g, (c) => ESCAPES[c]);

export function hostOf(baseUrl: string): string {
  return new URL(baseUrl).hostname;
}

export function digestMessageId(baseUrl: string, userId: number, period: string): string {
  return `digest-${userId}-${period}@${hostOf(baseUrl)}`;
}

/** The article on this site: `/kb/<number>`, or `/a/<path>` for articles without one (as the website links them). */
export function articleLink(baseUrl: string, item: Pick<DigestItem, 'kb' | 'path'>): string {
  if (item.kb) return `${baseUrl}/kb/${item.kb}`;
  return `${baseUrl}/a/${item.path.replace(/^\/+/, '').split('/').map(encodeURIComponent).join('/')}`;
}

export function unsubscribeUrl(baseUrl: string, token: string): string {
  return `${baseUrl}/unsubscribe?token=${token}`;
}

export function muteUrl(baseUrl: string, token: string): string {
  return `${baseUrl}/mute?token=${token}`;
}

function changeLine(item: DigestItem): string {
  if (item.kind === 'new') return 'New article';
  const s = item.summary;
  if (!s) return item.minor ? 'Minor update' : 'Updated';
  const where = s.sections.length
    ? `${s.sections.slice(0, 4).join(', ')}${s.sections.length > 4 ? ` and ${s.sections.length - 4} more` : ''}`
    : 'text';
  return `${item.minor ? 'Minor update' : 'Updated'}: ${where} (+${s.wordsAdded} / -${s.wordsRemoved} words)`;
}

const kbLabel = (item: DigestItem) => (item.kb !== null ? `KB${item.kb}` : '');

function reasons(item: DigestItem, subs: Map<number, DigestSubscription>): string {
  return item.subscriptionIds
    .map((id) => subs.get(id))
    .filter((s) => s !== undefined)
    .map((s) => (s.kind === 'query' ? `"${s.label}"` : s.label))
    .join(', ');
}

function preview(items: DigestItem[]): string {
  const text = items
    .slice(0, 3)
    .map((i) => i.title)
    .join(' · ');
  return text.length > 150 ? `${text.slice(0, 149)}…` : text;
}

interface Parts {
  input: DigestMailInput;
  main: DigestItem[];
  minor: DigestItem[];
  hidden: number;
  totals: DigestTotals;
  counts: string;
  subs: Map<number, DigestSubscription>;
  link: Map<DigestItem, string>;
}

function renderText({ input, main, minor, hidden, totals, counts, subs, link }: Parts): string {
  const { baseUrl } = input;
  const lines: string[] = [`kbwatch ${input.cadence} digest, ${input.period}: ${counts}`, ''];
  for (const item of main) {
    lines.push(`* ${item.title}${item.kb !== null ? ` (${kbLabel(item)})` : ''}`);
    lines.push(`  ${changeLine(item)}`);
    if (item.technologies.length) lines.push(`  Technologies: ${item.technologies.slice(0, 5).join(', ')}`);
    lines.push(`  Because you follow: ${reasons(item, subs)}`);
    lines.push(`  ${link.get(item)}`, '');
  }
  if (minor.length) {
    lines.push(`Minor updates (${minor.length}):`);
    for (const item of minor)
      lines.push(`- ${item.title}${item.kb !== null ? ` (${kbLabel(item)})` : ''}: ${link.get(item)}`);
    lines.push('');
  }
  if (hidden) lines.push(`…and ${hidden} more on ${totals.moreUrl}`, '');
  lines.push('-- ', 'You get this digest because you follow:');
  for (const s of input.subscriptions)
    lines.push(`- ${s.kind === 'query' ? `"${s.label}"` : s.label} (mute: ${muteUrl(baseUrl, s.muteToken)})`);
  lines.push(
    `Manage subscriptions and digest time: ${baseUrl}/account`,
    `Unsubscribe from all digests: ${unsubscribeUrl(baseUrl, input.unsubscribeToken)}`,
    '',
  );
  return lines.join('\n');
}

/** Styles once in the head (every major client reads them now), so each item is a few tags. */
const STYLE = `body{font-family:Segoe UI,Arial,sans-serif;color:#222;max-width:640px;margin:0 auto;padding:16px}
h1{font-size:20px}h2{font-size:16px}ul{padding-left:18px}li.i{margin:0 0 16px}a.t{font-weight:bold}
.m{color:#555}.w{color:#777;font-size:13px}.f{font-size:13px;color:#555}.p{display:none;max-height:0;overflow:hidden}`;

function renderHtml(
  { input, main, minor, hidden, totals, counts, subs, link }: Parts,
  subject: string,
  previewText: string,
): string {
  const { baseUrl } = input;
  const kb = (item: DigestItem) => (item.kb !== null ? ` <span class="m">${kbLabel(item)}</span>` : '');
  const items = main.map(
    (item) =>
      `<li class="i"><a class="t" href="${esc(link.get(item))}">${esc(item.title)}</a>${kb(item)}<br>${esc(changeLine(item))}<br>` +
      `${item.technologies.length ? `<span class="m">${esc(item.technologies.slice(0, 5).join(', '))}</span><br>` : ''}<span class="w">Because you follow ${esc(reasons(item, subs))}</span></li>`,
  );
  const minorHtml = minor.length
    ? `<h2>Minor updates (${minor.length})</h2>\n<ul>${minor.map((i) => `<li><a href="${esc(link.get(i))}">${esc(i.title)}</a>${kb(i)}</li>`).join('\n')}</ul>`
    : '';
  const follows = input.subscriptions
    .map(
      (s) =>
        `<li>${esc(s.kind === 'query' ? `"${s.label}"` : s.label)} – <a href="${esc(muteUrl(baseUrl, s.muteToken))}">mute</a></li>`,
    )
    .join('\n');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width"><title>${esc(subject)}</title><style>${STYLE}</style></head>
<body>
<div class="p">${esc(previewText)}</div>
<h1>kbwatch ${esc(input.cadence)} digest, ${esc(input.period)}: ${esc(counts)}</h1>
<ul>
${items.join('\n')}
</ul>
${minorHtml}
${hidden ? `<p>…and ${hidden} more on <a href="${esc(totals.moreUrl)}">kbwatch</a>.</p>` : ''}
<hr>
<p class="f">You get this digest because you follow:</p>
<ul class="f">${follows}</ul>
<p class="f"><a href="${esc(baseUrl)}/account">Manage subscriptions and digest time</a> · <a href="${esc(unsubscribeUrl(baseUrl, input.unsubscribeToken))}">Unsubscribe from all digests</a></p>
</body></html>
`;
}

/** The totals of a list given whole: the mail shows its first MAX_ITEMS_SHOWN, the site the rest. */
function totalsOf(input: DigestMailInput): DigestTotals {
  const fresh = input.items.filter((i) => i.kind === 'new').length;
  return {
    items: input.items.length,
    fresh,
    technologies: topTechnologies(input.items, input.subscriptions),
    moreUrl: `${input.baseUrl}/`,
  };
}

/**
 * The mail of one digest. `items` are shown as given when `totals` says what the digest holds in
 * all (the composer caps the list); otherwise the first MAX_ITEMS_SHOWN of them.
 */
export function renderDigest(input: DigestMailInput): RenderedDigest {
  const totals = input.totals ?? totalsOf(input);
  const shown = input.totals ? input.items : input.items.slice(0, MAX_ITEMS_SHOWN);
  const main = shown.filter((i) => !i.minor);
  const minor = shown.filter((i) => i.minor);
  const hidden = Math.max(0, totals.items - shown.length);
  const subs = new Map(input.subscriptions.map((s) => [s.id, s]));
  const link = new Map(shown.map((i) => [i, articleLink(input.baseUrl, i)]));
  const counts = countsText(totals.fresh, totals.items - totals.fresh);
  const parts: Parts = { input, main, minor, hidden, totals, counts, subs, link };
  const previewText = preview(shown);
  const host = hostOf(input.baseUrl);
  const subject = subjectText(counts, totals.technologies);
  return {
    subject,
    preview: previewText,
    text: renderText(parts),
    html: renderHtml(parts, subject, previewText),
    headers: {
      'List-Unsubscribe': `<${unsubscribeUrl(input.baseUrl, input.unsubscribeToken)}>, <mailto:unsubscribe@${host}?subject=unsubscribe%20${input.unsubscribeToken}>`,
      'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click',
      'List-Id': `kbwatch digest <digest.${host}>`,
      'Auto-Submitted': 'auto-generated',
    },
    messageId: digestMessageId(input.baseUrl, input.userId, input.period),
  };
}
