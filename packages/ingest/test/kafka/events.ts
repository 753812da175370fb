import { generateEvents } from '../../src/generate-events.ts';
import type { RoutedEvent } from '../../src/generate-events.ts';
import { TOPICS } from '../../src/raw-schema.ts';

/** Generated Eventsim events (the team's generator), with the count per topic. */
export function sampleEvents(opts: { users: number; hours: number; seed: number }): { events: RoutedEvent[]; perTopic: Record<string, number> } {
  const start = new Date('2026-03-02T00:00:00Z');
  const end = new Date(start.getTime() + opts.hours * 3_600_000);
  const events = [...generateEvents({ users: opts.users, start, end, seed: opts.seed })];
  const perTopic: Record<string, number> = Object.fromEntries(TOPICS.map((t) => [t, 0]));
  for (const e of events) perTopic[e.topic]!++;
  return { events, perTopic };
}
