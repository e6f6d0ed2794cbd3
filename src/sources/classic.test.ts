import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { KB_DIR, sharedSkipReason } from '../../test/shared-kb.ts';
import type { FileResult } from './bytes.ts';
import { classicDate, parseClassicArticle, readClassicSource } from './classic.ts';
import { normalizeMemberPath, readTar } from './tar.ts';

const DISCLAIMER = `=============================================================================

THE INFORMATION PROVIDED IN THE MICROSOFT KNOWLEDGE BASE IS
PROVIDED "AS IS" WITHOUT WARRANTY OF ANY KIND.  MICROSOFT DISCLAIMS
ALL WARRANTIES, EITHER EXPRESS OR IMPLIED.

Copyright Microsoft Corporation 2001.`;

const Q127144 = `DOCUMENT:Q127144  08-AUG-2001  [winnt]
TITLE   :Windows NT WinSock Listen (Backlog) Parameter Limit
PRODUCT :Microsoft Windows NT
PROD/VER:winnt:3.5,3.51,4.0
OPER/SYS:
KEYWORDS:kbnetwork kbAPI kbSDKPlatform kbWinsock kbGrpDSNet

======================================================================
-------------------------------------------------------------------------------
The information in this article applies to:

 - Microsoft Windows NT Workstation versions 3.5, 3.51, 4.0 
 - Microsoft Windows NT Server versions 3.5, 3.51, 4.0 
-------------------------------------------------------------------------------

The WinSock listen() call backlog parameter under Windows NT version 3.5
and 3.51 accepts a maximum value of 100.

The maximum backlog parameter is 5 on Windows NT 4.0 Workstation, and 200 on Windows NT 4.0 Server.

Additional query words: prodnt

======================================================================
Keywords          : kbnetwork kbAPI kbSDKPlatform kbWinsock kbGrpDSNet 
Technology        : kbWinNTsearch kbWinNTW400
Version           : winnt:3.5,3.51,4.0

${DISCLAIMER}`.replace(/\n/g, '\r\n');

const BODY = `The WinSock listen() call backlog parameter under Windows NT version 3.5
and 3.51 accepts a maximum value of 100.

The maximum backlog parameter is 5 on Windows NT 4.0 Workstation, and 200 on Windows NT 4.0 Server.`;

const temp = mkdtempSync(join(tmpdir(), 'kbwatch-classic-test-'));
after(() => rmSync(temp, { recursive: true, force: true }));

