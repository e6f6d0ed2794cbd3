/** Directories and tar archives of classic KB text files, for scan tests. */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A classic article (`DOCUMENT:Q<kb>`), padded to three tar blocks. */
export function classicArticle(kb: number): string {
  return [
    `DOCUMENT:Q${kb}  08-AUG-2001  [winnt]`,
    `TITLE   :Classic article ${kb}`,
    'PRODUCT :Microsoft Windows NT',
    '',
    `Article ${kb} explains setting ${kb} of the service.`,
    '',
  ]
    .join('\r\n')
    .padEnd(1500, ' ');
}

/** The path of a KB number's file in a classic tree. */
export const classicPath = (kb: number) => `txt/Q${kb}.TXT`;

/** A directory of classic files, one per KB number, under a new temporary directory. */
export class ClassicTree {
  readonly root = mkdtempSync(join(tmpdir(), 'kbwatch-classic-'));
  readonly dir = join(this.root, 'kb');

  constructor(kbs: number[]) {
    mkdirSync(join(this.dir, 'txt'), { recursive: true });
    for (const kb of kbs) writeFileSync(join(this.dir, classicPath(kb)), classicArticle(kb));
  }

  remove(kbs: number[]): this {
    for (const kb of kbs) rmSync(join(this.dir, classicPath(kb)));
    return this;
  }

  /** A tar archive of the tree, members in the order of `kbs`. */
  archive(kbs: number[], name = 'kb.tar'): string {
    const file = join(this.root, name);
    execFileSync('tar', ['-cf', file, '-C', this.dir, ...kbs.map(classicPath)]);
    return file;
  }

  /** Cuts an archive after its first `members` members (each a header and three data blocks). */
  static cutArchive(file: string, members: number): void {
    writeFileSync(file, readFileSync(file).subarray(0, 512 * 4 * members));
  }

  close(): void {
    rmSync(this.root, { recursive: true, force: true });
  }
}

/** `count` KB numbers from `first` on. */
export function kbRange(first: number, count: number): number[] {
  return Array.from({ length: count }, (_, i) => first + i);
}
