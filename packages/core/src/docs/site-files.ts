import { readFileSync } from 'node:fs';

/** The data script the page loads before the app: `window.SM_DOCS = {...}`. */
export const DOCS_DATA_FILE = 'sm-docs-data.js';

const SITE = new URL('./site/', import.meta.url);

/** The static files of the docs site (index.html with its styles, and the app script), by file name. */
export function siteFiles(): Record<string, string> {
  return {
    'index.html': readFileSync(new URL('index.html', SITE), 'utf8'),
    'sm-docs.js': readFileSync(new URL('sm-docs.js', SITE), 'utf8'),
    'sm-docs-columns.js': readFileSync(new URL('sm-docs-columns.js', SITE), 'utf8'),
  };
}

/**
 * The site's page where dbt writes its own, target/index.html: the same page, loading its
 * scripts from docs/ beside it (opened from disk like the one in docs/; `sm docs serve` serves docs/).
 */
export function indexAtTarget(html: string): string {
  return html.replace(/(<script src=")(?![a-z]+:|\/)/g, '$1docs/');
}
