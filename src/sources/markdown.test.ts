import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { isArticlePath, parseMarkdownArticle, publicUrl, validateUrlTemplate } from './markdown.ts';
import { splitCustomTags, splitProductList } from './markdown-fields.ts';
import { resolveIncludePath } from './includes.ts';

const ARTICLE = `---
title: Short title from front matter
description: Provides a solution to an "Access Denied" error.
ms.date: 3/7/2022
ms.prod: windows-server
ms.technology: networking
ms.custom: sap:tcp/ip-communications, csstroubleshoot
appliesto:
  - Windows Server 2022
---
# Error "Access Denied" on \`www.microsoft.com\`

This article provides a solution to an issue.

_Applies to:_ &nbsp; Windows Server 2012 R2, Windows 10, version 1809 and later versions, Windows Server 2022  
_Original KB number:_ &nbsp; 2674416, 2674417

## Symptoms

You receive **Access Denied** <script>alert(1)</script> when you visit a [site](https://example.com/x) or [a sibling](../other/y.md).

> [!NOTE]
> A note <ComputerName> stays readable.

![diagram](./media/pic.png) <img src="x" onerror="alert(1)"> [bad](javascript:alert(1))
`;

const opts = { urlTemplate: 'learn-support' };

describe('parseMarkdownArticle', () => {
  const a = parseMarkdownArticle('support/windows-server/networking/access-denied.md', ARTICLE, opts);

  test('fields come from the body lines and the front matter', () => {
    assert.equal(a.kb, 2674416);
    assert.equal(a.title, 'Error "Access Denied" on www.microsoft.com');
    assert.equal(a.description, 'Provides a solution to an "Access Denied" error.');
    assert.deepEqual(a.products, [
      'Windows Server 2012 R2',
      'Windows 10, version 1809 and later versions',
      'Windows Server 2022',
    ]);
    assert.deepEqual(a.areas, ['windows-server', 'networking']);
    assert.deepEqual(a.keywords, ['sap:tcp/ip-communications']);
    assert.equal(a.lastReviewed, '2022-03-07');
    assert.equal(
      a.url,
      'https://learn.microsoft.com/en-us/troubleshoot/windows-server/networking/access-denied',
    );
    assert.equal(a.meta.title, 'Short title from front matter');
    assert.deepEqual(a.meta.appliesto, ['Windows Server 2022']);
    assert.ok(a.text.startsWith('# Error "Access Denied"'), 'text is the Markdown body without front matter');
  });

  test('body HTML is sanitized and plain text has no markup', () => {
    assert.doesNotMatch(a.bodyHtml, /<script|onerror=|href="javascript/i);
    assert.match(a.bodyHtml, /&lt;script&gt;alert\(1\)&lt;\/script&gt;/);
    assert.match(a.bodyHtml, /<a href="https:\/\/example.com\/x">site<\/a>/);
    assert.match(a.bodyHtml, /<a href="..\/other\/y.md">a sibling<\/a>/);
    assert.match(
      a.bodyHtml,
      /<img src="https:\/\/learn.microsoft.com\/en-us\/troubleshoot\/windows-server\/networking\/media\/pic.png" alt="diagram"/,
    );
    assert.match(a.bodyHtml, /<blockquote>\s*<p>\[!NOTE\]/);
    assert.match(a.plainText, /^Error "Access Denied" on www.microsoft.com This article provides/);
    assert.match(a.plainText, /A note <ComputerName> stays readable\./);
    assert.match(
      a.plainText,
      /You receive Access Denied <script>alert\(1\)<\/script> when/,
      'text the author wrote stays text',
    );
    assert.doesNotMatch(a.plainText, /\s{2}|<\/?(p|strong|em|h\d|a|code|img)\b|\*\*|&nbsp;|&lt;|&quot;/);
  });

  test('title falls back to the front matter; no title at all is an error', () => {
    const b = parseMarkdownArticle('support/a/b.md', '---\ntitle: From meta\n---\nJust text.\n', opts);
    assert.equal(b.title, 'From meta');
    assert.equal(b.description, 'Just text.');
    assert.throws(
      () => parseMarkdownArticle('support/a/c.md', '---\ndescription: x\n---\nJust text.\n', opts),
      /markdown article support\/a\/c.md: no title/,
    );
  });

  test('KB number and product line variants', () => {
    const body = (line: string) => parseMarkdownArticle('support/x/y.md', `# T\n\n${line}\n`, opts);
    assert.equal(body('_Original KB number:_&nbsp;263936').kb, 263936);
    assert.equal(body('_Original KB number:_ 4051210  ').kb, 4051210);
    assert.equal(body('No number here.').kb, null);
    assert.deepEqual(body('_Original product version:_ &nbsp; SQL Server 2005 \\').products, [
      'SQL Server 2005',
    ]);
    assert.deepEqual(body('_Applies to_: Visual Studio 2015').products, ['Visual Studio 2015']);
    assert.deepEqual(
      body(
        '## Applies to\n\n- SQL Server 2017 on Linux (all editions)\n- SQL Server 2016 Enterprise\n\n## Next',
      ).products,
      ['SQL Server 2017 on Linux (all editions)', 'SQL Server 2016 Enterprise'],
    );
  });

  test('front matter lists and strings for appliesto, ms.custom and areas', () => {
    const md = `---\ntitle: T\nappliesto: Exchange Online, Exchange Server 2019\nms.custom:\n  - sap:Mail Flow\n  - CSSTroubleshoot\n  - CI 114797\n  - Exchange Online\nms.service: [exchange-online, exchange]\nms.date: 2024-01-24\n---\nBody.\n`;
    const b = parseMarkdownArticle('Exchange/ExchangeOnline/mail-flow/x.md', md, {
      urlTemplate: 'learn-office',
    });
    assert.deepEqual(b.products, ['Exchange Online', 'Exchange Server 2019']);
    assert.deepEqual(b.keywords, ['sap:Mail Flow', 'Exchange Online']);
    assert.deepEqual(b.areas, ['Exchange', 'ExchangeOnline', 'exchange-online']);
    assert.equal(b.lastReviewed, '2024-01-24');
    assert.equal(b.url, 'https://learn.microsoft.com/en-us/exchange/troubleshoot/mail-flow/x');
  });

  test('ms.custom strings keep sap: names that contain commas', () => {
    assert.deepEqual(splitCustomTags('sap:Installation, Patching and Upgrade'), [
      'sap:Installation, Patching and Upgrade',
    ]);
    assert.deepEqual(splitCustomTags('sap:Health, diagnostic, and performance features'), [
      'sap:Health, diagnostic, and performance features',
    ]);
    assert.deepEqual(splitCustomTags('sap:devices-and-drivers, csstroubleshoot, Evergreen'), [
      'sap:devices-and-drivers',
      'csstroubleshoot',
      'Evergreen',
    ]);
    assert.deepEqual(splitProductList('Windows 10, version 1703, Windows 8.1; Windows 7、Windows Vista'), [
      'Windows 10, version 1703',
      'Windows 8.1',
      'Windows 7',
      'Windows Vista',
    ]);
  });

  test('ms.date that is missing or not a date gives null', () => {
    assert.equal(
      parseMarkdownArticle('s/x.md', '---\ntitle: T\nms.date: 13/45/2022\n---\n', opts).lastReviewed,
      null,
    );
    assert.equal(parseMarkdownArticle('s/x.md', '---\ntitle: T\n---\n', opts).lastReviewed, null);
  });
});

describe('includes', () => {
  const files: Record<string, string> = {
    'support/includes/disclaimer.md':
      '---\nms.topic: include\n---\n**Third-party disclaimer**\n\nSome products.\n',
    'support/includes/nested.md': 'Outer [!INCLUDE[x](disclaimer.md)] end',
    'support/includes/loop.md': '[!INCLUDE [self](loop.md)]\n',
  };
  const readInclude = (p: string) => files[p];
  const parse = (body: string) =>
    parseMarkdownArticle('support/sql/perf/a.md', `# T\n\n${body}\n`, { ...opts, readInclude });

  test('a line with an include is replaced by the included body, with the same prefix', () => {
    const a = parse(
      '[!INCLUDE [Third-party disclaimer](../../includes/disclaimer.md)]\n\n> [!INCLUDE[d](../../includes/disclaimer.md)]',
    );
    assert.match(a.text, /^\*\*Third-party disclaimer\*\*\n\nSome products\.$/m);
    assert.match(a.text, /^> \*\*Third-party disclaimer\*\*\n>\n> Some products\.$/m);
    assert.doesNotMatch(a.text, /ms\.topic|INCLUDE/);
    assert.match(a.plainText, /Third-party disclaimer Some products\./);
  });

  test('inline and nested includes, cycles and unresolvable ones stay as text', () => {
    const a = parse(
      'See [!INCLUDE [n](../../includes/nested.md)] here.\n\n[!INCLUDE [loop](../../includes/loop.md)]\n\n[!INCLUDE [gone](../../includes/missing.md)]\n\n[!INCLUDE [escape](../../../../etc/passwd)]',
    );
    assert.match(a.text, /See Outer \*\*Third-party disclaimer\*\* Some products\. end here\./);
    assert.match(a.text, /\[!INCLUDE \[self\]\(loop\.md\)\]/);
    assert.match(a.text, /\[!INCLUDE \[gone\]\(..\/..\/includes\/missing\.md\)\]/);
    assert.match(a.text, /\[!INCLUDE \[escape\]/);
  });

  test('include paths are resolved inside the repository only', () => {
    assert.equal(resolveIncludePath('support/sql/perf/a.md', '../../includes/x.md'), 'support/includes/x.md');
    assert.equal(resolveIncludePath('support/a.md', './includes/x%20y.md#part'), 'support/includes/x y.md');
    assert.equal(resolveIncludePath('support/a.md', '../../x.md'), null);
    assert.equal(resolveIncludePath('a.md', '/etc/passwd'), null);
    assert.equal(resolveIncludePath('a.md', 'https://example.com/x.md'), null);
  });
});

describe('errors', () => {
  test('binary, invalid UTF-8, oversize and broken front matter are clear errors', () => {
    assert.throws(
      () => parseMarkdownArticle('support/b.md', Buffer.from([0x23, 0x20, 0x41, 0x00, 0x42]), opts),
      /support\/b\.md: binary content/,
    );
    assert.throws(
      () => parseMarkdownArticle('support/u.md', Buffer.from([0x23, 0x20, 0xc3, 0x28]), opts),
      /support\/u\.md: not valid UTF-8/,
    );
    assert.throws(
      () => parseMarkdownArticle('support/big.md', '# T\n' + 'x'.repeat(2000), { ...opts, maxBytes: 1000 }),
      /2004 bytes is larger than the limit of 1000/,
    );
    assert.throws(
      () => parseMarkdownArticle('support/y.md', '---\ntitle: [unclosed\n---\n# T\n', opts),
      /support\/y\.md: broken YAML front matter/,
    );
    assert.throws(
      () => parseMarkdownArticle('support/l.md', '---\n- a\n- b\n---\n# T\n', opts),
      /broken YAML front matter: not a mapping/,
    );
  });

  test('a byte order mark and CRLF line ends are fine', () => {
    const a = parseMarkdownArticle(
      'support/w.md',
      Buffer.from('\uFEFF---\r\ntitle: T\r\nms.date: 01/02/2020\r\n---\r\n# Heading\r\n\r\nText.\r\n'),
      opts,
    );
    assert.equal(a.title, 'Heading');
    assert.equal(a.lastReviewed, '2020-01-02');
    assert.doesNotMatch(a.text, /\r/);
  });
});

describe('publicUrl', () => {
  test('learn-support drops support/ and .md', () => {
    assert.equal(
      publicUrl('support/windows-server/networking/x.md', 'learn-support'),
      'https://learn.microsoft.com/en-us/troubleshoot/windows-server/networking/x',
    );
  });

  test('learn-office maps each docset folder', () => {
    const cases: [string, string | null][] = [
      ['Exchange/ExchangeOnline/R.md', 'https://learn.microsoft.com/en-us/exchange/troubleshoot/R'],
      [
        'Exchange/ExchangeServer/setup/R.md',
        'https://learn.microsoft.com/en-us/exchange/troubleshoot/setup/R',
      ],
      ['Microsoft365/admin/R.md', 'https://learn.microsoft.com/en-us/microsoft-365/troubleshoot/R'],
      ['Office/Client/excel/R.md', 'https://learn.microsoft.com/en-us/office/troubleshoot/excel/R'],
      ['Outlook/Mac/R.md', 'https://learn.microsoft.com/en-us/outlook/troubleshoot/R'],
      [
        'SharePoint/SharePointOnline/sites/R.md',
        'https://learn.microsoft.com/en-us/sharepoint/troubleshoot/sites/R',
      ],
      [
        'SkypeforBusiness/SkypeServer/R.md',
        'https://learn.microsoft.com/en-us/skypeforbusiness/troubleshoot/R',
      ],
      ['Teams/meetings/R.md', 'https://learn.microsoft.com/en-us/microsoftteams/troubleshoot/meetings/R'],
      [
        'Viva/Glint/Some-Article.md',
        'https://learn.microsoft.com/en-us/viva/troubleshoot/glint/some-article',
      ],
      ['includes/x.md', null],
      ['README.md', null],
    ];
    for (const [path, url] of cases) assert.equal(publicUrl(path, 'learn-office'), url, path);
  });

  test('custom templates with {path} or {file}; anything else is rejected', () => {
    assert.equal(publicUrl('docs/a b.md', 'https://example.com/{path}'), 'https://example.com/docs/a%20b');
    assert.equal(
      publicUrl('docs/a.md', 'https://github.com/o/r/blob/main/{file}'),
      'https://github.com/o/r/blob/main/docs/a.md',
    );
    assert.throws(() => validateUrlTemplate('https://example.com/'), /no \{path\} or \{file\}/);
    assert.throws(() => publicUrl('a.md', 'nope'), /URL template "nope"/);
  });
});

describe('isArticlePath', () => {
  test('only *.md articles under the root', () => {
    const yes = ['support/windows/x.md', 'support/a/b/c/d.md'];
    const no = [
      'support/includes/x.md',
      'support/sql/includes/p/x.md',
      'support/index.md',
      'support/a/toc.md',
      'support/a/TOC.md',
      'support/toc.yml',
      'support/a/x.yml',
      'other/x.md',
      'support/a/x.MD.txt',
    ];
    for (const p of yes) assert.equal(isArticlePath(p, 'support/'), true, p);
    for (const p of no) assert.equal(isArticlePath(p, 'support/'), false, p);
    assert.equal(isArticlePath('support/x.md', 'support'), true);
  });

  test('a whole repository: top-level housekeeping files are not articles', () => {
    for (const p of [
      'README.md',
      'SECURITY.md',
      'CONTRIBUTING.md',
      'includes/x.md',
      '.github/PULL_REQUEST_TEMPLATE.md',
    ])
      assert.equal(isArticlePath(p, ''), false, p);
    for (const p of ['Exchange/ExchangeOnline/x.md', 'Teams/README.md'])
      assert.equal(isArticlePath(p, ''), true, p);
  });
});
