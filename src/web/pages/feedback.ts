/**
 * POST /feedback — leave feedback on an article. The route table checks the form token (403)
 * and the article id (400); then the rate limit (429), then the fields (the article page again
 * with the problem, 400). A filled honeypot is answered like a success and stored nowhere. A
 * signed-in confirmed user's feedback is published at once; anyone else's waits for a moderator.
 */
import { createHmac } from 'node:crypto';
import type { RouteHandlerMethod } from 'fastify';
import type { Context } from '../../context.ts';
import { articleHead } from '../../store/article-extras.ts';
import { insertFeedback } from '../../store/feedback.ts';
import { notFound } from '../errors.ts';
import { clientIp, formBody, seeOther, type Form } from '../form.ts';
import { bucketKey, enforce } from '../ratelimit.ts';
import { currentUser } from '../session.ts';
import { articlePath } from '../urls.ts';
import { showArticle } from './article-show.ts';
import { FEEDBACK_LIMITS, publicUrl, type FeedbackFormState, type FeedbackValues } from './feedback-view.ts';

export const FEEDBACK_RATE = { max: 5, windowSeconds: 10 * 60 };

const EMAIL = /^[^\s@<>"]{1,64}@[^\s@<>"]+\.[^\s@<>"]+$/;

function text(form: Form, name: string): string {
  const v = Object.hasOwn(form, name) ? form[name] : '';
  return typeof v === 'string' ? v : '';
}

/** The fields, or the first problem with them. */
export function validateFeedback(values: FeedbackValues): FeedbackFormState['error'] {
  const body = values.body.trim();
  if (!body) return { field: 'body', message: 'Comments: please write something.' };
  if (body.length > FEEDBACK_LIMITS.body)
    return {
      field: 'body',
      message: `Comments: at most ${FEEDBACK_LIMITS.body} characters (this has ${body.length}).`,
    };
  if (values.name.trim().length > FEEDBACK_LIMITS.name)
    return { field: 'name', message: `Name: at most ${FEEDBACK_LIMITS.name} characters.` };
  const contact = values.contact.trim();
  if (contact.length > FEEDBACK_LIMITS.contact)
    return {
      field: 'contact',
      message: `Public URL or e-mail: at most ${FEEDBACK_LIMITS.contact} characters.`,
    };
  if (contact && !publicUrl(contact) && !EMAIL.test(contact)) {
    return {
      field: 'contact',
      message:
        'Public URL or e-mail: enter a web address starting with http:// or https://, or an e-mail address, or leave it empty.',
    };
  }
  return undefined;
}

function ipHash(ctx: Context, ip: string): string {
  return createHmac('sha256', ctx.config.secret).update(`feedback-ip:${ip}`).digest('base64url').slice(0, 22);
}

export function feedbackSubmit(ctx: Context): RouteHandlerMethod {
  return async (req, reply) => {
    const form = formBody(req);
    const current = await currentUser(ctx, req);
    const articleId = (form as Record<string, unknown>).article as number | undefined;
    const article = articleId ? await articleHead(ctx.store.db, { id: articleId }) : undefined;
    if (!article)
      throw notFound(`feedback: there is no article ${articleId ?? '(none given)'} to leave feedback on`);

    const ip = clientIp(req);
    await enforce(ctx, 'feedback posts', [{ bucket: bucketKey('feedback:ip', ip), ...FEEDBACK_RATE }]);

    const values: FeedbackValues = {
      name: text(form, 'name').slice(0, 1000),
      contact: text(form, 'contact').slice(0, 1000),
      body: text(form, 'body').slice(0, 20_000),
    };
    const error = validateFeedback(values);
    if (error) return showArticle(ctx, req, reply, article, { status: 400, feedback: { values, error } });

    const status = current?.user.confirmed_at ? 'approved' : 'pending';
    // A filled honeypot is a robot: it gets the same answer as everyone, and nothing is kept.
    if (!text(form, 'website')) {
      await insertFeedback(ctx.store.db, {
        article_id: article.id,
        user_id: current?.user.id ?? null,
        name: values.name.trim(),
        contact: values.contact.trim(),
        body: values.body.trim(),
        status,
        created_at: ctx.now().toISOString(),
        ip_hash: ipHash(ctx, ip),
      });
    }
    return seeOther(reply, `${articlePath(article)}?feedback=${status}#feedback`);
  };
}
