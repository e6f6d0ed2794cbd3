/** The advanced search form's HTML: labelled fields, hints, the error at its field. */
import { FORM_FIELDS, labelOf, type AdvancedForm } from '../advanced-query.ts';
import { html, type SafeHtml } from '../html.ts';

export interface FormState {
  form: AdvancedForm;
  sort: 'relevance' | 'date';
  error?: { field: keyof AdvancedForm; message: string };
  note?: string;
}

const HINTS: Partial<Record<keyof AdvancedForm, string>> = {
  all: 'Every word must appear: winsock bind',
  exact: 'These words together, in this order: listening socket',
  any: 'At least one of them: exchange outlook',
  none: 'Articles with these words are left out: linux',
  product: 'A product name, such as Windows Server 2019',
  keyword: 'A classic KB keyword or tag, such as kbWinsock',
  kb: 'Such as 307175, KB307175 or Q307175',
  from: 'YYYY-MM-DD',
  to: 'YYYY-MM-DD',
  query: 'More terms in the query language, such as title:error OR (reviewed:<2021-01-01 -retired)',
};

function input(state: FormState, name: keyof AdvancedForm, type = 'text'): SafeHtml {
  const id = `adv-${name}`;
  const err = state.error?.field === name ? state.error.message : '';
  return html`<div class="field">
<label for="${id}">${labelOf(name)}</label>
<input id="${id}" name="${name}" type="${type}" value="${state.form[name]}" maxlength="500" aria-describedby="${id}-hint${err ? html` ${id}-error` : ''}"${err ? html` aria-invalid="true"` : ''}>
<span class="hint" id="${id}-hint">${HINTS[name] ?? ''}</span>
${err ? html`<span class="hint" id="${id}-error"><strong>${err}</strong></span>` : ''}
</div>`;
}

export function advancedFormHtml(state: FormState): SafeHtml {
  const [all, exact, any, none, product, keyword, kb, from, to, query] = FORM_FIELDS;
  return html`<h1>Advanced search</h1>
${state.error ? html`<div class="notice error" role="alert"><p>${state.error.message}</p></div>` : ''}
${state.note ? html`<div class="notice warn" role="status"><p>${state.note}</p></div>` : ''}
<form action="/search" method="get" class="advanced">
<input type="hidden" name="adv" value="1">
<fieldset><legend>Words</legend>
${input(state, all)}${input(state, exact)}${input(state, any)}${input(state, none)}
</fieldset>
<fieldset><legend>Article</legend>
<div class="field-row">${input(state, product)}${input(state, keyword)}${input(state, kb)}</div>
<div class="field-row">${input(state, from, 'date')}${input(state, to, 'date')}</div>
</fieldset>
<fieldset><legend>Query</legend>
${input(state, query)}
</fieldset>
<div class="field">
<label for="adv-sort">Sort results by</label>
<select id="adv-sort" name="sort">
<option value="relevance"${state.sort === 'relevance' ? html` selected` : ''}>Relevance</option>
<option value="date"${state.sort === 'date' ? html` selected` : ''}>Date, newest first</option>
</select>
</div>
<div class="actions"><button type="submit">Search</button> <a href="/search/advanced">Clear the form</a></div>
</form>
<p>The form builds a query in the <a href="/search">query language</a>, which you can also type into any search box.</p>`;
}
