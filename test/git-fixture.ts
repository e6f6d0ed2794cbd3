/** Small git repositories made with the real git, for source and scan tests. */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

export class GitFixture {
  readonly dir: string;
  constructor() {
    this.dir = mkdtempSync(join(tmpdir(), 'kbwatch-repo-'));
    this.git('init', '-q', '-b', 'main');
    this.git('config', 'user.email', 'fixture@example.test');
    this.git('config', 'user.name', 'Fixture');
    this.git('config', 'uploadpack.allowFilter', 'true');
    this.git('config', 'uploadpack.allowAnySHA1InWant', 'true');
  }

  get url(): string {
    return `file://${this.dir}`;
  }

  git(...args: string[]): string {
    return execFileSync('git', args, { cwd: this.dir, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  }

  write(path: string, content: string | Buffer): this {
    const p = join(this.dir, path);
    mkdirSync(dirname(p), { recursive: true });
    writeFileSync(p, content);
    return this;
  }

  remove(path: string): this {
    rmSync(join(this.dir, path));
    return this;
  }

  move(from: string, to: string): this {
    mkdirSync(dirname(join(this.dir, to)), { recursive: true });
    this.git('mv', from, to);
    return this;
  }

  commit(message = 'change'): string {
    this.git('add', '-A');
    this.git('commit', '-q', '--allow-empty', '-m', message);
    return this.git('rev-parse', 'HEAD').trim();
  }
}

/** A MicrosoftDocs-style article. */
export function article(opts: {
  title: string;
  kb?: number;
  body?: string;
  date?: string;
  products?: string;
  custom?: string;
  prod?: string;
}): string {
  return [
    '---',
    `title: ${opts.title}`,
    `description: About ${opts.title.toLowerCase()}.`,
    `ms.date: ${opts.date ?? '01/15/2022'}`,
    ...(opts.prod ? [`ms.prod: ${opts.prod}`] : []),
    ...(opts.custom ? [`ms.custom: ${opts.custom}`] : []),
    '---',
    `# ${opts.title}`,
    '',
    `This article describes ${opts.title.toLowerCase()}.`,
    '',
    `_Applies to:_ &nbsp; ${opts.products ?? 'Windows Server 2019'}`,
    ...(opts.kb ? [`_Original KB number:_ &nbsp; ${opts.kb}`] : []),
    '',
    '## Symptoms',
    '',
    opts.body ?? 'Something fails when you click the button.',
    '',
    '## Resolution',
    '',
    'Restart the service.',
    '',
  ].join('\n');
}
