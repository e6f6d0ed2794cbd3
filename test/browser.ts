/**
 * A tiny browser for web tests: keeps cookies like a real one (per host, honouring Max-Age=0),
 * does not follow redirects, and can pull a form's CSRF token out of a page.
 */
export interface Page {
  status: number;
  headers: Headers;
  text: string;
  location: string | null;
}

export class Browser {
  readonly cookies = new Map<string, string>();
  /** Every Set-Cookie header received, verbatim, newest last. */
  readonly setCookies: string[] = [];

  constructor(readonly base: string) {}

  private cookieHeader(): string {
    return [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
  }

  private remember(res: Response): void {
    for (const line of res.headers.getSetCookie()) {
      this.setCookies.push(line);
      const [pair, ...attrs] = line.split(';');
      const eq = pair.indexOf('=');
      const name = pair.slice(0, eq).trim();
      const value = pair.slice(eq + 1).trim();
      if (attrs.some((a) => /^\s*max-age=0\s*$/i.test(a))) this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
  }

  async request(
    method: string,
    path: string,
    form?: Record<string, string>,
    headers: Record<string, string> = {},
  ): Promise<Page> {
    const url = new URL(path, this.base);
    const res = await fetch(url, {
      method,
      redirect: 'manual',
      headers: {
        ...(this.cookies.size ? { cookie: this.cookieHeader() } : {}),
        ...(form ? { 'content-type': 'application/x-www-form-urlencoded' } : {}),
        ...headers,
      },
      body: form ? new URLSearchParams(form).toString() : undefined,
    });
    this.remember(res);
    return {
      status: res.status,
      headers: res.headers,
      text: await res.text(),
      location: res.headers.get('location'),
    };
  }

  get(path: string): Promise<Page> {
    return this.request('GET', path);
  }

  post(path: string, form: Record<string, string>, headers?: Record<string, string>): Promise<Page> {
    return this.request('POST', path, form, headers);
  }

  /** GETs `pagePath`, takes the CSRF token of the form posting to `action`, and posts `fields` with it. */
  async submit(pagePath: string, action: string, fields: Record<string, string>): Promise<Page> {
    const page = await this.get(pagePath);
    return this.post(action, { _csrf: csrfOf(page.text, action), ...fields });
  }
}

/** The CSRF token of the first form in `html` whose action is `action` (or of any form). */
export function csrfOf(html: string, action?: string): string {
  const forms = html.split('<form').slice(1);
  const form = forms.find((f) => (!action || f.includes(`action="${action}"`)) && f.includes(`name="_csrf"`));
  const m = form?.match(/name="_csrf" value="([^"]+)"/);
  if (!m) throw new Error(`browser: no CSRF token in a form posting to ${action ?? 'anything'}`);
  return m[1];
}

/** The path and query of an absolute link (mail links point at the configured base URL). */
export function pathOf(link: string): string {
  const u = new URL(link);
  return u.pathname + u.search;
}
