/** POST /admin/sources (add), /admin/sources/:id/scan (scan now), /admin/sources/:id/remove. */
import type { RouteHandlerMethod } from 'fastify';
import type { Context } from '../../context.ts';
import { addSource, removeSource, SourceError } from '../../scan/sources.ts';
import { findSourceById } from '../../store/sources.ts';
import { notFound } from '../errors.ts';
import { checkbox, field } from '../form.ts';
import { html } from '../html.ts';
import { idOf, seeOther, signedInForm } from './common.ts';
import { startScan } from './scan-now.ts';
import { renderSources } from './sources.ts';

async function sourceById(ctx: Context, id: number | undefined) {
  const source = id === undefined ? undefined : await findSourceById(ctx.store.db, id);
  if (!source) throw notFound(`admin: no source with id ${id ?? '?'}`);
  return source;
}

export function adminAddSource(ctx: Context): RouteHandlerMethod {
  return async (req, reply) => {
    const { current, body } = signedInForm(req);
    const values = {
      kind: field(body, 'kind', 'Kind'),
      name: field(body, 'name', 'Name').trim(),
      location: field(body, 'location', 'Location').trim(),
      path: field(body, 'path', 'Folder').trim(),
    };
    try {
      if (values.kind !== 'git' && values.kind !== 'classic')
        throw new SourceError('Kind: choose git or classic.');
      if (!values.location) throw new SourceError('Location: required.');
      await addSource(ctx, {
        kind: values.kind,
        location: values.location,
        ...(values.name ? { name: values.name } : {}),
        ...(values.kind === 'git' ? { options: { path: values.path } } : {}),
      });
    } catch (err) {
      if (!(err instanceof SourceError)) throw err;
      return renderSources(
        ctx,
        reply,
        current,
        html``,
        { ...values, error: err.message.replace(/^source: /, '') },
        400,
      );
    }
    return seeOther(reply, '/admin/sources?done=added');
  };
}

export function adminScanSource(ctx: Context): RouteHandlerMethod {
  return async (req, reply) => {
    const { body } = signedInForm(req);
    const allowRemovals = checkbox(body, 'allowRemovals');
    const source = await sourceById(ctx, idOf(req));
    if (source.enabled !== 1) throw notFound(`admin: source ${source.name} is disabled`);
    const { started } = await startScan(ctx, source, { allowRemovals });
    const done = !started ? 'busy' : allowRemovals ? 'scan-removals' : 'scan';
    return seeOther(reply, `/admin/sources?done=${done}`);
  };
}

export function adminRemoveSource(ctx: Context): RouteHandlerMethod {
  return async (req, reply) => {
    const source = await sourceById(ctx, idOf(req));
    if (source.enabled === 1) await removeSource(ctx, source.name);
    return seeOther(reply, '/admin/sources?done=removed');
  };
}
