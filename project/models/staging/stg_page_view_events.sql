-- One row per page view; guests and logged-out sessions have user_id 0 and 'NA' names.
-- The SQL is the macro stage_page_view_events (macros/staging.sql), which incremental marts
-- also run on the newest raw rows only.
{{ stage_page_view_events() }}
