/**
 * The OpenAPI 3.0 document of /api/v1, written by hand next to the handlers it describes
 * (api.test.ts checks every operation against the running server), and GET /api/v1/openapi.json.
 */
import type { RouteHandlerMethod } from 'fastify';
import type { Context } from '../../context.ts';
import { SCHEMAS } from './openapi-schemas.ts';

type Obj = Record<string, unknown>;

const json = (schema: string): Obj => ({
  'application/json': { schema: { $ref: `#/components/schemas/${schema}` } },
});
const ok = (schema: string, description: string): Obj => ({ description, content: json(schema) });
const errors = (...statuses: (400 | 404)[]): Obj => ({
  ...Object.fromEntries(
    statuses.map((s) => [
      String(s),
      { $ref: `#/components/responses/${s === 400 ? 'BadRequest' : 'NotFound'}` },
    ]),
  ),
  '429': { $ref: '#/components/responses/TooManyRequests' },
});

function param(
  name: string,
  where: 'query' | 'path',
  schema: Obj,
  description: string,
  required = where === 'path',
): Obj {
  return { name, in: where, required, description, schema };
}

const limit = (max: number, fallback: number) =>
  param(
    'limit',
    'query',
    { type: 'integer', minimum: 1, maximum: max, default: fallback },
    `Results per page (1–${max}).`,
  );
const offset = (max: number) =>
  param('offset', 'query', { type: 'integer', minimum: 0, maximum: max, default: 0 }, 'Results to skip.');
const kbParam = param('kb', 'path', { type: 'integer', minimum: 1 }, 'KB number (e.g. 307175).');
const idParam = param(
  'id',
  'path',
  { type: 'integer', minimum: 1 },
  'Revision id (from the article’s revision list).',
);
const pathParam = param(
  'path',
  'query',
  { type: 'string' },
  'Article path in its source (current or old), e.g. support/windows/x.md.',
  true,
);

const PATHS: Obj = {
  '/search': {
    get: {
      operationId: 'searchArticles',
      summary: 'Search articles with the kbwatch query language',
      parameters: [
        param(
          'q',
          'query',
          { type: 'string' },
          'Query: words, "phrases", OR, -excluded, ( ), title: product: tech: keyword: kb: source:, updated:>=YYYY-MM-DD, reviewed:<YYYY-MM-DD.',
          true,
        ),
        limit(100, 20),
        offset(10000),
        param(
          'sort',
          'query',
          { type: 'string', enum: ['relevance', 'date'], default: 'relevance' },
          'Order of results.',
        ),
      ],
      responses: { '200': ok('SearchResponse', 'One page of matching articles.'), ...errors(400) },
    },
  },
  '/articles': {
    get: {
      operationId: 'getArticleByPath',
      summary: 'One article by path (for articles without a KB number; old paths work too)',
      parameters: [pathParam],
      responses: { '200': ok('Article', 'The article with its revision list.'), ...errors(400, 404) },
    },
  },
  '/articles/{kb}': {
    get: {
      operationId: 'getArticle',
      summary: 'One article by KB number, with its revision list',
      parameters: [kbParam],
      responses: { '200': ok('Article', 'The article with its revision list.'), ...errors(400, 404) },
    },
  },
  '/articles/{kb}/revisions/{id}': {
    get: {
      operationId: 'getRevision',
      summary: 'One revision of an article, with its text',
      parameters: [kbParam, idParam],
      responses: { '200': ok('Revision', 'The revision.'), ...errors(400, 404) },
    },
  },
  '/articles/revisions/{id}': {
    get: {
      operationId: 'getRevisionByPath',
      summary: 'One revision of an article found by path, with its text',
      parameters: [idParam, pathParam],
      responses: { '200': ok('Revision', 'The revision.'), ...errors(400, 404) },
    },
  },
  '/technologies': {
    get: {
      operationId: 'listTechnologies',
      summary: 'Technologies (products, areas, keywords), most articles first',
      parameters: [
        param('q', 'query', { type: 'string' }, 'Part of the name or of an alias (case-insensitive).'),
        param(
          'kind',
          'query',
          { type: 'string', enum: ['product', 'area', 'keyword'] },
          'Only technologies of this kind.',
        ),
        limit(500, 50),
        offset(100000),
      ],
      responses: { '200': ok('TechnologyList', 'One page of technologies.'), ...errors(400) },
    },
  },
  '/technologies/{slug}': {
    get: {
      operationId: 'getTechnology',
      summary: 'One technology by slug, name or alias, with its latest changes',
      parameters: [
        param('slug', 'path', { type: 'string' }, 'Slug (e.g. windows-server-2019), name or alias.'),
      ],
      responses: { '200': ok('TechnologyDetail', 'The technology.'), ...errors(404) },
    },
  },
  '/changes': {
    get: {
      operationId: 'listChanges',
      summary: 'Changes detected since a time, oldest first, in pages',
      parameters: [
        param(
          'since',
          'query',
          { type: 'string' },
          'ISO 8601 date (2024-01-15, midnight UTC) or date-time with zone (2024-01-15T08:00:00Z).',
          true,
        ),
        param(
          'kind',
          'query',
          { type: 'string' },
          'Comma-separated kinds: new, updated, metadata, moved, removed (default: all).',
        ),
        limit(1000, 100),
        param(
          'after',
          'query',
          { type: 'integer', minimum: 0 },
          'Only changes with a larger id (the `next` link sets it).',
        ),
      ],
      responses: { '200': ok('ChangeList', 'One page of changes.'), ...errors(400) },
    },
  },
  '/openapi.json': {
    get: {
      operationId: 'getOpenApi',
      summary: 'This document',
      responses: { '200': ok('OpenApiDocument', 'The OpenAPI 3.0 document.'), ...errors() },
    },
  },
};

const errorResponse = (description: string, headers?: Obj): Obj => ({
  description,
  ...(headers ? { headers } : {}),
  content: json('Error'),
});

export function openApiDocument(baseUrl: string): Obj {
  return {
    openapi: '3.0.3',
    info: {
      title: 'kbwatch API',
      version: '1.0.0',
      description:
        'Read-only access to the knowledge-base archive: search, articles with their revisions, technologies and changes. No authentication; any origin may call it (CORS, no credentials). Rate limit: 300 requests per minute per client address; over it the answer is 429 with Retry-After.',
    },
    servers: [{ url: `${baseUrl}/api/v1` }],
    paths: PATHS,
    components: {
      schemas: SCHEMAS,
      responses: {
        BadRequest: errorResponse('A parameter is missing or malformed; the message names it.'),
        NotFound: errorResponse('No such article, revision or technology.'),
        TooManyRequests: errorResponse('Rate limit exceeded.', {
          'Retry-After': { description: 'Seconds to wait.', schema: { type: 'integer' } },
        }),
      },
    },
  };
}

export function apiOpenApi(ctx: Context): RouteHandlerMethod {
  const body = JSON.stringify(openApiDocument(ctx.config.baseUrl));
  return async (_req, reply) =>
    reply.header('Cache-Control', 'public, max-age=3600').type('application/json; charset=utf-8').send(body);
}
