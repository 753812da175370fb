-- A status change happens only on Submit Upgrade or Submit Downgrade: each one matches
-- such a page view in the same session at the same moment.
select s.session_id, s.event_ts
from {{ ref('stg_status_change_events') }} s
left join {{ ref('stg_page_view_events') }} p
    on p.session_id = s.session_id
    and p.event_ms = s.event_ms
    and p.page in ('Submit Upgrade', 'Submit Downgrade')
where p.session_id is null
