/**
 * Public URLs of articles in a git source, from a URL template.
 *
 * A template is either a built-in name or a string with placeholders:
 * - `learn-support`: `https://learn.microsoft.com/en-us/troubleshoot/{path}` where {path} is the
 *   file path without the leading `support/` and without `.md`
 *   (`support/windows-server/networking/x.md` → `…/en-us/troubleshoot/windows-server/networking/x`).
 * - `learn-office`: the OfficeDocs-Support layout, one docset per top folder:
 *   `Exchange`→`exchange`, `Microsoft365`→`microsoft-365`, `Office`→`office`, `Outlook`→`outlook`,
 *   `SharePoint`→`sharepoint`, `SkypeforBusiness`→`skypeforbusiness`, each under
 *   `https://learn.microsoft.com/en-us/<docset>/troubleshoot/` with the second folder level dropped
 *   (`Exchange/ExchangeOnline/R.md` → `…/en-us/exchange/troubleshoot/R`);
 *   `Teams/R.md` → `…/en-us/microsoftteams/troubleshoot/R`; `Viva/R.md` → `…/en-us/viva/troubleshoot/r`
 *   (lower-cased). Files outside these folders have no public URL (null).
 * - any other string containing `{path}` (the path without `.md`) or `{file}` (the path as is),
 *   e.g. `https://github.com/MicrosoftDocs/SupportArticles-docs/blob/main/{file}`.
 * Path segments are percent-encoded; `/` separators are kept.
 */

const LEARN = 'https://learn.microsoft.com/en-us';

export const BUILTIN_URL_TEMPLATES = ['learn-support', 'learn-office'] as const;

interface Docset {
  slug: string;
  dropSecondLevel: boolean;
  lowerCase: boolean;
}

const OFFICE_DOCSETS: Record<string, Docset> = {
  Exchange: { slug: 'exchange', dropSecondLevel: true, lowerCase: false },
  Microsoft365: { slug: 'microsoft-365', dropSecondLevel: true, lowerCase: false },
  Office: { slug: 'office', dropSecondLevel: true, lowerCase: false },
  Outlook: { slug: 'outlook', dropSecondLevel: true, lowerCase: false },
  SharePoint: { slug: 'sharepoint', dropSecondLevel: true, lowerCase: false },
  SkypeforBusiness: { slug: 'skypeforbusiness', dropSecondLevel: true, lowerCase: false },
  Teams: { slug: 'microsoftteams', dropSecondLevel: false, lowerCase: false },
  Viva: { slug: 'viva', dropSecondLevel: false, lowerCase: true },
};

function withoutExtension(path: string): string {
  return path.replace(/\.md$/i, '');
}

function encodePath(path: string): string {
  return path.split('/').map(encodeURIComponent).join('/');
}

function learnSupportUrl(path: string): string {
  return `${LEARN}/troubleshoot/${encodePath(withoutExtension(path).replace(/^support\//, ''))}`;
}

function learnOfficeUrl(path: string): string | null {
  const parts = withoutExtension(path).split('/');
  const docset = OFFICE_DOCSETS[parts[0]];
  if (!docset || parts.length < 2) return null;
  let rest = parts.slice(1);
  if (docset.dropSecondLevel && rest.length > 1) rest = rest.slice(1);
  let tail = rest.join('/');
  if (docset.lowerCase) tail = tail.toLowerCase();
  return `${LEARN}/${docset.slug}/troubleshoot/${encodePath(tail)}`;
}

/** Throws when `template` is neither a built-in name nor a string with `{path}` or `{file}`. */
export function validateUrlTemplate(template: string): void {
  if ((BUILTIN_URL_TEMPLATES as readonly string[]).includes(template)) return;
  if (!template.includes('{path}') && !template.includes('{file}')) {
    throw new Error(
      `git source: URL template "${template}" is not one of ${BUILTIN_URL_TEMPLATES.join(', ')} and has no {path} or {file} placeholder`,
    );
  }
}

/** The public URL of the file at `path` (inside the repository), or null when the template has none for it. */
export function publicUrl(path: string, template: string): string | null {
  if (template === 'learn-support') return learnSupportUrl(path);
  if (template === 'learn-office') return learnOfficeUrl(path);
  validateUrlTemplate(template);
  return template
    .replaceAll('{path}', encodePath(withoutExtension(path)))
    .replaceAll('{file}', encodePath(path));
}