describe('parseClassicArticle', () => {
  test('Q127144, every field', () => {
    const a = parseClassicArticle('txt/127/Q127144.TXT', Buffer.from(Q127144, 'latin1'));
    assert.deepEqual(a, {
      path: 'txt/127/Q127144.TXT',
      kb: 127144,
      title: 'Windows NT WinSock Listen (Backlog) Parameter Limit',
      description:
        'The WinSock listen() call backlog parameter under Windows NT version 3.5 and 3.51 accepts a maximum value of 100.',
      text: BODY,
      bodyHtml:
        '<p>The WinSock listen() call backlog parameter under Windows NT version 3.5\nand 3.51 accepts a maximum value of 100.</p>\n' +
        '<p>The maximum backlog parameter is 5 on Windows NT 4.0 Workstation, and 200 on Windows NT 4.0 Server.</p>',
      plainText: BODY.replace(/\s+/g, ' '),
      products: [
        'Microsoft Windows NT',
        'Microsoft Windows NT Workstation versions 3.5, 3.51, 4.0',
        'Microsoft Windows NT Server versions 3.5, 3.51, 4.0',
      ],
      areas: ['winnt'],
      keywords: ['kbnetwork', 'kbAPI', 'kbSDKPlatform', 'kbWinsock', 'kbGrpDSNet'],
      lastReviewed: '2001-08-08',
      url: 'https://support.microsoft.com/kb/127144',
      meta: {
        DOCUMENT: 'Q127144',
        DATE: '08-AUG-2001',
        TAGS: ['winnt'],
        TITLE: 'Windows NT WinSock Listen (Backlog) Parameter Limit',
        PRODUCT: 'Microsoft Windows NT',
        'PROD/VER': 'winnt:3.5,3.51,4.0',
        'OPER/SYS': '',
        KEYWORDS: 'kbnetwork kbAPI kbSDKPlatform kbWinsock kbGrpDSNet',
        'Additional query words': 'prodnt',
        Keywords: 'kbnetwork kbAPI kbSDKPlatform kbWinsock kbGrpDSNet',
        Technology: 'kbWinNTsearch kbWinNTW400',
        Version: 'winnt:3.5,3.51,4.0',
      },
    });
  });

  test('no DOCUMENT header, or binary data, is an error', () => {
    assert.throws(
      () => parseClassicArticle('txt/x/Q1.TXT', Buffer.from('TITLE   :No document line\r\n\r\nBody')),
      /classic article txt\/x\/Q1.TXT: no "DOCUMENT:Q…" header/,
    );
    assert.throws(
      () => parseClassicArticle('txt/x/Q2.TXT', Buffer.from([0x44, 0x4f, 0x00, 0x01])),
      /txt\/x\/Q2.TXT: binary content/,
    );
  });

  test('hostile content comes out as text', () => {
    const raw = `DOCUMENT:Q1  01-JAN-2000  [x]\nTITLE   :<b>T</b>\nPRODUCT :\nPROD/VER:\nOPER/SYS:\nKEYWORDS:\n\n====================\nSYMPTOMS\n========\n\n<script>alert("x")</script> & <img src=x onerror=alert(1)>\nSee http://example.com/a?b=1&c=2 now.\n\n${DISCLAIMER}`;
    const a = parseClassicArticle('Q1.TXT', Buffer.from(raw));
    assert.doesNotMatch(a.bodyHtml, /<script|<img|onerror="|<b>/);
    assert.match(
      a.bodyHtml,
      /^<h2>SYMPTOMS<\/h2>\n<p>&lt;script&gt;alert\(&quot;x&quot;\)&lt;\/script&gt; &amp; &lt;img src=x onerror=alert\(1\)&gt;/,
    );
    assert.match(
      a.bodyHtml,
      /See <a href="http:\/\/example.com\/a\?b=1&amp;c=2">http:\/\/example.com\/a\?b=1&amp;c=2<\/a> now\./,
    );
    assert.equal(a.title, '<b>T</b>');
    assert.equal(
      a.description,
      '<script>alert("x")</script> & <img src=x onerror=alert(1)> See http://example.com/a?b=1&c=2 now.',
    );
    assert.deepEqual(a.products, []);
  });

  test('old bytes decode as Windows-1252; no applies-to block, no trailer, indented text', () => {
    const raw = Buffer.concat([
      Buffer.from('DOCUMENT:Q162512  30-JUL-2001  [sna] [winnt]\r\nTITLE   :WINSLI Applications Don'),
      Buffer.from([0x92]),
      Buffer.from(
        't Show User\r\nPRODUCT :Microsoft SNA Server\r\nPROD/VER:WINDOWS:2.11; winnt:4.0\r\nOPER/SYS:\r\nKEYWORDS:kbnetwork\r\n\r\n',
      ),
      Buffer.from(
        '======================================================================\r\nSUMMARY\r\n=======\r\n\r\nA paragraph \x1b[1m.\r\n\r\n   indented  code   line\r\n      more\r\n\r\nKBCategory: kbref\r\nKBSubcategory: sna\r\n\r\n',
      ),
      Buffer.from(DISCLAIMER),
    ]);
    const a = parseClassicArticle('txt/162/Q162512.TXT', raw);
    assert.equal(a.title, 'WINSLI Applications Don’t Show User');
    assert.deepEqual(a.areas, ['sna', 'winnt', 'WINDOWS']);
    assert.deepEqual(a.products, ['Microsoft SNA Server']);
    assert.equal(a.lastReviewed, '2001-07-30');
    assert.equal(a.description, 'A paragraph \x1b[1m.');
    assert.equal(a.text, 'SUMMARY\n=======\n\nA paragraph \x1b[1m.\n\n   indented  code   line\n      more');
    assert.equal(
      a.bodyHtml,
      '<h2>SUMMARY</h2>\n<p>A paragraph \u241b[1m.</p>\n<pre>   indented  code   line\n      more</pre>',
    );
    assert.equal(a.plainText, 'SUMMARY A paragraph [1m. indented code line more');
    assert.equal(a.meta.KBCategory, 'kbref');
  });

  test('nested applies-to items lose their connectors', () => {
    const raw = `DOCUMENT:Q2  01-JAN-2000  [x]\nTITLE   :T\nPRODUCT :P\nPROD/VER:\nOPER/SYS:\nKEYWORDS:\n\n====================\n--------------------\nThe information in this article applies to:\n\n - Microsoft Outlook 97, used with:\n    - the operating system: Microsoft Windows 95\n - Microsoft Internet Explorer versions 4.0, 4.01, 5\n   for Windows 95\n--------------------\n\nBody.\n`;
    assert.deepEqual(parseClassicArticle('Q2.TXT', Buffer.from(raw)).products, [
      'P',
      'Microsoft Outlook 97',
      'Microsoft Windows 95',
      'Microsoft Internet Explorer versions 4.0, 4.01, 5 for Windows 95',
    ]);
  });

  test('dates', () => {
    assert.equal(classicDate('08-AUG-2001'), '2001-08-08');
    assert.equal(classicDate('31-FEB-2001'), null);
    assert.equal(classicDate(undefined), null);
  });
});

async function collect(it: AsyncIterable<FileResult>): Promise<FileResult[]> {
  const out: FileResult[] = [];
  for await (const f of it) out.push(f);
  return out;
}

describe('readClassicSource', () => {
  const tree = join(temp, 'tree');
  mkdirSync(join(tree, 'txt', '127'), { recursive: true });
  mkdirSync(join(tree, 'txt', '010'), { recursive: true });
  writeFileSync(join(tree, 'txt', '127', 'Q127144.TXT'), Q127144);
  writeFileSync(
    join(tree, 'txt', '010', 'Q10022.txt'),
    'DOCUMENT:Q10022  01-JAN-1990  [x]\r\nTITLE   :Lower case\r\n',
  );
  writeFileSync(join(tree, 'txt', 'notes.md'), 'not an article');
  symlinkSync('/etc/hostname', join(tree, 'txt', '010', 'Q99999.TXT'));

  test('a directory is walked in sorted order; other files and symbolic links are skipped', async () => {
    const files = await collect(readClassicSource(tree));
    assert.deepEqual(
      files.map((f) => f.path),
      ['txt/010/Q10022.txt', 'txt/127/Q127144.TXT'],
    );
    assert.equal(
      parseClassicArticle(files[1].path, 'data' in files[1] ? files[1].data : Buffer.alloc(0)).kb,
      127144,
    );
  });

  test('.tar, .tar.gz and .tar.xz archives stream the same files', async () => {
    for (const [name, flag] of [
      ['a.tar', ''],
      ['a.tar.gz', 'z'],
      ['a.tgz', 'z'],
      ['a.tar.xz', 'J'],
    ]) {
      execFileSync('tar', [`-c${flag}f`, join(temp, name), '-C', tree, 'txt']);
      const files = await collect(readClassicSource(join(temp, name)));
      assert.deepEqual(files.map((f) => f.path).sort(), ['txt/010/Q10022.txt', 'txt/127/Q127144.TXT'], name);
      const q = files.find((f) => f.path.endsWith('Q127144.TXT'))!;
      assert.equal('data' in q && q.data.toString('latin1'), Q127144);
    }
  });

  test('missing locations, unknown kinds and broken archives reject clearly', async () => {
    await assert.rejects(
      collect(readClassicSource(join(temp, 'nope'))),
      /classic source: cannot read .*nope: ENOENT/,
    );
    writeFileSync(join(temp, 'x.zip'), 'zip');
    await assert.rejects(collect(readClassicSource(join(temp, 'x.zip'))), /neither a directory nor a .tar/);
    writeFileSync(join(temp, 'bad.tar.xz'), 'not xz at all');
    await assert.rejects(
      collect(readClassicSource(join(temp, 'bad.tar.xz'))),
      /classic source: xz could not read .*bad\.tar\.xz/,
    );
    writeFileSync(join(temp, 'bad.tar.gz'), 'not gzip');
    await assert.rejects(
      collect(readClassicSource(join(temp, 'bad.tar.gz'))),
      /classic source: reading .*bad\.tar\.gz failed/,
    );
  });
});

/** One tar member: a ustar header block and the padded data. */
function tarEntry(name: string, data: string | Buffer, type = '0'): Buffer {
  const body = Buffer.from(data);
  const header = Buffer.alloc(512);
  header.write(name.slice(0, 100), 0);
  header.write('0000644\0', 100);
  header.write(body.length.toString(8).padStart(11, '0') + '\0', 124);
  header.write(' '.repeat(8), 148);
  header.write(type, 156);
  header.write('ustar\x0000', 257);
  let sum = 0;
  for (const b of header) sum += b;
  header.write(sum.toString(8).padStart(6, '0') + '\0 ', 148);
  return Buffer.concat([header, body, Buffer.alloc((512 - (body.length % 512)) % 512)]);
}

function pax(path: string): string {
  const record = ` path=${path}\n`;
  let length = record.length;
  length += String(length + String(length).length).length;
  return `${length}${record}`;
}

describe('readTar', () => {
  const accept = (p: string) => p.endsWith('.TXT');

  test('pax and GNU long names, path normalization, size limit', async () => {
    const long = `txt/${'d'.repeat(120)}/Q1.TXT`;
    const archive = Buffer.concat([
      tarEntry('PaxHeader', pax(long), 'x'),
      tarEntry('ignored-short-name', 'one'),
      tarEntry('././@LongLink', `txt/${'e'.repeat(110)}/Q2.TXT\0`, 'L'),
      tarEntry('short', 'two'),
      tarEntry('./txt/../txt//Q3.TXT', 'three'),
      tarEntry('../../etc/Q4.TXT', 'escapes'),
      tarEntry('txt/dir/', '', '5'),
      tarEntry('txt/big.TXT', 'x'.repeat(2000)),
      Buffer.alloc(1024),
    ]);
    const files = await collect(
      readTar([archive.subarray(0, 700), archive.subarray(700)], { accept, maxFileBytes: 1000 }),
    );
    assert.deepEqual(
      files.map((f) => ('data' in f ? [f.path, f.data.toString()] : [f.path, f.error])),
      [
        [long, 'one'],
        [`txt/${'e'.repeat(110)}/Q2.TXT`, 'two'],
        ['txt/Q3.TXT', 'three'],
        ['txt/big.TXT', 'classic source: txt/big.TXT is 2000 bytes, larger than the limit of 1000'],
      ],
    );
  });

  test('a corrupt header or a cut archive is an error', async () => {
    const good = tarEntry('txt/Q1.TXT', 'one');
    const bad = Buffer.from(good);
    bad[0] ^= 1;
    await assert.rejects(collect(readTar([bad], { accept })), /bad header checksum/);
    await assert.rejects(collect(readTar([good.subarray(0, 600)], { accept })), /ends inside txt\/Q1.TXT/);
  });

  test('member paths never climb out', () => {
    assert.equal(normalizeMemberPath('./a//b/../c'), 'a/c');
    assert.equal(normalizeMemberPath('../x'), null);
    assert.equal(normalizeMemberPath('/abs/x'), 'abs/x');
  });
});

describe('the real classic archive', () => {
  const skip = sharedSkipReason('kbarchive-classic.tar.xz');

  test('8,000 files stream and parse without an error', { skip, timeout: 120_000 }, async () => {
    const errors: string[] = [];
    let parsed = 0;
    let withProducts = 0;
    for await (const f of readClassicSource(join(KB_DIR, 'kbarchive-classic.tar.xz'))) {
      try {
        if ('error' in f) throw new Error(f.error);
        const a = parseClassicArticle(f.path, f.data);
        assert.equal(`Q${a.kb}.TXT`, f.path.split('/').pop());
        assert.doesNotMatch(
          a.text,
          /THE INFORMATION PROVIDED IN THE MICROSOFT KNOWLEDGE BASE|^Keywords {10}:/m,
        );
        if (a.products.length > 0) withProducts++;
      } catch (e) {
        errors.push(`${f.path}: ${(e as Error).message}`);
      }
      if (++parsed >= 8000) break;
    }
    assert.deepEqual(errors, []);
    assert.equal(parsed, 8000);
    assert.ok(withProducts > 7900, `${withProducts} with products`);
  });
});
