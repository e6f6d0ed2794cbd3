/**
 * The browser side of the script widget, served as /widget.js. For every
 * `<script src=".../widget.js" data-tech data-query data-count data-theme>` on the page it
 * fetches /widget/data.json from the script's own origin (no credentials) and renders the list
 * in a shadow DOM right after the script. Text goes through textContent only, never innerHTML.
 */
export const WIDGET_CSS = `
:host { all: initial; display: block; }
.box { font: 14px/1.4 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; border: 1px solid #c9ced6; border-radius: 6px; padding: 10px 12px; background: #fff; color: #1b1f24; max-width: 480px; margin: 8px 0; }
.box.dark { background: #1b1f24; color: #e6e8eb; border-color: #444c56; }
h2 { font-size: 15px; margin: 0 0 6px; }
ul { list-style: none; margin: 0; padding: 0; }
li { padding: 5px 0; border-top: 1px solid rgba(127, 127, 127, .25); }
li:first-child { border-top: 0; }
a { color: #0b57d0; text-decoration: none; }
.dark a { color: #8ab4f8; }
a:hover, a:focus { text-decoration: underline; }
.date, .via, .status { font-size: 12px; }
.date, .status { color: #57606a; }
.dark .date, .dark .status { color: #adbac7; }
.date { display: block; }
.via { margin: 6px 0 0; }
`;

export const WIDGET_JS = `/* kbwatch widget: latest knowledge-base articles. */
(function () {
  'use strict';
  var CSS = ${JSON.stringify(WIDGET_CSS)};

  function el(doc, name, cls, text) {
    var e = doc.createElement(name);
    if (cls) e.className = cls;
    if (text !== undefined) e.textContent = text;
    return e;
  }

  function link(doc, href, text) {
    var a = el(doc, 'a', '', text);
    if (/^https?:\\/\\//i.test(href)) a.href = href;
    a.target = '_blank';
    a.rel = 'noopener';
    return a;
  }

  function styled(root, doc) {
    try {
      var sheet = new CSSStyleSheet();
      sheet.replaceSync(CSS);
      root.adoptedStyleSheets = [sheet];
    } catch (e) {
      root.appendChild(el(doc, 'style', '', CSS));
    }
  }

  function show(box, doc, data) {
    box.textContent = '';
    box.appendChild(el(doc, 'h2', '', data.title));
    var list = el(doc, 'ul');
    (data.items || []).forEach(function (item) {
      var li = el(doc, 'li');
      li.appendChild(link(doc, item.url, (item.kb ? 'KB' + item.kb + ': ' : '') + item.title));
      var date = el(doc, 'span', 'date', String(item.updated).slice(0, 10));
      li.appendChild(date);
      list.appendChild(li);
    });
    if (!list.firstChild) list.appendChild(el(doc, 'li', 'status', 'No articles yet.'));
    box.appendChild(list);
    var via = el(doc, 'p', 'via');
    via.appendChild(link(doc, data.more, 'More on kbwatch'));
    box.appendChild(via);
    box.setAttribute('aria-busy', 'false');
  }

  function render(script) {
    var doc = script.ownerDocument;
    var src = new URL(script.src, doc.baseURI);
    var params = new URLSearchParams();
    var tech = script.getAttribute('data-tech');
    var query = script.getAttribute('data-query');
    var count = script.getAttribute('data-count');
    if (tech) params.set('tech', tech);
    if (query) params.set('q', query);
    if (count) params.set('count', count);
    var theme = script.getAttribute('data-theme') === 'dark' ? 'dark' : 'light';
    var url = src.origin + src.pathname.replace(/widget\\.js$/, 'widget/data.json') + '?' + params.toString();

    var host = el(doc, 'div', 'kbwatch-widget');
    script.parentNode.insertBefore(host, script.nextSibling);
    var root = host.attachShadow ? host.attachShadow({ mode: 'open' }) : host;
    styled(root, doc);
    var box = el(doc, 'section', 'box ' + theme);
    box.setAttribute('aria-live', 'polite');
    box.setAttribute('aria-busy', 'true');
    box.appendChild(el(doc, 'p', 'status', 'Loading articles…'));
    root.appendChild(box);

    fetch(url, { credentials: 'omit', mode: 'cors', headers: { Accept: 'application/json' } })
      .then(function (res) {
        return res.json().then(function (body) {
          if (!res.ok) throw new Error(body && body.error ? body.error.message : 'HTTP ' + res.status);
          show(box, doc, body);
        });
      })
      .catch(function (err) {
        box.textContent = '';
        box.appendChild(el(doc, 'p', 'status', 'kbwatch: could not load articles (' + (err && err.message ? err.message : err) + ').'));
        box.setAttribute('aria-busy', 'false');
      });
  }

  var scripts = document.querySelectorAll('script[src]');
  for (var i = 0; i < scripts.length; i++) {
    var s = scripts[i];
    if (!/\\/widget\\.js([?#]|$)/.test(s.src) || s.hasAttribute('data-kbwatch-done')) continue;
    s.setAttribute('data-kbwatch-done', '');
    render(s);
  }
})();
`;
