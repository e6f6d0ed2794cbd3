/** The response schemas of the API, as OpenAPI 3.0 schema objects (the `components.schemas` of openapi.ts). */

type Schema = Record<string, unknown>;

const str = (description?: string): Schema => ({ type: 'string', ...(description ? { description } : {}) });
const nullableStr = (description?: string): Schema => ({ ...str(description), nullable: true });
const int = (description?: string): Schema => ({ type: 'integer', ...(description ? { description } : {}) });
const ref = (name: string): Schema => ({ $ref: `#/components/schemas/${name}` });
const strings = (description?: string): Schema => ({
  type: 'array',
  items: { type: 'string' },
  ...(description ? { description } : {}),
});

function object(properties: Record<string, Schema>, description?: string): Schema {
  return {
    type: 'object',
    ...(description ? { description } : {}),
    additionalProperties: false,
    required: Object.keys(properties),
    properties,
  };
}

const CHANGE_SUMMARY = object(
  {
    sections: strings(
      'Headings of the sections whose text changed ("(top)" for text before the first heading).',
    ),
    wordsAdded: int(),
    wordsRemoved: int(),
    minor: { type: 'boolean', description: 'Only tiny edits: a few words per place.' },
  },
  'What an `updated` change changed; null for other kinds.',
);

const CHANGE_KIND = { type: 'string', enum: ['new', 'updated', 'metadata', 'moved', 'removed'] };
const TECHNOLOGY_KIND = { type: 'string', enum: ['product', 'area', 'keyword'] };

const changeBriefProperties = {
  id: int('Change id; increases with every change detected.'),
  kind: CHANGE_KIND,
  kb: { ...int('KB number of the article, if it has one.'), nullable: true },
  title: str('Article title at the time of the change.'),
  url: str('The article page on this site.'),
  detectedAt: str('ISO 8601 UTC time of the scan that found the change.'),
  minor: { type: 'boolean' },
  summary: { ...CHANGE_SUMMARY, nullable: true },
};

const technologyProperties = {
  slug: str(),
  name: str(),
  kind: TECHNOLOGY_KIND,
  articleCount: int('Live articles of this technology.'),
  url: str('The technology page on this site.'),
  feed: str('Atom feed of the technology.'),
};

export const SCHEMAS: Record<string, Schema> = {
  Error: object({
    error: object({
      code: str('Stable machine-readable code, e.g. invalid_query, not_found, rate_limited.'),
      message: str('What is wrong, for people.'),
    }),
  }),
  SearchResult: object({
    kb: { ...int(), nullable: true },
    title: str(),
    path: str('Path of the article in its source.'),
    url: str('The article page on this site.'),
    snippet: str('HTML: the text escaped, the hits in <mark>…</mark>.'),
    technologies: strings('Technology slugs.'),
  }),
  SearchResponse: object({
    total: int('Matches in all.'),
    results: { type: 'array', items: ref('SearchResult') },
  }),
  TechnologyRef: object({ slug: str(), name: str(), kind: TECHNOLOGY_KIND }),
  RevisionSummary: object({
    id: int(),
    number: str('KB-style revision number, e.g. 4.0.'),
    path: str(),
    seenAt: str('ISO 8601 UTC time the revision was first seen.'),
    title: str(),
    source: str('Name of the source the revision came from.'),
    href: str('This revision, with its text, in the API.'),
  }),
  Article: object({
    kb: { ...int(), nullable: true },
    title: str(),
    description: str(),
    path: str('Current path in its source.'),
    url: str('The article page on this site.'),
    sourceUrl: nullableStr('The public original.'),
    source: nullableStr('Name of the source whose text is shown.'),
    products: strings(),
    areas: strings(),
    keywords: strings(),
    technologies: { type: 'array', items: ref('TechnologyRef') },
    lastReviewed: nullableStr('ISO date of the last review, if the source says.'),
    firstSeen: str(),
    lastChanged: str(),
    revision: str('KB-style revision number of the current text.'),
    retired: { type: 'boolean', description: 'Gone from its source; kept with its history.' },
    bodyHtml: str('Sanitized HTML of the body.'),
    revisions: { type: 'array', items: ref('RevisionSummary'), description: 'Oldest first.' },
  }),
  Revision: object({
    id: int(),
    kb: { ...int(), nullable: true },
    articleUrl: str(),
    number: str(),
    path: str(),
    seenAt: str(),
    title: str(),
    description: str(),
    source: nullableStr(),
    text: str('The readable text of this revision (Markdown or classic KB text).'),
  }),
  Technology: object(technologyProperties),
  TechnologyList: object({ total: int(), results: { type: 'array', items: ref('Technology') } }),
  ChangeBrief: object(changeBriefProperties),
  TechnologyDetail: object({
    ...technologyProperties,
    aliases: strings('Lower-cased names that find this technology.'),
    latest: {
      type: 'array',
      items: ref('ChangeBrief'),
      description: 'Latest new and updated articles, newest first.',
    },
  }),
  Change: object({
    ...changeBriefProperties,
    path: str('Path of the article in its source at the time of the change.'),
    previousPath: nullableStr('For moves: the path before.'),
    source: str('Name of the source.'),
  }),
  ChangeList: object({
    since: str('The since parameter, as ISO 8601 UTC.'),
    results: { type: 'array', items: ref('Change'), description: 'Oldest first.' },
    next: nullableStr('The next page, or null when this is the last.'),
  }),
  OpenApiDocument: { type: 'object', description: 'This document.' },
};
