import { readFileSync } from 'node:fs';
import { scenarioMarkdown, type ScenarioResult } from './results.ts';

/** `node bench/src/results-markdown.ts [results.json...]`: the figures of one or more runs as Markdown tables. */
const files = process.argv.slice(2);
if (files.length === 0) files.push(new URL('../out/results.json', import.meta.url).pathname);
for (const f of files) {
  const r = JSON.parse(readFileSync(f, 'utf8')) as { date: string; command: string; machine: { loadAverageAtStart: number[]; loadAverageAtEnd: number[] }; scenarios: ScenarioResult[] };
  console.log(`Run finished ${r.date} with \`${r.command}\`; load average ${r.machine.loadAverageAtStart.join('/')} at start, ${r.machine.loadAverageAtEnd.join('/')} at end.\n`);
  for (const s of r.scenarios) console.log(scenarioMarkdown(s).join('\n') + '\n');
}
