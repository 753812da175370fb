/**
 * The raw tables that landing writes and the project's sources read. Column names are
 * snake_case so that they mean the same unquoted on every warehouse (DuckDB compares
 * case-insensitively, Snowflake folds to upper case). Every raw row also keeps where it came
 * from, which is what makes landing idempotent: a replay of the same (topic, file or
 * partition, offset) is recognised and not landed twice.
 */
import type { ColumnDef, LandingTable } from '@smsql/core';

export const TOPICS = ['listen_events', 'page_view_events', 'auth_events', 'status_change_events'] as const;
export type Topic = (typeof TOPICS)[number];

/** JSON field name in Eventsim output -> raw column. */
export interface FieldMapping {
  readonly field: string;
  readonly column: string;
  readonly type: 'varchar' | 'bigint' | 'integer' | 'double' | 'boolean';
  /** Present on every event of the topic (missing: dead letter). */
  readonly required: boolean;
}

const device: FieldMapping[] = [
  { field: 'city', column: 'city', type: 'varchar', required: true },
  { field: 'zip', column: 'zip', type: 'varchar', required: true },
  { field: 'state', column: 'state', type: 'varchar', required: true },
  { field: 'userAgent', column: 'user_agent', type: 'varchar', required: true },
  { field: 'lon', column: 'lon', type: 'double', required: true },
  { field: 'lat', column: 'lat', type: 'double', required: true },
];

/** Absent (not null) for Guest and Logged Out events. */
const user = (required: boolean): FieldMapping[] => [
  { field: 'userId', column: 'user_id', type: 'bigint', required },
  { field: 'lastName', column: 'last_name', type: 'varchar', required },
  { field: 'firstName', column: 'first_name', type: 'varchar', required },
  { field: 'gender', column: 'gender', type: 'varchar', required },
  { field: 'registration', column: 'registration', type: 'bigint', required },
];

const session: FieldMapping[] = [
  { field: 'ts', column: 'ts', type: 'bigint', required: true },
  { field: 'sessionId', column: 'session_id', type: 'bigint', required: true },
];

export const TOPIC_FIELDS: Readonly<Record<Topic, readonly FieldMapping[]>> = {
  listen_events: [
    { field: 'artist', column: 'artist', type: 'varchar', required: true },
    { field: 'song', column: 'song', type: 'varchar', required: true },
    { field: 'duration', column: 'duration', type: 'double', required: true },
    ...session,
    { field: 'auth', column: 'auth', type: 'varchar', required: true },
    { field: 'level', column: 'level', type: 'varchar', required: true },
    { field: 'itemInSession', column: 'item_in_session', type: 'integer', required: true },
    ...device,
    ...user(true),
  ],
  page_view_events: [
    ...session,
    { field: 'page', column: 'page', type: 'varchar', required: true },
    { field: 'auth', column: 'auth', type: 'varchar', required: true },
    { field: 'method', column: 'method', type: 'varchar', required: true },
    { field: 'status', column: 'status', type: 'integer', required: true },
    { field: 'level', column: 'level', type: 'varchar', required: true },
    { field: 'itemInSession', column: 'item_in_session', type: 'integer', required: true },
    ...device,
    ...user(false),
    { field: 'artist', column: 'artist', type: 'varchar', required: false },
    { field: 'song', column: 'song', type: 'varchar', required: false },
    { field: 'duration', column: 'duration', type: 'double', required: false },
  ],
  auth_events: [
    ...session,
    { field: 'level', column: 'level', type: 'varchar', required: true },
    { field: 'itemInSession', column: 'item_in_session', type: 'integer', required: true },
    ...device,
    ...user(false),
    { field: 'success', column: 'success', type: 'boolean', required: true },
  ],
  status_change_events: [
    ...session,
    { field: 'auth', column: 'auth', type: 'varchar', required: true },
    { field: 'level', column: 'level', type: 'varchar', required: true },
    { field: 'itemInSession', column: 'item_in_session', type: 'integer', required: true },
    ...device,
    ...user(true),
  ],
};

/**
 * Lineage columns on every raw row. `_file` is the lake path relative to the lake root for
 * file landing (null from Kafka); `_partition` is the Kafka partition (null from files);
 * `_offset` is the Kafka offset or the 0-based line number in the file.
 */
export const LINEAGE_COLUMNS: readonly ColumnDef[] = [
  { name: '_topic', type: 'varchar' },
  { name: '_partition', type: 'integer' },
  { name: '_offset', type: 'bigint' },
  { name: '_file', type: 'varchar' },
  { name: '_ingested_at', type: 'timestamp' },
];

export function rawColumns(topic: Topic): ColumnDef[] {
  return [...TOPIC_FIELDS[topic].map((f) => ({ name: f.column, type: f.type })), ...LINEAGE_COLUMNS];
}

/** Records that could not be landed: the raw bytes and the reason, never dropped silently. */
export const DEAD_LETTER_TABLE = 'dead_letters';
export const DEAD_LETTER_COLUMNS: readonly ColumnDef[] = [
  { name: '_topic', type: 'varchar' },
  { name: '_partition', type: 'integer' },
  { name: '_offset', type: 'bigint' },
  { name: '_file', type: 'varchar' },
  { name: 'raw_value', type: 'varchar' },
  { name: 'reason', type: 'varchar' },
  { name: '_ingested_at', type: 'timestamp' },
];

/** Default schema for raw tables; the project's sources read `raw.<topic>`. */
export const RAW_SCHEMA = 'raw';

/** Bookkeeping of landed lake files: its rows commit in the same transaction as the file's rows. */
export const LANDED_FILES_TABLE = '_sm_landed_files';
export const LANDED_FILES_COLUMNS: readonly ColumnDef[] = [
  { name: 'file', type: 'varchar' },
  { name: 'topic', type: 'varchar' },
  { name: 'size', type: 'bigint' },
  { name: 'last_modified', type: 'timestamp' },
  { name: 'lines', type: 'bigint' },
  { name: 'dead_letters', type: 'bigint' },
  { name: 'landed_at', type: 'timestamp' },
];

/** What the adapter's landing capability needs to write a topic's raw table. */
export function landingTable(schema: string, topic: Topic, loadedAt: Date): LandingTable {
  return {
    relation: { schema, identifier: topic },
    fields: TOPIC_FIELDS[topic],
    lineage: { topic: '_topic', partition: '_partition', offset: '_offset', file: '_file', loadedAt: '_ingested_at' },
    loadedAt,
  };
}
