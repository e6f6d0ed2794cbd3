/**
 * GET /search/advanced — the advanced search form; `?q=<query>` refills it from any query.
 * The form submits by GET to /search with `adv=1`; `advancedSubmit` builds the query from the
 * fields and redirects to the ordinary search URL, or shows the form again with the problem.
 */
import type { FastifyReply, FastifyRequest, RouteHandlerMethod } from 'fastify';
import type { Context } from '../../context.ts';
import { format, parse, QueryError } from '../../query/index.ts';
import { AdvancedFormError, emptyForm, FORM_FIELDS, formToQuery, queryToForm } from '../advanced-query.ts';
import { currentUser, navUser } from '../session.ts';
import { param, searchHref, sendHtml } from '../view.ts';
import { advancedFormHtml, type FormState } from './advanced-form.ts';

function show(ctx: Context, req: FastifyRequest, reply: FastifyReply, state: FormState, status = 200) {
  return currentUser(ctx, req).then((current) =>
    sendHtml(
      reply,
      {
        title: 'Advanced search',
        body: advancedFormHtml(state),
        user: navUser(current),
        noindex: status !== 200,
      },
      { status, cache: 'public, max-age=300' },
    ),
  );
}

function sortOf(query: unknown): 'relevance' | 'date' {
  return param(query, 'sort') === 'date' ? 'date' : 'relevance';
}

export function advancedPage(ctx: Context): RouteHandlerMethod {
  return async (req, reply) => {
    const q = param(req.query, 'q').trim();
    const sort = sortOf(req.query);
    if (!q) return show(ctx, req, reply, { form: emptyForm(), sort });
    try {
      const { form, rest } = queryToForm(parse(q));
      return show(ctx, req, reply, {
        form,
        sort,
        note: rest
          ? 'Parts of this query have no field of their own in this form; they are in the Query box below.'
          : undefined,
      });
    } catch (err) {
      if (!(err instanceof QueryError)) throw err;
      return show(
        ctx,
        req,
        reply,
        {
          form: { ...emptyForm(), query: q },
          sort,
          error: { field: 'query', message: `Query: ${err.message.replace(/^query: /, '')}.` },
        },
        400,
      );
    }
  };
}

/** GET /search?adv=1&all=…: builds the query from the fields and goes to its results. */
export async function advancedSubmit(
  ctx: Context,
  req: FastifyRequest,
  reply: FastifyReply,
): Promise<FastifyReply> {
  const form = emptyForm();
  for (const name of FORM_FIELDS) form[name] = param(req.query, name).slice(0, 500);
  const sort = sortOf(req.query);
  let query;
  try {
    query = formToQuery(form);
  } catch (err) {
    if (err instanceof AdvancedFormError)
      return show(ctx, req, reply, { form, sort, error: { field: err.field, message: err.message } }, 400);
    if (err instanceof QueryError)
      return show(
        ctx,
        req,
        reply,
        {
          form,
          sort,
          error: {
            field: 'all',
            message: `These fields make a query that cannot be searched: ${err.message.replace(/^query: /, '')}.`,
          },
        },
        400,
      );
    throw err;
  }
  if (!query)
    return show(
      ctx,
      req,
      reply,
      { form, sort, error: { field: 'all', message: 'Fill in at least one field to search.' } },
      400,
    );
  return reply.redirect(searchHref({ q: format(query), sort }), 303);
}
