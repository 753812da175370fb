-- One row per listen: typed, text cleaned, defaults explicit, replays removed.
-- The SQL is the macro stage_listen_events (macros/staging.sql), which incremental marts
-- also run on the newest raw rows only.
{{ stage_listen_events() }}
