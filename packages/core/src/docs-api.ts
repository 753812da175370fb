// `@smsql/core/docs`: `sm docs generate`'s site data. Apart from the main entry (it loads the checker).
export { generateDocs, type DocsOutcome } from './docs/generate-docs.ts';
export { buildDocsData, type DocsData, type DocsNode } from './docs/docs-data.ts';
