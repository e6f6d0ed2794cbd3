/**
 * DocFX `[!INCLUDE [label](relative/path.md)]` resolution for Markdown articles.
 * A line holding only an include (after indentation or `>` quote markers) is replaced by the
 * included body, each line carrying the same prefix; an include inside running text is replaced
 * by the body joined on one line. Anything unresolvable stays as written.
 */
import { posix } from 'node:path';
import { splitFrontMatter } from './front-matter.ts';

export type IncludeReader = (resolvedPath: string) => string | undefined;

const INCLUDE = /\[!INCLUDE\s*\[[^\]]*\]\s*\(\s*<?([^)\s>]+)>?(?:\s+"[^"]*")?\s*\)\s*\]/gi;
const LINE_WITH_ONLY_INCLUDE = /^((?:[ \t]*>)*[ \t]*)(\[!INCLUDE\s*\[[^\]]*\]\s*\([^)]*\)\s*\])[ \t]*$/i;
const FENCE = /^(?:[ \t]*>)*[ \t]*(```|~~~)/;
const MAX_DEPTH = 5;

/**
 * The repository path of an include target written in the file at `fromPath`, or null when it
 * is not a plain relative path or would leave the repository.
 */
export function resolveIncludePath(fromPath: string, target: string): string | null {
  let clean = target.replace(/[#?].*$/, '');
  try {
    clean = decodeURIComponent(clean);
  } catch {
    return null;
  }
  if (!clean || clean.startsWith('/') || clean.startsWith('~') || /^[a-z][a-z0-9+.-]*:/i.test(clean))
    return null;
  const joined = posix.normalize(posix.join(posix.dirname(fromPath), clean));
  if (joined === '..' || joined.startsWith('../') || posix.isAbsolute(joined)) return null;
  return joined;
}

interface Context {
  read: IncludeReader;
  seen: ReadonlySet<string>;
  depth: number;
}

function includedBody(fromPath: string, target: string, ctx: Context): string | null {
  if (ctx.depth >= MAX_DEPTH) return null;
  const resolved = resolveIncludePath(fromPath, target);
  if (!resolved || ctx.seen.has(resolved)) return null;
  const raw = ctx.read(resolved);
  if (raw === undefined) return null;
  const body = splitFrontMatter(raw.replace(/^\uFEFF/, '').replace(/\r\n?/g, '\n'))
    .body.replace(/^\n+/, '')
    .trimEnd();
  return expand(body, resolved, {
    read: ctx.read,
    seen: new Set([...ctx.seen, resolved]),
    depth: ctx.depth + 1,
  });
}

function targetOf(token: string): string | null {
  INCLUDE.lastIndex = 0;
  const m = INCLUDE.exec(token);
  return m ? m[1] : null;
}

function expandLine(line: string, path: string, ctx: Context): string {
  const whole = LINE_WITH_ONLY_INCLUDE.exec(line);
  if (whole) {
    const target = targetOf(whole[2]);
    const body = target === null ? null : includedBody(path, target, ctx);
    if (body === null) return line;
    const prefix = whole[1];
    return body
      .split('\n')
      .map((l) => (l ? prefix + l : prefix.trimEnd()))
      .join('\n');
  }
  return line.replace(INCLUDE, (token, target: string) => {
    const body = includedBody(path, target, ctx);
    return body === null ? token : body.replace(/\s*\n\s*/g, ' ');
  });
}

function expand(text: string, path: string, ctx: Context): string {
  if (!/\[!INCLUDE/i.test(text)) return text;
  let inFence = false;
  return text
    .split('\n')
    .map((line) => {
      if (FENCE.test(line)) inFence = !inFence;
      return inFence ? line : expandLine(line, path, ctx);
    })
    .join('\n');
}

/** `text` (of the file at `path`) with every resolvable include replaced by the included body. */
export function resolveIncludes(text: string, path: string, read: IncludeReader | undefined): string {
  if (!read) return text;
  return expand(text, path, { read, seen: new Set([path]), depth: 0 });
}
