/** What callers pass to `search` and get back. */

export interface SearchOptions {
  limit?: number;
  offset?: number;
  /** `relevance` (the default) ranks text matches; queries without words sort by date anyway. */
  sort?: 'relevance' | 'date';
  /** Only articles of this technology (slug), as when a facet is clicked. */
  technology?: string;
  /** Only these articles (a day's changes, say). */
  onlyArticleIds?: number[];
  /** Retired articles are left out unless asked for. */
  includeRetired?: boolean;
  /** Count results per technology (`facets`); they cost a pass over every match, so only on request. */
  facets?: boolean;
}

export interface SearchResult {
  articleId: number;
  kb: number | null;
  title: string;
  path: string;
  url: string | null;
  /** HTML: the text escaped, the hits in `<mark>…</mark>`. */
  snippet: string;
  /** Technology slugs. */
  technologies: string[];
  lastChanged: string;
  retired: boolean;
}

export interface SearchFacet {
  slug: string;
  name: string;
  count: number;
}

export interface SearchResponse {
  total: number;
  results: SearchResult[];
  /** Result counts per technology over all results, the 20 largest; empty unless asked for. */
  facets: SearchFacet[];
  /** The article a KB-number query (`KB307175`, `Q307175`, `kb:307175`, `307175`) names, if it exists. */
  jump?: { articleId: number; kb: number };
}
