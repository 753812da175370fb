-- Listens need a logged-in user: every listen carries a user and maps to a known user row.
select f.stream_key
from {{ ref('fact_streams') }} f
where f.user_id = 0 or f.user_key = {{ unknown_key() }}
