import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseMarkdownArticle } from './markdown.ts';
import { sanitizeArticleHtml } from './html.ts';
import { git, repoCopy, sharedSkipReason } from '../../test/shared-kb.ts';

/** The sanitizer's output and ours differ only in how they spell the same markup. */
const normal = (h: string) =>
  h
    .replace(/ \/>/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#39;|&apos;/g, "'");

function assertWithinPolicy(html: string, url: string | null): void {
  assert.equal(normal(sanitizeArticleHtml(html, url)), normal(html), 'the sanitizer would change nothing');
}

const HOSTILE = [
  '# Links',
  '',
  '[script](javascript:alert(1)) [vb](vbscript:msgbox) [proto](//evil.test/x) [ok](https://example.test/a) [mail](mailto:a@b.test) [rel](/troubleshoot/x)',
  '',
  '![data](data:image/png;base64,AAAA) ![rel](media/picture.png) ![abs](https://img.test/p.png)',
  '',
  '```js" onload="alert(1)',
  'code',
  '```',
  '',
  '| a | b |',
  '|:--|--:|',
  '| 1 | 2 |',
  '',
  'Text with "quotes" & <angle> brackets? No: &lt;script&gt; stays text.',
].join('\n');

test('articles without raw HTML skip the sanitizer but keep its policy', () => {
  const a = parseMarkdownArticle('support/x/links.md', `---\ntitle: Links\n---\n${HOSTILE}\n`, {
    urlTemplate: 'learn-support',
  });
  assert.doesNotMatch(a.bodyHtml, /(href|src)="(javascript|vbscript|data):|onload=|evil\.test|style=/);
  assert.match(a.bodyHtml, /href="https:\/\/example\.test\/a"/);
  assert.match(
    a.bodyHtml,
    /src="https:\/\/learn\.microsoft\.com\/en-us\/troubleshoot\/x\/media\/picture\.png"/,
  );
  assert.match(a.bodyHtml, /align="right"/);
  assertWithinPolicy(a.bodyHtml, a.url);
});

test('articles with raw HTML go through the sanitizer', () => {
  const a = parseMarkdownArticle(
    'support/x/raw.md',
    '---\ntitle: Raw\n---\n# Raw\n\nA<br>B <script>alert(1)</script> <img src=x onerror=alert(1)>\n',
    { urlTemplate: 'learn-support' },
  );
  assert.doesNotMatch(a.bodyHtml, /<script|onerror/);
});

const skip = sharedSkipReason();
test('on real articles the fast path equals the sanitizer', { skip, timeout: 120_000 }, () => {
  const repo = repoCopy('support-articles.git');
  const files = git(repo, ['ls-tree', '-r', '--name-only', 'main', 'support/'])
    .trim()
    .split('\n')
    .filter((f) => f.endsWith('.md') && !f.includes('/includes/'));
  const sample = files.filter((_, i) => i % 20 === 0);
  for (const path of sample) {
    const raw = git(repo, ['show', `main:${path}`]);
    const a = parseMarkdownArticle(path, raw, { urlTemplate: 'learn-support', root: 'support/' });
    assertWithinPolicy(a.bodyHtml, a.url);
  }
  assert.ok(sample.length > 250);
});
