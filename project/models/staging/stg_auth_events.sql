-- One row per login attempt outcome. The SQL is the macro stage_auth_events
-- (macros/staging.sql), which the silver lake layer also runs on new hours only.
{{ stage_auth_events() }}
