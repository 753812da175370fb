-- One row per level change request; `level` is the level before the change. The SQL is the
-- macro stage_status_change_events (macros/staging.sql), which the silver lake layer also runs
-- on new hours only.
{{ stage_status_change_events() }}
