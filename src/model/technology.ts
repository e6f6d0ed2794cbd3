/** Technologies are normalised from products, areas and keywords; aliases are case-insensitive. */
export type TechnologyKind = 'product' | 'area' | 'keyword';

export interface TechnologyRef {
  slug: string;
  name: string;
  kind: TechnologyKind;
}

export function slugify(name: string): string {
  return name
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/\+/g, 'plus')
    .replace(/#/g, 'sharp')
    .replace(/[^a-z0-9.]+/g, '-')
    .replace(/^[-.]+|[-.]+$/g, '')
    .slice(0, 100);
}

/** Lower-cased alias forms of a name: the name itself and its slug. */
export function aliasesOf(name: string): string[] {
  const lower = name.trim().toLowerCase().replace(/\s+/g, ' ');
  return [...new Set([lower, slugify(name)])].filter(Boolean);
}

/** The technologies of one article, deduplicated by slug (first kind wins: product, area, keyword). */
export function technologiesOf(article: {
  products: string[];
  areas: string[];
  keywords: string[];
}): TechnologyRef[] {
  const out = new Map<string, TechnologyRef>();
  const add = (names: string[], kind: TechnologyKind) => {
    for (const raw of names) {
      const name = raw.trim().replace(/\s+/g, ' ');
      const slug = slugify(name);
      if (!slug || name.length > 120 || out.has(slug)) continue;
      out.set(slug, { slug, name, kind });
    }
  };
  add(article.products, 'product');
  add(article.areas, 'area');
  add(article.keywords, 'keyword');
  return [...out.values()];
}
